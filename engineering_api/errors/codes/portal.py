"""Codes of TIA Portal itself and its Openness API: the portal's session, the bridge, Openness's own
exceptions.

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("BRIDGE_ERROR", "BRIDGE_NOT_YET_IMPLEMENTED", "OPENNESS_ACCESS_DENIED", "OPENNESS_CALLBACK_FAILED",
           "OPENNESS_ERROR", "OPENNESS_NOT_SUPPORTED", "OPENNESS_OBJECT_DISPOSED", "OPENNESS_OUT_OF_MEMORY",
           "OPENNESS_REFUSED", "OPENNESS_RUNTIME_ERROR", "OPENNESS_USER_ABORTED", "PORTAL_CONNECTION_LOST",
           "PORTAL_NOT_FOUND", "PORTAL_SESSION_ENDED", "PORTAL_UNAVAILABLE")

BRIDGE_ERROR: Final = declare('BRIDGE_ERROR', 500, 'Bridge error',
    'Project.Archive wrote … files instead of one archive.')
BRIDGE_NOT_YET_IMPLEMENTED: Final = declare('BRIDGE_NOT_YET_IMPLEMENTED', 501, 'Bridge not yet implemented',
    "The Openness bridge does not implement '…' yet. Use --backend fake for this operation; "
    'openness_bridge/README.md lists what the bridge serves.')
OPENNESS_ACCESS_DENIED: Final = declare('OPENNESS_ACCESS_DENIED', 403, 'Openness access denied',
    'TIA Openness refused access (EngineeringSecurityException): the user running the server is not in '
    'the Siemens TIA Openness group, or the object is protected.')
OPENNESS_CALLBACK_FAILED: Final = declare('OPENNESS_CALLBACK_FAILED', 500, 'Openness callback failed',
    'An answer this service gave TIA Portal (a confirmation, a download or a credentials callback) failed'
    ' (EngineeringDelegateInvocationException); the inner exception says why.')
OPENNESS_ERROR: Final = declare('OPENNESS_ERROR', 500, 'Openness error',
    'TIA Openness raised an EngineeringException the bridge has no more specific code for.')
OPENNESS_NOT_SUPPORTED: Final = declare('OPENNESS_NOT_SUPPORTED', 501, 'Openness not supported',
    'TIA Openness says the object does not support this (EngineeringNotSupportedException).')
OPENNESS_OBJECT_DISPOSED: Final = declare('OPENNESS_OBJECT_DISPOSED', 409, 'Openness object disposed',
    '… The object went away (closed or deleted in TIA Portal) and could not be found again.')
OPENNESS_OUT_OF_MEMORY: Final = declare('OPENNESS_OUT_OF_MEMORY', 503, 'Openness out of memory',
    'TIA Portal ran out of memory (EngineeringOutOfMemoryException); save, restart TIA Portal and split '
    'the operation. The session is kept.')
OPENNESS_REFUSED: Final = declare('OPENNESS_REFUSED', 500, 'Openness refused',
    "TIA Openness refused the call (EngineeringTargetInvocationException); the message carries TIA's "
    'reason.')
OPENNESS_RUNTIME_ERROR: Final = declare('OPENNESS_RUNTIME_ERROR', 500, 'Openness runtime error',
    'TIA Openness failed inside the portal (EngineeringRuntimeException).')
OPENNESS_USER_ABORTED: Final = declare('OPENNESS_USER_ABORTED', 409, 'Openness user aborted',
    'Someone canceled the operation in TIA Portal, a dialog or its progress window '
    '(EngineeringUserAbortException); repeat the request.')
PORTAL_CONNECTION_LOST: Final = declare('PORTAL_CONNECTION_LOST', 503, 'Portal connection lost',
    '… The connection to TIA Portal was lost; the session will attach again on the next request.')
PORTAL_NOT_FOUND: Final = declare('PORTAL_NOT_FOUND', 404, 'Portal not found',
    'No TIA Portal process with pid … is running.')
PORTAL_SESSION_ENDED: Final = declare('PORTAL_SESSION_ENDED', 503, 'Portal session ended',
    'TIA Portal (pid …) ended this Openness session (TiaPortal.Disposed: the portal was closed). Launch a'
    ' portal or attach to a running one, then open the project again.')
PORTAL_UNAVAILABLE: Final = declare('PORTAL_UNAVAILABLE', 503, 'Portal unavailable',
    'No TIA Portal is attached, or it stopped answering; retry when a portal is attached.')
