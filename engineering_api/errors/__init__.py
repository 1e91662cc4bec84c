"""The API's error codes: every ``code`` a problem response (or a record sent to a client) can carry.

- :mod:`engineering_api.errors.codes`: each code an importable constant, declared once per area with its HTTP
  status, title and meaning; raise sites write ``codes.TAG_NOT_FOUND``.
- :mod:`engineering_api.errors.registry`: the declared codes as one table (``ERROR_CODES``), the families no table
  lists (``HTTP_<status>``, ``FIRMWARE_REQUIRES_<version>``, diagnostic codes), the run-time guard against an
  undeclared code and each code's problem ``type``.

``python -m tools.error_code_scan`` reads the source for codes it sends that the registry does not declare, and
``docs/error-codes.md`` is generated from the registry (``make docs``).
"""

__all__ = ()
