"""Structured design -> block specs + tag table (the "Design Spec" model).

A design::

    {
      "name": "Line1",                                   # optional; names the tag table "Line1_IO"
      "io": [{"name": "Pump1_Start", "address": "%I0.0", "dataType": "Bool", "comment": "..."}, ...],
      "modules": [
        {"name": "Pump1", "template": "motor_starter", "parameters": {...},
         "io": {"Start": "Pump1_Start", "Run": "Pump1_Run", ...}, "comment": "..."}],
      "interlocks": [{"target": "Pump1", "condition": "\\"Tank_Level_Low\\" = FALSE", "comment": "..."}],
      "mainOb": {"name": "Main", "number": 1}           # optional
    }

What it produces (:class:`DesignResult`):

* one FB per template (and per ``blockName`` parameter): the template's spec with that module's
  parameters. Two modules that share a template and block name must give the same parameters;
  give a different ``blockName`` to get a second FB;
* one instance DB per module, named like the module, instance of its FB;
* an OB1 (SCL, ProgramCycle) calling every instance in module order: ``io`` keys are the FB's
  Input/InOut/Output names (case-insensitive), values are tag names from the I/O list; Inputs and InOuts
  are assigned with ``:=``, Outputs with ``=>``. The interlocks of a module are ANDed (each in
  parentheses) into the template's interlock input (motor starter: ``InterlockOk``, valve:
  ``OpenPermit``): an interlock **condition is the permissive**, the module may run while it is TRUE;
* tag table entries for the I/O list (``tags``) and :func:`tag_table_xml` to write them.

Checks (:class:`SpecError` with the field): I/O names (tag rules: 1–125 characters, no ``"``/``%``/
control characters) and addresses (``%I0.0``, ``%Q1.7``, ``%M10.0``, ``%IB2``, ``%IW64``, ``%QD8``, …;
size must fit the data type; no address used twice), unique names across tags, modules and FBs, known
templates, ``io`` keys that the FB declares, tag types equal to the member types, interlock targets
that exist and have an interlock input, conditions that parse as SCL expressions without ``#`` locals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import SclError
from ..scl import parse_expression
from ..model import Document, MultilingualText, MultilingualTextItem, ObjectChild, PlcTag, PlcTagTable
from ..renumber import renumber_document
from ..scl_text import text_to_tokens
from ..versions import DOCUMENT_INFO_VERSIONS
from ..writer import to_bytes
from .builder import generate_xml, target_version
from .catalog import _load, template_spec
from .checks import scl_locals
from .datatypes import ELEMENTARY
from .errors import SpecError
from .spec import parse_spec
from .spec_members import spec_object

__all__ = ("DesignResult", "design_to_specs", "tag_table_xml")

_ADDRESS = re.compile(r"%([IQM])(?:(\d+)\.([0-7])|([BWD])(\d+))\Z", re.IGNORECASE)
_SIZE_TYPES = {
    "X": {"Bool"},
    "B": {"Byte", "SInt", "USInt", "Char"},
    "W": {"Word", "Int", "UInt", "WChar"},
    "D": {"DWord", "DInt", "UDInt", "Real", "Time"},
}
_DESIGN_KEYS = {"name", "io", "modules", "equipment", "interlocks", "mainOb", "description"}


@dataclass(slots=True)
class DesignResult:
    """Specs in import order (FBs, instance DBs, OB1) and the tag table entries."""

    specs: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    tag_table: str = "IO"

    def documents(self, version: str | None = None) -> list[tuple[str, bytes]]:
        """``(name, xml)`` for the tag table and every spec, in import order, for ``version``."""
        ver = target_version(version)
        parsed = {}
        out = [(self.tag_table, tag_table_xml(self.tag_table, self.tags, ver))]
        for spec in self.specs:
            block = parse_spec(spec)
            parsed[block.name] = block
            out.append((block.name, generate_xml(block, ver, types=parsed)))
        return out


def _check_tag_name(name: object, field: str) -> str:
    if not isinstance(name, str) or not name or len(name) > 125 or name != name.strip():
        raise SpecError(field, "tag names are 1-125 characters without leading or trailing blanks")
    if any(ch in '"%' or ord(ch) < 32 for ch in name):
        raise SpecError(field, "tag names must not contain \", % or control characters")
    return name


def _io_list(raw: object) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise SpecError("io", "must be a list of tags")
    tags: list[dict[str, Any]] = []
    names: dict[str, int] = {}
    addresses: dict[str, int] = {}
    for i, item in enumerate(raw):
        path = f"io[{i}]"
        item = spec_object(item, path, "a tag", ("name", "address", "dataType", "comment"))
        name = _check_tag_name(item.get("name"), f"{path}.name")
        if name.casefold() in names:
            raise SpecError(f"{path}.name", f"duplicate tag name {name!r} (io[{names[name.casefold()]}])")
        names[name.casefold()] = i
        dtype_raw = item.get("dataType", "Bool")
        dtype = ELEMENTARY.get(str(dtype_raw).upper()) if isinstance(dtype_raw, str) else None
        if dtype is None or dtype in ("String", "WString", "Variant", "DTL", "LDT", "Date_And_Time"):
            raise SpecError(f"{path}.dataType", f"unknown or unsupported I/O data type {dtype_raw!r}")
        address = item.get("address")
        m = _ADDRESS.match(address) if isinstance(address, str) else None
        if m is None:
            raise SpecError(f"{path}.address", "an address such as %I0.0, %Q1.7, %M10.0, %IW64, %QD8")
        area = m.group(1).upper()
        size = "X" if m.group(2) is not None else m.group(4).upper()
        if dtype not in _SIZE_TYPES[size]:
            raise SpecError(f"{path}.dataType", f"{dtype} does not fit address {address}")
        canon = f"%{area}{m.group(2)}.{m.group(3)}" if size == "X" else f"%{area}{size}{m.group(5)}"
        if canon in addresses:
            raise SpecError(f"{path}.address", f"{canon} is already used by io[{addresses[canon]}]")
        addresses[canon] = i
        comment = item.get("comment", "")
        if not isinstance(comment, str):
            raise SpecError(f"{path}.comment", "must be a string")
        tags.append({"name": name, "address": canon, "dataType": dtype, "comment": comment})
    return tags


def design_to_specs(design: object) -> DesignResult:
    """Turn a design into specs and tags; :class:`SpecError` names the first bad field."""
    if not isinstance(design, dict):
        raise SpecError("", "a design must be a JSON object")
    for key in design:
        if key not in _DESIGN_KEYS:
            raise SpecError(str(key), "unknown field")
    tags = _io_list(design.get("io", []))
    tag_by_name = {t["name"].casefold(): t for t in tags}
    table_name = "IO"
    if design.get("name") is not None:
        table_name = _check_tag_name(f"{design['name']}_IO", "name")
    modules = design.get("modules", design.get("equipment"))
    if not isinstance(modules, list) or not modules:
        raise SpecError("modules", "needs at least one equipment module")

    templates = _load()
    # fb name (casefold) -> (module index, parameters, spec)
    fbs: dict[str, tuple[int, dict[str, Any], dict[str, Any]]] = {}
    fb_order: list[str] = []
    module_info: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []  # (module name, fb name, fb spec, module)
    used: dict[str, str] = {name: f"io[{i}]" for i, name in enumerate(t["name"].casefold() for t in tags)}
    for i, module in enumerate(modules):
        path = f"modules[{i}]"
        module = spec_object(module, path, "a module", ("name", "template", "parameters", "io", "comment"))
        from .names import check_block_name

        name = check_block_name(module.get("name"), f"{path}.name")
        if name.casefold() in used:
            raise SpecError(f"{path}.name", f"{name!r} is already used by {used[name.casefold()]}")
        used[name.casefold()] = path
        template = module.get("template")
        if template not in templates:
            raise SpecError(f"{path}.template",
                            f"unknown template {template!r}; available: {', '.join(sorted(templates))}")
        params = module.get("parameters", {}) or {}
        try:
            fb_spec = template_spec(template, params)
        except SpecError as exc:
            raise SpecError(f"{path}.{exc.field}", exc.reason) from None
        if fb_spec["blockType"] != "FB":
            raise SpecError(f"{path}.template", f"{template} is not an FB template")
        fb_name = fb_spec["name"]
        key = fb_name.casefold()
        if key in fbs:
            first, first_params, first_spec = fbs[key]
            if first_spec != fb_spec:
                raise SpecError(
                    f"{path}.parameters",
                    f"FB {fb_name} is already generated from modules[{first}] with other parameters; "
                    "give this module a different blockName parameter",
                )
        else:
            if key in used and not used[key].startswith("fb:"):
                raise SpecError(f"{path}.template", f"FB name {fb_name!r} collides with {used[key]}")
            used[key] = f"fb:{path}"
            fbs[key] = (i, params, fb_spec)
            fb_order.append(key)
        module_info.append((name, fb_name, fb_spec, module))

    # interlocks
    interlocks: dict[str, list[str]] = {}
    module_names = {m[0].casefold(): m for m in module_info}
    raw_interlocks = design.get("interlocks", []) or []
    if not isinstance(raw_interlocks, list):
        raise SpecError("interlocks", "must be a list")
    for i, item in enumerate(raw_interlocks):
        path = f"interlocks[{i}]"
        item = spec_object(item, path, "an interlock", ("target", "condition", "comment"))
        target = item.get("target")
        if not isinstance(target, str) or target.casefold() not in module_names:
            raise SpecError(f"{path}.target", f"no module named {target!r}")
        template = module_names[target.casefold()][3]["template"]
        if not templates[template].get("interlockInput"):
            raise SpecError(f"{path}.target", f"template {template} has no interlock input")
        cond = item.get("condition")
        if not isinstance(cond, str) or not cond.strip() or "\n" in cond or ";" in cond:
            raise SpecError(f"{path}.condition", "a one-line SCL Boolean expression")
        if scl_locals(cond):
            raise SpecError(f"{path}.condition", "use global tags (\"Tag\"); OB1 has no #locals")
        try:
            parse_expression(cond)
            text_to_tokens(f"IF {cond} THEN\nEND_IF;", version="v4")
        except SclError as exc:
            raise SpecError(f"{path}.condition", str(exc)) from None
        interlocks.setdefault(target.casefold(), []).append(cond.strip())

    # OB1
    main = design.get("mainOb", {}) or {}
    if not isinstance(main, dict):
        raise SpecError("mainOb", "must be an object with name and number")
    main_name = main.get("name", "Main")
    if isinstance(main_name, str) and main_name.casefold() in used:
        clash = used[main_name.casefold()].removeprefix("fb:")
        raise SpecError("mainOb.name", f"{main_name!r} is already used by {clash}; block names must be unique")
    lines: list[str] = []
    calls: dict[str, dict[str, Any]] = {}
    for i, (name, fb_name, fb_spec, module) in enumerate(module_info):
        path = f"modules[{i}]"
        pins = {}
        for section in ("Input", "InOut", "Output"):
            for member in fb_spec.get("interface", {}).get(section, []):
                pins[member["name"].casefold()] = (section, member)
        assigns: list[tuple[str, str, str]] = []
        io = module.get("io", {}) or {}
        if not isinstance(io, dict):
            raise SpecError(f"{path}.io", "must be an object of FB parameter -> tag name")
        interlock_pin = templates[module["template"]].get("interlockInput")
        for key, tag_name in io.items():
            if str(key).casefold() not in pins:
                raise SpecError(f"{path}.io.{key}",
                                f"{fb_name} has no parameter {key!r}; parameters: "
                                f"{', '.join(m['name'] for _, m in pins.values())}")
            section, member = pins[str(key).casefold()]
            if not isinstance(tag_name, str) or tag_name.casefold() not in tag_by_name:
                raise SpecError(f"{path}.io.{key}", f"no tag {tag_name!r} in the I/O list")
            tag = tag_by_name[tag_name.casefold()]
            if tag["dataType"] != member["dataType"]:
                raise SpecError(f"{path}.io.{key}",
                                f"tag {tag['name']} is {tag['dataType']}, {member['name']} is {member['dataType']}")
            if interlock_pin and member["name"] == interlock_pin and name.casefold() in interlocks:
                raise SpecError(f"{path}.io.{key}", f"{interlock_pin} is driven by the interlocks of this module")
            assigns.append((section, member["name"], f'"{tag["name"]}"'))
        conds = interlocks.get(name.casefold())
        if conds and interlock_pin:  # an interlock's target has an interlock input (checked with the interlocks)
            expr = " AND ".join(f"({c})" for c in conds) if len(conds) > 1 else conds[0]
            assigns.append(("Input", interlock_pin, expr))
        order = {"Input": 0, "InOut": 1, "Output": 2}
        assigns.sort(key=lambda a: order[a[0]])
        comment = module.get("comment")
        if comment is not None and (not isinstance(comment, str) or "\n" in comment):
            raise SpecError(f"{path}.comment", "a one-line string")
        lines.append(f"// {name}: {comment or module['template']}")
        if assigns:
            head = f'"{name}"('
            parts = [f"{pin} {'=>' if section == 'Output' else ':='} {value}" for section, pin, value in assigns]
            lines.append(head + (",\n" + " " * len(head)).join(parts) + ");")
        else:
            lines.append(f'"{name}"();')
        calls[name] = {"blockType": "FB", "block": fb_name}
    ob_spec = {
        "blockType": "OB",
        "name": main_name,
        "number": main.get("number", 1),
        "language": "SCL",
        "secondaryType": "ProgramCycle",
        "title": "Main program",
        "comment": "Generated from the design: one call per equipment module",
        "networks": [{"title": "Equipment modules", "scl": "\n".join(lines), "calls": calls}],
    }
    specs = [fbs[k][2] for k in fb_order]
    specs += [{"blockType": "InstanceDB", "name": name, "instanceOf": fb_name} for name, fb_name, _, _ in module_info]
    specs.append(ob_spec)
    # Validate everything once, naming the design field on failure.
    for spec in specs:
        try:
            parse_spec(spec)
        except SpecError as exc:
            where = "mainOb" if spec is ob_spec and exc.field in ("name", "number") else "modules"
            raise SpecError(f"{where}.{exc.field}" if where == "mainOb" else exc.field, exc.reason) from None
    return DesignResult(specs, tags, table_name)


def tag_table_xml(name: str, tags: list[dict[str, Any]], version: str | None = None) -> bytes:
    """A ``SW.Tags.PlcTagTable`` document for ``tags`` (``name``, ``address``, ``dataType``, ``comment``).

    Written the way V19+ tag tables are exported (no External* flags, which are defaults), for every version.
    """
    ver = target_version(version)
    _check_tag_name(name, "tagTable")
    children: list[ObjectChild] = []
    for tag in tags:
        text = MultilingualText("Comment", [MultilingualTextItem("en-US", tag.get("comment", ""))])
        children.append(
            PlcTag(
                element=PlcTag.ELEMENT,
                composition_name="Tags",
                attributes={"DataTypeName": tag["dataType"], "LogicalAddress": tag["address"], "Name": tag["name"]},
                children=[text],
            )
        )
    table = PlcTagTable(element=PlcTagTable.ELEMENT, attributes={"Name": name}, children=children)
    info = None
    if ver in DOCUMENT_INFO_VERSIONS:
        from ..model import DocumentInfo, Product

        info = DocumentInfo(None, "None",
                            [Product("Product", "Totally Integrated Automation Portal", ver),
                             Product("OptionPackage", "TIA Portal Openness", ver)])
    doc = Document(ver, table, info)
    renumber_document(doc)
    return to_bytes(doc)
