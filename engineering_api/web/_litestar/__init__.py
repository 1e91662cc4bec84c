"""Litestar's internals, patched: the one place that knows them (a Litestar upgrade is checked here).

* :mod:`.route_map`: the app class, with its path -> method -> handler map kept up to date and its routing trie
  built once;
* :mod:`.route_options`: the automatic OPTIONS handlers, cheap to register and answering every method;
* :mod:`.route_signatures`: handlers' parsed signatures from shared field definitions, their models made late;
* :mod:`.direct_route`: a listing's handler called directly by the guard, without Litestar's steps around it;
* :mod:`.struct_schemas`: the OpenAPI schemas of Structs with their fields' documentation.

The package imports none of its modules here.
"""

__all__ = ("direct_route", "route_map", "route_options", "route_signatures", "struct_schemas")
