"""Codes of HMI panels (classic and Unified): screens, graphics, tags, connections, and the live values of
their tags (an HMI tag read answers the value codes in one item of a successful answer).

Each constant is its code (see :mod:`engineering_api.errors.entry`); a new one goes in alphabetical order, and in
``__all__`` (which :mod:`engineering_api.errors.codes` gathers), before it is raised.
"""

from __future__ import annotations

from typing import Final

from engineering_api.errors.entry import declare

__all__ = ("CONNECTION_EXISTS", "CONNECTION_IN_USE", "CONNECTION_NOT_FOUND", "FACEPLATE_TYPE_NOT_FOUND",
           "GRAPHIC_EXISTS", "GRAPHIC_LIST_EXISTS", "GRAPHIC_NOT_FOUND", "GRAPHIC_TOO_LARGE", "GRAPHIC_TYPE_MISMATCH",
           "HMI_TAG_NOT_FOUND", "INTERNAL_TAG", "INVALID_UNIFIED_DOCUMENT", "NOT_ACCESSIBLE", "NOT_AN_HMI",
           "NOT_A_CLASSIC_PANEL", "NOT_A_UNIFIED_PANEL", "NOT_MODELLED", "NOT_TYPEABLE", "NO_OPENNESS_EQUIVALENT",
           "NO_PARTNER", "NO_PLC_TAG", "PLC_NOT_SIMULATED", "SCREEN_EXISTS", "SCREEN_NOT_FOUND",
           "SCREEN_NOT_RENDERABLE", "SCREEN_NUMBER_NOT_UNIQUE", "SCREEN_SIZE_MISMATCH", "SCRIPT_EXISTS",
           "SCRIPT_NOT_FOUND", "SIMULATION_FAILED", "SIMULATION_UNAVAILABLE", "TEXT_LIST_EXISTS",
           "UNIFIED_NOT_SUPPORTED", "UNSUPPORTED_GRAPHIC")

_NO_VALUE = "An HMI tag read (GET …/hmi/tags/values) gives this tag no value: "
"""The start of the meaning of every code an HMI tag's value can carry instead of a value."""

CONNECTION_EXISTS: Final = declare('CONNECTION_EXISTS', 409, 'Connection exists',
    "An HMI connection of that name exists in the device; send overwrite=true to replace it (TIA's "
    'ImportOptions.Override).')
CONNECTION_IN_USE: Final = declare('CONNECTION_IN_USE', 409, 'Connection in use',
    "The connection '…' is used by the tags …; delete or rebind them first.")
CONNECTION_NOT_FOUND: Final = declare('CONNECTION_NOT_FOUND', 422, 'Connection not found',
    'The connection does not exist (or the device has none): 404 when the URL names it, 422 when the body'
    ' refers to it.', also=(404,))
FACEPLATE_TYPE_NOT_FOUND: Final = declare('FACEPLATE_TYPE_NOT_FOUND', 422, 'Faceplate type not found',
    "The faceplate instance '…' of the screen '…' uses the faceplate type '…' V …, which the project "
    'library does not have; TIA imports a screen only when the types of its faceplate instances are in '
    'the project.')
GRAPHIC_EXISTS: Final = declare('GRAPHIC_EXISTS', 409, 'Graphic exists',
    "The project graphic '…' exists. Send overwrite=true to replace it.")
GRAPHIC_LIST_EXISTS: Final = declare('GRAPHIC_LIST_EXISTS', 409, 'Graphic list exists',
    "A graphic list of that name exists in the HMI device; send overwrite=true to replace it (TIA's "
    'ImportOptions.Override).')
GRAPHIC_NOT_FOUND: Final = declare('GRAPHIC_NOT_FOUND', 404, 'Graphic not found',
    'The project graphic does not exist: 404 when the URL names it, 422 when the body refers to it.', also=(422,))
GRAPHIC_TOO_LARGE: Final = declare('GRAPHIC_TOO_LARGE', 422, 'Graphic too large',
    '… is … bytes; a project graphic may have at most ….')
GRAPHIC_TYPE_MISMATCH: Final = declare('GRAPHIC_TYPE_MISMATCH', 422, 'Graphic type mismatch',
    "The graphic's content is of another image format than its name's extension says; name it after its "
    'format.')
HMI_TAG_NOT_FOUND: Final = declare('HMI_TAG_NOT_FOUND', 404, 'HMI tag not found',
    "The HMI tag(s) … were not found in '…'.")
INTERNAL_TAG: Final = declare('INTERNAL_TAG', 200, 'Internal tag', _NO_VALUE + (
    'it is an internal tag (no connection), whose value exists only in HMI Runtime, which the server does'
    ' not simulate.'))
INVALID_UNIFIED_DOCUMENT: Final = declare('INVALID_UNIFIED_DOCUMENT', 422, 'Invalid unified document',
    'The WinCC Unified document has no part of the kind being imported (screens, tags, scripts, ...).')
NOT_ACCESSIBLE: Final = declare('NOT_ACCESSIBLE', 200, 'Not accessible', _NO_VALUE + (
    'its PLC tag is not released to HMI in the program downloaded to the simulated PLC (TIA lets an HMI '
    'reach a PLC tag only when its "Accessible from HMI/OPC UA/Web API" is on). Turn it on and download '
    'the program again.'))
