"""HMI types of the fake's libraries: VB script types of classic panels, beside the PLC's block and UDT types.

TIA's project library holds HMI types as well as PLC ones (Siemens, *Programming Guideline for S7-1200/1500*
V1.2, entry ID 81318674, §3.7 "Libraries": "Supported types are controller blocks (FCs, FBs), PLC data types,
HMI images, HMI faceplates, HMI UDT, scripts"; "Types are versioned"). Over Openness they are library types like
the others: ``Siemens.Engineering.Hmi.RuntimeScripting.VBScriptLibraryType`` and
``Hmi.Faceplate.FaceplateLibraryType`` derive from ``Library.Types.LibraryType``, their versions from
``LibraryTypeVersion`` with the same ``Edit``/``Release``/``Discard``/``SetAsDefault`` (docs/openness-members.md,
HMI sources [H1], [H6]; :data:`engineering_api.rules.hmi_resources.HMI_LIBRARY_TYPES`). So the fake keeps them in
the one version model of :mod:`fakes.library` (kind ``VBScript``; a version holds the script's SimaticML,
``Hmi.RuntimeScripting.VBScript``) and the same rules hold: a released version never changes, one version is in
work at a time, a type with instances is not deleted.

The instance of a VB script type is the panel's VB script of the type's name, as the instance of a block type is
the PLC's block of its name. Faceplate types are not made here: TIA makes one from objects selected on a screen
and puts a faceplate instance in their place, and the SimaticML of a faceplate instance on a classic screen is in
no public source we have, so a screen offered as a type's source is refused (422 ``NOT_TYPEABLE``) with that reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engineering_api.backend.areas.hmi_resources import HmiLibraryTypeInfo
from engineering_api.backend.areas.library import LibraryTypeInfo, TypeComparison, TypeInstance
from engineering_api.backend.errors import AlreadyExistsError, NotFoundError, NotSupportedError, ValidationError
from engineering_api.errors import codes
from engineering_api.lib.schema import utc_now
from engineering_api.rules.hmi import read_document
from engineering_api.rules.hmi_resources import HMI_LIBRARY_TYPES, faceplate_references, not_a_classic_panel
from engineering_api.rules.library import RELEASED
from fakes.hmi import HmiTarget, check_hmi, find_document, hmi_target, is_unified, store_document
from fakes.library import LibraryType, TypeVersion
from simatic_xml import hmi as sx
from simatic_xml import hmi_lists as hl

if TYPE_CHECKING:
    from fakes.library import Library
    from fakes.model import Device, Project

__all__ = ("FACEPLATE_KIND", "HMI_KINDS", "SCRIPT_KIND", "check_script_type", "faceplate_instances", "classic_panel",
           "compare_scripts", "hmi_type_info",
           "instance_data", "new_script_type", "place_script", "script_source")

HMI_KINDS = frozenset(HMI_LIBRARY_TYPES.values())
"""The kinds of HMI types (``Faceplate``, ``VBScript``, ``CScript``): their instances live on HMI panels."""
SCRIPT_KIND = HMI_LIBRARY_TYPES["VBScriptLibraryType"]
"""The HMI type the fake makes: a VB script of a classic panel."""
FACEPLATE_KIND = HMI_LIBRARY_TYPES["FaceplateLibraryType"]


def faceplate_instances(project: Project, t: LibraryType) -> list[TypeInstance]:
    """The faceplate instances on the project's classic screens whose ``FaceplateTypeName`` names the faceplate
    type ``t`` (``Screen/ObjectName``, with the version each names). A screen kept from before the rule that checks
    them at import and whose instance is malformed is passed over."""
    found = []
    for device_name, device in sorted(project.devices.items()):
        screens = device.hmi.screens.values() if isinstance(device.hmi, HmiTarget) else ()
        for screen in screens:
            try:
                references = faceplate_references(screen)
            except ValidationError:
                continue
            found += [TypeInstance(device_name=device_name, name=f"{screen.root.name}/{name}", version_number=version)
                      for name, folder, type_name, version in references
                      if (folder.casefold(), type_name.casefold()) == (t.folder.casefold(), t.name.casefold())]
    return found


def _scripts(device: Device | None) -> dict[str, sx.HmiDocument]:
    """The panel's VB scripts (none for a missing device, a PLC, a Unified panel or a panel never touched)."""
    return device.hmi.scripts if device is not None and isinstance(device.hmi, HmiTarget) else {}


def instance_data(project: Project, device: str, name: str, kind: str) -> bytes | None:
    """The content of the object ``name`` in ``device`` that an instance of a type of ``kind`` would be: a VB
    script's SimaticML for an HMI type, a block's or UDT's for a PLC type; None when there is none."""
    dev = project.devices.get(device)
    if kind in HMI_KINDS:  # of the HMI kinds only VB script types have instances here (faceplates: none modelled)
        scripts = _scripts(dev) if kind == SCRIPT_KIND else {}
        key = find_document(scripts, name)
        return sx.to_bytes(scripts[key]) if key is not None else None
    obj = dev.software.find(name) if dev is not None and dev.software is not None else None
    return obj.xml if obj is not None else None


