"""Block generation from JSON specs and design specs, library side.

* :mod:`.spec` — the JSON block spec, :func:`parse_spec` and its validation (:class:`SpecError` names the field);
* :mod:`.ladder`, :mod:`.graphgen`, :mod:`.operands` — the compact LAD/FBD and GRAPH forms;
* :mod:`.builder` — :func:`generate_xml` / :func:`build_document` for TIA V16…V21 (default V19);
* :mod:`.catalog` — shipped templates (``templates/*.json``): :func:`list_templates`, :func:`template_spec`;
* :mod:`.order` — :func:`import_order` for bulk imports;
* :mod:`.design` — :func:`design_to_specs` (I/O list, equipment modules, interlocks -> specs + tags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .builder import DEFAULT_VERSION, build_document, generate_xml, target_version
from .errors import SpecError, SpecVersionError
from .spec import BlockSpec, MemberSpec, NetworkSpec, parse_spec

if TYPE_CHECKING:  # loaded on first use (__getattr__)
    from .catalog import list_templates, template_spec
    from .design import DesignResult, design_to_specs, tag_table_xml
    from .order import import_order

__all__ = (
    "DEFAULT_VERSION",
    "BlockSpec",
    "DesignResult",
    "MemberSpec",
    "NetworkSpec",
    "SpecError",
    "SpecVersionError",
    "build_document",
    "design_to_specs",
    "generate_xml",
    "import_order",
    "list_templates",
    "parse_spec",
    "tag_table_xml",
    "target_version",
    "template_spec",
)


def __getattr__(name: str) -> object:  # lazy: templates/order/design import the builder
    if name in ("list_templates", "template_spec"):
        from . import catalog

        return getattr(catalog, name)
    if name == "import_order":
        from .order import import_order

        return import_order
    if name in ("design_to_specs", "DesignResult", "tag_table_xml"):
        from . import design

        return getattr(design, name)
    raise AttributeError(name)
