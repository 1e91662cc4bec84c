"""Areas of the backend port added per capability: each module holds its models and an abstract mixin.

:class:`engineering_api.backend.port.EngineeringBackend` inherits every mixin, so an adapter implements
them all; the contract suite holds each adapter to the errors the docstrings name.
"""
