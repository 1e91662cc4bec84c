"""Hardware as AutomationML through Openness' ``CaxProvider`` (``Project.GetService<CaxProvider>()``).

``Export(Device, FileInfo aml, FileInfo log)`` and ``Import(FileInfo aml, FileInfo log, CaxImportOptions)`` return
a bool and write their reasons into the log (which must end in ``.log``); TIA does not overwrite an export and
refuses CAx calls inside an exclusive access, so neither runs in a transaction. To keep "nothing is imported when
a device exists", the bridge reads the file first (device names and head articles, checked against TIA's catalog)
and imports with ``RetainTiaDevice`` only when nothing clashes.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.backend.errors import (
    AlreadyExistsError,
    EngineeringError,
    NotFoundError,
    ValidationError,
)
from engineering_api.backend.models import HardwareTransfer
from engineering_api.errors import codes
from engineering_api.lib.staging import staging_folder
from engineering_api.rules.naming import check_device_name
from openness_bridge.device_lookup import all_devices, find_device
from openness_bridge.projects import require_folder
from simatic_xml.safe import parse_untrusted

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    from openness_bridge.catalog import ArticleFacts
    from openness_bridge.session import BridgeSession

__all__ = ("CaxTransfer", "aml_devices")

_CAEX = "{http://www.dke.de/CAEX}"


def _roles(element: Any) -> set[str]:
    refs = [r.get("RefRoleClassPath", "") for r in element.findall(_CAEX + "SupportedRoleClass")]
    refs += [r.get("RefBaseRoleClassPath", "") for r in element.findall(_CAEX + "RoleRequirements")]
    return {r.rsplit("/", 1)[-1] for r in refs if r}


def _value(element: Any, name: str) -> str | None:
    for attribute in element.findall(_CAEX + "Attribute"):
        if attribute.get("Name") == name:
            value = attribute.find(_CAEX + "Value")
            return (value.text or "").strip() if value is not None else ""
    return None


def aml_devices(data: bytes) -> list[tuple[str, str]]:
    """``(device name, head article number)`` of every device in CAEX 3.0 AutomationML.

    Raises:
        ValueError: not well-formed or unsafe XML, not CAEX 3.0, or a device without a catalog article.
    """
    root = parse_untrusted(data).getroot()
    if root.tag != _CAEX + "CAEXFile" or root.get("SchemaVersion") != "3.0":
        raise ValueError("it is not CAEX 3.0 AutomationML (root element CAEXFile, SchemaVersion 3.0)")
    found = []
    for element in root.iter(_CAEX + "InternalElement"):
        if "Device" not in _roles(element):
            continue
        head = next(
            (e for e in element.iter(_CAEX + "InternalElement")
             if (_value(e, "TypeIdentifier") or "").startswith("OrderNumber:")),
            None,
        )
        if head is None:
            raise ValueError(f"device '{element.get('Name')}' has no device item with an article number")
        article = (_value(head, "TypeIdentifier") or "")[len("OrderNumber:"):].partition("/")[0].strip()
        found.append((element.get("Name", ""), article))
    if not found:
        raise ValueError("it describes no device")
    return found


class CaxTransfer:
    """``export_hardware`` / ``import_hardware`` of the devices area.

    Args:
        session: the Openness session.
        article: what TIA's hardware catalog says about an article number (None when it does not know it).
        scratch: a fresh folder for one file exchange, removed on exit (the session's scratch area).
    """

    def __init__(
        self, session: BridgeSession, *, article: Callable[[str], ArticleFacts | None],
        scratch: Callable[[str], AbstractContextManager[Path]],
    ) -> None:
        self._session = session
        self._article = article
        self._scratch = scratch

    def _cax(self, project: Any) -> Any:
        return self._session.service(project, self._session.namespace("Siemens.Engineering.Cax").CaxProvider)

    def export_hardware(self, name: str, target: Path) -> HardwareTransfer:
        def run() -> HardwareTransfer:
            project = self._session.project()
            device = find_device(project, name)
            require_folder(target.parent)
            if target.exists():
                raise AlreadyExistsError(f"The file '{target.name}' already exists.", code=codes.FILE_EXISTS)
            target.parent.mkdir(parents=True, exist_ok=True)
            with staging_folder(target.parent, "export") as staging:
                aml, log = staging / "hardware.aml", staging / "hardware.log"
                io = self._session.api.io
                if not self._cax(project).Export(device, io.FileInfo(str(aml)), io.FileInfo(str(log))):
                    raise EngineeringError(
                        f"CaxProvider.Export failed: {log.read_text(errors='replace') if log.exists() else 'no log'}",
                        code=codes.OPENNESS_REFUSED,
                    )
                aml.replace(target)
            return HardwareTransfer(path=str(target), devices=[str(device.Name)])

        return self._session.call("CaxProvider.Export", run)

    def import_hardware(self, source: Path) -> HardwareTransfer:
        def run() -> HardwareTransfer:
            project = self._session.project()
            if not source.is_file():
                raise NotFoundError(f"The file '{source}' was not found.", code=codes.FILE_NOT_FOUND)
            try:
                devices = aml_devices(source.read_bytes())
            except ValueError as exc:
                raise ValidationError(f"'{source.name}' cannot be imported: {exc}.", code=codes.INVALID_AML) from None
            existing = {str(d.Name).casefold() for d in all_devices(project)}
            for name, article in devices:
                check_device_name(name)
                facts = self._article(article)
                if facts is None or facts["kind"] == "module":
                    raise ValidationError(
                        f"'{source.name}' cannot be imported: device '{name}' is article '{article}', "
                        + ("which is not in TIA's hardware catalog." if facts is None
                           else "which is a module, not a device."),
                        code=codes.INVALID_AML,
                    )
                if name.casefold() in existing:
                    raise AlreadyExistsError(
                        f"A device with the name '{name}' already exists; nothing was imported.",
                                             code=codes.DEVICE_EXISTS
                    )
            with self._scratch("cax") as logs:
                log = logs / "import.log"
                aml = source
                # CaxProvider reads AutomationML by its .aml name; the client says .xml
                if source.suffix.lower() != ".aml":
                    aml = logs / "import.aml"
                    shutil.copyfile(source, aml)
                options = self._session.namespace("Siemens.Engineering.Cax").CaxImportOptions.RetainTiaDevice
                io = self._session.api.io
                if not self._cax(project).Import(io.FileInfo(str(aml)), io.FileInfo(str(log)), options):
                    reason = log.read_text(errors="replace").strip() if log.exists() else "no log written"
                    raise ValidationError(f"TIA Portal did not import '{source.name}': {reason}",
                                          code=codes.INVALID_AML)
            return HardwareTransfer(path=str(source), devices=[name for name, _ in devices])

        return self._session.call("CaxProvider.Import", run, invocation=ValidationError)
