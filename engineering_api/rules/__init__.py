"""TIA Portal's rules that every backend adapter applies the same way, with no adapter imports.

- :mod:`~engineering_api.rules.naming`: project, device and object names; IPv4 addressing.
- :mod:`~engineering_api.rules.addresses`: absolute PLC addresses (``%I0.0``, ``%MW10``), their areas, sizes and
  overlaps.
- :mod:`~engineering_api.rules.values`: tag and constant names, data types and constant values.
- :mod:`~engineering_api.rules.tags`: those rules per field of a tag, constant or tag table, with the error code
  and column each breaks.

The fake (``fakes/``) enforces them as TIA would; the Openness bridge checks them before calling TIA, so a
refusal has the same code and text on both.
"""