NOT_AN_HMI: Final = declare('NOT_AN_HMI', 422, 'Not an HMI',
    "The device '…' is not an HMI panel (no device item offers an HmiTarget or HmiSoftware); it has no "
    'screens, HMI tags or connections.')
NOT_A_CLASSIC_PANEL: Final = declare('NOT_A_CLASSIC_PANEL', 422, 'Not a classic panel',
    "'…' is a WinCC Unified panel: it runs JavaScript, not VB scripts, so it has no VB script types or "
    'instances of them.')
NOT_A_UNIFIED_PANEL: Final = declare('NOT_A_UNIFIED_PANEL', 422, 'Not a unified panel',
    "'…' is a classic (WinCC Comfort/Advanced/Basic) panel, not a Unified one; its screens, tags and "
    'connections are SimaticML documents (import and export them).')
NOT_MODELLED: Final = declare('NOT_MODELLED', 501, 'Not modelled',
    'The fake models no instances of … types (only of VB script types); use TIA Portal.')
NOT_TYPEABLE: Final = declare('NOT_TYPEABLE', 422, 'Not typeable',
    "'…' is a screen of '…'. TIA makes a faceplate type from objects selected on a screen and puts a "
    'faceplate instance in their place; the fake does not model faceplates (the SimaticML of a faceplate '
    'instance is unknown to it). Types of a classic panel are made of its VB scripts here.')
NO_OPENNESS_EQUIVALENT: Final = declare('NO_OPENNESS_EQUIVALENT', 501, 'No openness equivalent',
    'TIA Openness has no call that does this, so the operation cannot be performed on a real portal; the '
    'message says which call is missing.')
NO_PARTNER: Final = declare('NO_PARTNER', 200, 'No partner', _NO_VALUE + (
    "its connection names no partner PLC; set the connection's partner."))
NO_PLC_TAG: Final = declare('NO_PLC_TAG', 200, 'No PLC tag', _NO_VALUE + 'it is bound to no PLC tag; bind it to one.')
PLC_NOT_SIMULATED: Final = declare('PLC_NOT_SIMULATED', 200, 'PLC not simulated', _NO_VALUE + (
    "no powered-on PLCSim instance holds the program of its connection's partner PLC; download the "
    'program to a simulated PLC.'))
SCREEN_EXISTS: Final = declare('SCREEN_EXISTS', 409, 'Screen exists',
    "A screen of that name exists in the HMI device; send overwrite=true to replace it (TIA's "
    'ImportOptions.Override).')
SCREEN_NOT_FOUND: Final = declare('SCREEN_NOT_FOUND', 404, 'Screen not found', "The screen '…' was not found in '…'.")
SCREEN_NOT_RENDERABLE: Final = declare('SCREEN_NOT_RENDERABLE', 422, 'Screen not renderable',
    "The screen '…' cannot be drawn: ….")
SCREEN_NUMBER_NOT_UNIQUE: Final = declare('SCREEN_NUMBER_NOT_UNIQUE', 422, 'Screen number not unique',
    "The screen number '…' for screen '…' is not unique for this device (the screen '…' has it).")
SCREEN_SIZE_MISMATCH: Final = declare('SCREEN_SIZE_MISMATCH', 422, 'Screen size mismatch',
    "The screen '…' is …x…; this panel's screens are …x…. A screen is imported only into a device of its "
    'size.')
SCRIPT_EXISTS: Final = declare('SCRIPT_EXISTS', 409, 'Script exists',
    "A VB script of that name exists in the HMI device; send overwrite=true to replace it (TIA's "
    'ImportOptions.Override).')
SCRIPT_NOT_FOUND: Final = declare('SCRIPT_NOT_FOUND', 404, 'Script not found',
    "The script module '…' was not found in '…'.")
SIMULATION_FAILED: Final = declare('SIMULATION_FAILED', 200, 'Simulation failed', _NO_VALUE + (
    'reading it from the simulated PLC failed with an error that has no code of its own; the message '
    'carries it.'))
SIMULATION_UNAVAILABLE: Final = declare('SIMULATION_UNAVAILABLE', 200, 'Simulation unavailable', _NO_VALUE + (
    'the simulated PLCs could not be listed (PLCSim is not available); the message says why.'))
TEXT_LIST_EXISTS: Final = declare('TEXT_LIST_EXISTS', 409, 'Text list exists',
    "A text list of that name exists in the HMI device; send overwrite=true to replace it (TIA's "
    'ImportOptions.Override).')
UNIFIED_NOT_SUPPORTED: Final = declare('UNIFIED_NOT_SUPPORTED', 501, 'Unified not supported',
    "'…' is a WinCC Unified panel (…). Unified objects have no SimaticML in Openness (they are an object "
    'model, served by the Unified routes and documents).')
UNSUPPORTED_GRAPHIC: Final = declare('UNSUPPORTED_GRAPHIC', 422, 'Unsupported graphic',
    'The graphic is not one TIA takes as a project graphic (its format or content); the message says why.')
