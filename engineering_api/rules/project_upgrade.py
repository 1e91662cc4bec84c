"""Opening a project of another TIA version, as both adapters answer it.

A TIA Portal opens projects of its own version. An older project opens only through an upgrade (Openness
``ProjectComposition.OpenWithUpgrade`` / ``RetrieveWithUpgrade``, in the V16 and V17 API stubs of
github:Repsay/siemens-tia-openness-python-stubs), which writes the project in the new version and cannot be undone;
so the client must ask for it (``"upgrade": true``), and without it the answer is a 409 that names the option. A newer
project cannot be opened at all.
"""

from __future__ import annotations

from engineering_api.backend.errors import ConflictError, ValidationError
from engineering_api.errors import codes

__all__ = ("needs_upgrade",)


def needs_upgrade(name: str, project_version: str, portal_version: str, *, upgrade: bool) -> bool:
    """Whether opening the ``project_version`` project ``name`` on a ``portal_version`` portal upgrades it.

    Raises:
        ValidationError: ``PROJECT_VERSION_MISMATCH``: the project is newer than the portal.
        ConflictError: ``PROJECT_UPGRADE_REQUIRED``: the project is older and ``upgrade`` was not asked for.
    """
    held, portal = int(project_version[1:]), int(portal_version[1:])
    details = {"projectVersion": project_version, "portalVersion": portal_version}
    if held > portal:
        raise ValidationError(
            f"'{name}' holds a TIA Portal {project_version} project; TIA Portal {portal_version} cannot open a newer "
            f"project. Open it with TIA Portal {project_version}.", code=codes.PROJECT_VERSION_MISMATCH,
                              details=details,
        )
    if held < portal and not upgrade:
        raise ConflictError(
            f"'{name}' holds a TIA Portal {project_version} project; TIA Portal {portal_version} opens it only by "
            f"upgrading it to {portal_version}, which cannot be undone (the {project_version} project stays as it "
            f'was). Send "upgrade": true to upgrade and open it.',
            code=codes.PROJECT_UPGRADE_REQUIRED, details={**details, "option": "upgrade"},
        )
    return held < portal
