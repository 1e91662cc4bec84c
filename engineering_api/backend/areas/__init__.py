"""Areas of the backend port: each module holds an area's ABC and its models.

:class:`engineering_api.backend.port.EngineeringBackend` holds one object per area, by the attribute names of
:data:`engineering_api.backend.port.AREAS`, so an adapter implements them all; the contract suite holds each
adapter to the errors the docstrings name.
"""