def check_script_type(kind: str) -> None:
    """Instances of ``kind`` (an HMI kind) can be placed: only VB script types' can here.

    Raises:
        NotSupportedError: ``NOT_MODELLED`` for another HMI kind (a faceplate type carried in from a library
            file): the fake does not model its instances.
    """
    if kind != SCRIPT_KIND:
        raise NotSupportedError(f"The fake models no instances of {kind} types (only of VB script types); use TIA "
                                "Portal.", code=codes.NOT_MODELLED, details={"kind": kind})


def classic_panel(project: Project, device: Device) -> HmiTarget:
    """The HMI software of ``device``, a classic (Comfort/Advanced/Basic) panel: VB scripts run on those only.

    Raises:
        ValidationError: ``NOT_AN_HMI``; ``NOT_A_CLASSIC_PANEL`` for a WinCC Unified panel, whose scripts are
            JavaScript (its library types, faceplates and script module types, are not modelled here).
    """
    check_hmi(device)
    if is_unified(device):
        raise not_a_classic_panel(device.name)
    return hmi_target(device, project.version)


def script_source(project: Project, device: Device, name: str) -> sx.HmiDocument:
    """The VB script ``name`` of the classic panel ``device``, to make a type of.

    Raises:
        ValidationError: ``NOT_AN_HMI``, ``NOT_A_CLASSIC_PANEL``; ``NOT_TYPEABLE`` for a screen (faceplates are
            not modelled).
        NotFoundError: ``OBJECT_NOT_FOUND``.
    """
    target = classic_panel(project, device)
    key = find_document(target.scripts, name)
    if key is not None:
        return target.scripts[key]
    if find_document(target.screens, name) is not None:
        raise ValidationError(
            f"'{name}' is a screen of '{device.name}'. TIA makes a faceplate type from objects selected on a screen "
            "and puts a faceplate instance in their place; the fake does not model faceplates (the SimaticML of a "
            "faceplate instance is unknown to it). Types of a classic panel are made of its VB scripts here.",
            code=codes.NOT_TYPEABLE, details={"objectName": name})
    raise NotFoundError(f"'{device.name}' has no VB script '{name}' (an HMI panel's types are made of its VB "
                        "scripts).", code=codes.OBJECT_NOT_FOUND, details={"objectName": name})


def new_script_type(project: Project, lib: Library, device: str, doc: sx.HmiDocument, folder: str,
                    comment: str) -> LibraryType:
    """A VBScript type of ``doc`` (0.0.1, released, as a PLC type starts); the script becomes its instance."""
    name = doc.root.name
    t = LibraryType(name=name, kind=SCRIPT_KIND, folder=folder, default="0.0.1",
                    versions=[TypeVersion(number="0.0.1", state=RELEASED, data=sx.to_bytes(doc), author=project.author,
                                          comment=comment, created_at=utc_now())])
    lib.types[name] = t
    lib.links.setdefault(device, {})[name] = (name, "0.0.1")
    return t


def place_script(project: Project, lib: Library, device: str, t: LibraryType, version: TypeVersion,
                 created: list[str], updated: list[str]) -> None:
    """Make the VB script ``t.name`` of the panel ``device`` an instance of ``version`` (created or replaced).

    Raises:
        AlreadyExistsError: ``OBJECT_EXISTS``: the panel has a script of that name that is no instance of the type.
    """
    target = classic_panel(project, project.devices[device])
    existing = find_document(target.scripts, t.name)
    link = lib.links.get(device, {}).get(t.name)
    if existing is not None and (link is None or link[0] != t.name):
        raise AlreadyExistsError(f"'{device}' has a VB script named '{existing}' that is no instance of the type; "
                                 "rename or delete it first.", code=codes.OBJECT_EXISTS, details={"name": existing})
    if existing is not None and sx.to_bytes(target.scripts[existing]) == version.data and \
            link == (t.name, version.number):
        return
    doc = read_document(version.data, sx.VB_SCRIPT, f"type '{t.name}' {version.number}")
    store_document(target.scripts, doc, existing)
    lib.links.setdefault(device, {})[t.name] = (t.name, version.number)
    (updated if existing is not None else created).append(t.name)


def compare_scripts(t: LibraryType, left: TypeVersion, right: bytes, right_label: str) -> TypeComparison:
    """Two VB script versions (or a version and an instance): ``code`` when the script code differs,
    ``attributes`` when only its kind (Sub/Function) or other properties do."""
    old, new = sx.read_hmi(left.data).root, sx.read_hmi(right).root
    kinds = []
    if hl.script_code(old) != hl.script_code(new):
        kinds.append("code")
    if sx.canonical(left.data) != sx.canonical(right) and not kinds:
        kinds.append("attributes")
    kind = ", ".join(kinds)
    summary = (f"{t.name}: {left.number} and {right_label} are identical" if not kind
               else f"{t.name}: {left.number} and {right_label} differ ({kind})")
    return TypeComparison(type_name=t.name, left=left.number, right=right_label, identical=not kind, kind=kind,
                          summary=summary)


def hmi_type_info(info: LibraryTypeInfo) -> HmiLibraryTypeInfo:
    """A project library type in the HMI routes' shape."""
    return HmiLibraryTypeInfo(name=info.name, kind=info.kind, folder=info.folder,
                              versions=[v.version_number for v in info.versions], default_version=info.default_version,
                              in_work_version=info.in_work_version, instances=info.instances)
