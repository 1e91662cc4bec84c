"""Tag files: TIA's Excel tag export (PLCTags.xlsx), CSV with the same columns, and JSON.

Excel: a sheet "PLC Tags" with TIA's tag-export columns ``Name, Path, Data Type, Logical Address,
Comment, Hmi Visible, Hmi Accessible, Hmi Writeable, Typeobject ID, Version ID`` (Path = the tag table,
flags ``True``/``False``, addresses with ``%``) and a sheet "User Constants" with ``Name, Path, Data Type,
Value, Comment``. Reading is tolerant: header names match case- and blank-insensitively, flags may be
booleans or ``TRUE``/``False``/``1``/``0`` text, and a sheet named otherwise is found by its header.
CSV: the tag columns, comma- or semicolon-separated (detected from the header), UTF-8 with or without
BOM (Windows-1252 as a fallback). JSON: ``{"tags": [...], "userConstants": [...]}`` or a list of tags.
SimaticML: a tag table as TIA exports it (``SW.Tags.PlcTagTable`` with its ``SW.Tags.PlcTag`` and
``SW.Tags.PlcUserConstant`` objects: ``Name``, ``DataTypeName``, ``LogicalAddress`` or ``Value``, the ``Comment``
text, ``ExternalAccessible``/``ExternalVisible``/``ExternalWritable``, true when absent as in TIA's export); its
rows' Path is the table's name.

Every problem found while reading is a row error ``{row, column, reason}``; the row numbers are the
spreadsheet's (header = 1) or the 1-based item number in JSON. No web imports here.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineering_api.backend.areas.tags import ConstantImportRow, RowError, TagImportRow
from engineering_api.lib.xlsx_guard import check_xlsx

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from engineering_api.backend.areas.tags import ConstantInfo, TagInfo

__all__ = (
    "CONSTANTS_SHEET",
    "CONSTANT_COLUMNS",
    "TAGS_SHEET",
    "TAG_COLUMNS",
    "ParsedTags",
    "read_csv",
    "read_json",
    "read_json_items",
    "read_simaticml",
    "read_xlsx",
    "write_csv",
    "write_json",
    "write_xlsx",
)

TAGS_SHEET = "PLC Tags"
CONSTANTS_SHEET = "User Constants"
CONSTANTS_SHEETS = ("user constants", "constants")
PROPERTIES_SHEET = "TagTable Properties"
PROPERTY_COLUMNS = ("Path", "BelongsToUnit", "Accessibility")
TAG_COLUMNS = (
    "Name", "Path", "Data Type", "Logical Address", "Comment", "Hmi Visible", "Hmi Accessible", "Hmi Writeable",
    "Typeobject ID", "Version ID",
)
CONSTANT_COLUMNS = ("Name", "Path", "Data Type", "Value", "Comment")
_REQUIRED_TAG = ("name", "datatype", "logicaladdress")
_REQUIRED_CONSTANT = ("name", "datatype", "value")
_ALIASES = {
    "name": "name", "path": "path", "tagtable": "path", "tablename": "path", "datatype": "datatype",
    "logicaladdress": "logicaladdress", "address": "logicaladdress", "comment": "comment",
    "hmivisible": "hmivisible", "hmiaccessible": "hmiaccessible", "hmiwriteable": "hmiwriteable",
    "hmiwritable": "hmiwriteable", "value": "value", "typeobjectid": "typeobjectid", "versionid": "versionid",
}
_LABEL = {
    "name": "Name", "path": "Path", "datatype": "Data Type", "logicaladdress": "Logical Address", "comment": "Comment",
    "hmivisible": "Hmi Visible", "hmiaccessible": "Hmi Accessible", "hmiwriteable": "Hmi Writeable", "value": "Value",
}
_TRUE = {"true", "1", "yes", "wahr", "x"}
_FALSE = {"false", "0", "no", "falsch"}


@dataclass
class ParsedTags:
    """What a file held: tag rows, constant rows and the problems found while reading."""

    tags: list[TagImportRow] = field(default_factory=list)
    constants: list[ConstantImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _key(header: Any) -> str | None:
    if header is None:
        return None
    text = "".join(ch for ch in str(header).lower() if ch.isalnum())
    return _ALIASES.get(text)


def _columns(header: Iterable[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _key(cell)
        if key is not None and key not in found:
            found[key] = i
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if not isinstance(value, str) else value.strip()


def _address_text(value: Any) -> str:
    """A logical address cell as the address rule reads it: only spaces around it are dropped. Other blanks (a tab,
    a line feed, a control character) are no part of an address, and the rule refuses them
    (:func:`engineering_api.rules.addresses.parse_address`) rather than the import trimming them away."""
    return value.strip(" ") if isinstance(value, str) else _text(value)


def _tag_rows(rows: Iterator[tuple[Any, ...]], columns: dict[str, int], first_row: int, sheet: str,
              out: ParsedTags) -> None:
    name_i = columns["name"]
    type_i = columns["datatype"]
    addr_i = columns["logicaladdress"]
    path_i = columns.get("path")
    comment_i = columns.get("comment")
    flag_columns = [(columns.get(k), k) for k in ("hmivisible", "hmiaccessible", "hmiwriteable")]
    errors = out.errors
    tags = out.tags
    row_number = first_row - 1
    for values in rows:
        row_number += 1
        width = len(values)
        name = values[name_i] if name_i < width else None
        data_type = values[type_i] if type_i < width else None
        address = values[addr_i] if addr_i < width else None
        if name is None and data_type is None and address is None and not any(v not in (None, "") for v in values):
            continue
        flags = []
        bad = False
        for index, key in flag_columns:
            raw = values[index] if index is not None and index < width else None
            if raw is None or raw == "" or raw is True:
                flags.append(True)
            elif raw is False:
                flags.append(False)
            else:
                lowered = str(raw).strip().lower()
                if lowered in _TRUE:
                    flags.append(True)
                elif lowered in _FALSE:
                    flags.append(False)
                else:
                    errors.append(RowError(row=row_number, column=_LABEL[key], reason="expected True or False",
                                           sheet=sheet, value=str(raw)))
                    bad = True
        name_text = _text(name)
        type_text = _text(data_type)
        address_text = _address_text(address)
        for text, key in ((name_text, "name"), (type_text, "datatype"), (address_text, "logicaladdress")):
            if not text:
                errors.append(RowError(row=row_number, column=_LABEL[key], reason="the cell is empty", sheet=sheet))
                bad = True
        if bad:
            continue
        path = _text(values[path_i]) if path_i is not None and path_i < width else ""
        comment = _text(values[comment_i]) if comment_i is not None and comment_i < width else ""
        tags.append(TagImportRow(
            row=row_number, name=name_text, data_type=type_text, logical_address=address_text, comment=comment,
            hmi_visible=flags[0], hmi_accessible=flags[1], hmi_writeable=flags[2], table_name=path or None,
        ))


def _constant_rows(rows: Iterator[tuple[Any, ...]], columns: dict[str, int], first_row: int, sheet: str,
                   out: ParsedTags) -> None:
    row_number = first_row - 1
    def get(values: tuple[Any, ...], key: str) -> str:
        return _text(values[columns[key]]) if key in columns and columns[key] < len(values) else ""

    for values in rows:
        row_number += 1
        if not any(v not in (None, "") for v in values):
            continue
        name, data_type, value = get(values, "name"), get(values, "datatype"), get(values, "value")
        bad = False
        for text, key in ((name, "name"), (data_type, "datatype"), (value, "value")):
            if not text:
                out.errors.append(RowError(row=row_number, column=_LABEL[key], reason="the cell is empty", sheet=sheet))
                bad = True
        if not bad:
            out.constants.append(ConstantImportRow(
                row=row_number, name=name, data_type=data_type, value=value, comment=get(values, "comment"),
                table_name=get(values, "path") or None,
            ))


def _missing(columns: dict[str, int], required: tuple[str, ...]) -> list[str]:
    return [_LABEL[k] for k in required if k not in columns]


def read_xlsx(path: str | Path) -> ParsedTags:
    """Read a TIA tag export (or a workbook with the same columns).

    The file is checked first (zip limits, no DTD in any member) so openpyxl never parses a hostile one.

    Raises:
        XlsxRefusedError: the file is a zip bomb or declares a DTD (a ValueError).
        ValueError: the file is not a workbook, or no sheet has the tag columns.
    """
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ValueError(f"not an Excel workbook (.xlsx): {exc}") from None
    out = ParsedTags()
    try:
        names = workbook.sheetnames
        tag_sheet = next((n for n in names if n.strip().lower() == TAGS_SHEET.lower()), None)
        constant_sheet = next((n for n in names if n.strip().lower() in CONSTANTS_SHEETS), None)
        found_tags = False
        others = [n for n in names if n != constant_sheet and n.strip().lower() != PROPERTIES_SHEET.lower()]
        for name in [tag_sheet] if tag_sheet else others:
            rows = workbook[name].iter_rows(values_only=True)
            header = next(rows, None)
            columns = _columns(header or ())
            if _missing(columns, _REQUIRED_TAG):
                if tag_sheet:
                    raise ValueError(
                        f"the sheet '{name}' lacks the column(s) {', '.join(_missing(columns, _REQUIRED_TAG))}; "
                        f"expected {', '.join(TAG_COLUMNS)}"
                    )
                continue
            _tag_rows(rows, columns, 2, name, out)
            found_tags = True
            break
        if constant_sheet:
            rows = workbook[constant_sheet].iter_rows(values_only=True)
            header = next(rows, None)
            columns = _columns(header or ())
            if not _missing(columns, _REQUIRED_CONSTANT):
                _constant_rows(rows, columns, 2, constant_sheet, out)
            elif any(v is not None for v in columns):
                raise ValueError(
                    f"the sheet '{constant_sheet}' lacks the column(s) "
                    f"{', '.join(_missing(columns, _REQUIRED_CONSTANT))}"
                )
        if not found_tags and constant_sheet is None:
            raise ValueError(f"no sheet has the tag columns {', '.join(TAG_COLUMNS[:4])} (TIA names it '{TAGS_SHEET}')")
    finally:
        workbook.close()
    return out


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_csv(path: str | Path) -> ParsedTags:
    """Read tags from CSV with TIA's tag columns; ``,``, ``;`` or tab separated (from the header line).

    Raises:
        ValueError: the header lacks the required columns.
    """
    text = _decode(Path(path).read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    columns = _columns(header or ())
    missing = _missing(columns, _REQUIRED_TAG)
    if missing:
        raise ValueError(f"the CSV header lacks the column(s) {', '.join(missing)}; expected {', '.join(TAG_COLUMNS)}")
    out = ParsedTags()
    _tag_rows((tuple(r) for r in reader), columns, 2, "CSV", out)
    return out


def _flag(value: Any, row: int, column: str, out: ParsedTags) -> bool:
    if value is None or value is True or value == "":
        return True
    if value is False:
        return False
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    out.errors.append(RowError(row=row, column=column, reason="expected true or false", sheet="JSON", value=str(value)))
    return True


def read_json_items(tags: list[Any], constants: list[Any]) -> ParsedTags:
    """Rows from JSON objects (camelCase, PascalCase or the Excel column names)."""
    out = ParsedTags()
    for number, item in enumerate(tags, start=1):
        if not isinstance(item, dict):
            out.errors.append(RowError(row=number, column="(item)", reason="expected an object", sheet="JSON"))
            continue
        values = {_key(k): v for k, v in item.items() if _key(k)}
        name, data_type = _text(values.get("name")), _text(values.get("datatype"))
        address = _address_text(values.get("logicaladdress"))
        bad = False
        for text, key in ((name, "name"), (data_type, "datatype"), (address, "logicaladdress")):
            if not text:
                out.errors.append(RowError(row=number, column=_LABEL[key], reason="missing or empty", sheet="JSON"))
                bad = True
        before = len(out.errors)
        flags = [_flag(values.get(k), number, _LABEL[k], out) for k in ("hmivisible", "hmiaccessible", "hmiwriteable")]
        if bad or len(out.errors) > before:
            continue
        out.tags.append(TagImportRow(
            row=number, name=name, data_type=data_type, logical_address=address, comment=_text(values.get("comment")),
            hmi_visible=flags[0], hmi_accessible=flags[1], hmi_writeable=flags[2],
            table_name=_text(values.get("path")) or None,
        ))
    for number, item in enumerate(constants, start=1):
        if not isinstance(item, dict):
            out.errors.append(RowError(row=number, column="(item)", reason="expected an object",
                                       sheet="JSON constants"))
            continue
        values = {_key(k): v for k, v in item.items() if _key(k)}
        name, data_type, value = _text(values.get("name")), _text(values.get("datatype")), _text(values.get("value"))
        missing = [k for k, t in (("name", name), ("datatype", data_type), ("value", value)) if not t]
        for key in missing:
            out.errors.append(RowError(row=number, column=_LABEL[key], reason="missing or empty",
                                       sheet="JSON constants"))
        if not missing:
            out.constants.append(ConstantImportRow(
                row=number, name=name, data_type=data_type, value=value, comment=_text(values.get("comment")),
                table_name=_text(values.get("path")) or None,
            ))
    return out


def read_json(path: str | Path) -> ParsedTags:
    """Rows from a JSON file written by :func:`write_json` (or a plain list of tags).

    Raises:
        ValueError: not JSON, or not the expected shape.
    """
    try:
        document = json.loads(_decode(Path(path).read_bytes()))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    except RecursionError:
        raise ValueError("not a tag file: arrays and objects nested too deep") from None
    if isinstance(document, list):
        return read_json_items(document, [])
    if not isinstance(document, dict):
        raise ValueError("expected an object with 'tags' (and 'userConstants') or a list of tags")
    lowered = {k.lower(): v for k, v in document.items()}
    tags = lowered.get("tags", [])
    constants = lowered.get("userconstants", lowered.get("constants", []))
    if not isinstance(tags, list) or not isinstance(constants, list):
        raise ValueError("'tags' and 'userConstants' must be lists")
    table = lowered.get("tagtable") or lowered.get("tablename")
    if isinstance(table, str) and table:
        tags = [t if not isinstance(t, dict) or any(_key(k) == "path" for k in t) else {**t, "path": table}
                for t in tags]
        constants = [c if not isinstance(c, dict) or any(_key(k) == "path" for k in c) else {**c, "path": table}
                     for c in constants]
    return read_json_items(tags, constants)


def read_simaticml(xml: bytes) -> ParsedTags:
    """Rows from a tag table exported as SimaticML, read as the one check reads it (:func:`simatic_xml.parse_bytes`,
    then each tag's fields and element line as :mod:`engineering_api.rules.compiler.tag_tables` takes them): the
    table's name is every row's Path, a row's number the line of its element, and the fields are the document's
    own, untrimmed and unjudged, so the import plan applies the very rules the check applied to them.

    Raises:
        ValueError: not SimaticML, or not a tag table.
    """
    from simatic_xml import SimaticMLError, parse_bytes
    from simatic_xml.objects import PlcTag, PlcTagTable, PlcUserConstant

    from engineering_api.rules.compiler.tag_tables import HMI_FLAGS, element_lines, hmi_flag, line_at

    try:
        document = parse_bytes(xml)
    except SimaticMLError as exc:
        raise ValueError(f"not SimaticML: {exc}") from None
    table = document.object
    if not isinstance(table, PlcTagTable):
        raise ValueError(f"holds a {type(table).__name__}, not a tag table (SW.Tags.PlcTagTable)")
    path = table.name or None
    tag_lines, constant_lines = element_lines(xml, PlcTag.ELEMENT), element_lines(xml, PlcUserConstant.ELEMENT)
    out = ParsedTags()
    for index, tag in enumerate(table.tags):
        # a flag that is no boolean is the check's TAG_INVALID, which refused the document before it was read here
        visible, accessible, writeable = (hmi_flag(tag.attr(flag)) is not False for flag in HMI_FLAGS)
        out.tags.append(TagImportRow(
            row=line_at(tag_lines, index), name=tag.name or "", data_type=tag.data_type or "",
            logical_address=tag.logical_address or "",
            comment=_comment(tag), hmi_visible=visible, hmi_accessible=accessible, hmi_writeable=writeable,
            table_name=path))
    out.constants = [ConstantImportRow(row=line_at(constant_lines, index), name=c.name or "",
                                       data_type=c.typed_attr("DataTypeName", str) or "", value=c.value or "",
                                       comment=_comment(c), table_name=path)
                     for index, c in enumerate(table.user_constants)]
    return out


def _comment(item: Any) -> str:
    texts = item.comment
    if texts is None:
        return ""
    return texts.text("en-US") or next((i.text for i in texts.items if i.text), "") or ""


def _flag_text(value: bool) -> str:
    return "True" if value else "False"


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def write_xlsx(path: str | Path, table: str, tags: list[TagInfo], constants: list[ConstantInfo]) -> None:
    """Write TIA's tag export layout: "PLC Tags", "User Constants" and "TagTable Properties" sheets.

    ``table`` is the Path value: the table name, preceded by its folders (``Line1\\IO``) when it is in one.
    Every cell is text, as in TIA's export.
    """
    import openpyxl

    def write(target: Path) -> None:
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet(TAGS_SHEET)
        sheet.append(list(TAG_COLUMNS))
        for tag in tags:
            sheet.append([
                tag.name, table, tag.data_type, tag.logical_address, tag.comment,
                _flag_text(tag.hmi_visible), _flag_text(tag.hmi_accessible), _flag_text(tag.hmi_writeable), "", "",
            ])
        constants_sheet = workbook.create_sheet(CONSTANTS_SHEET)
        constants_sheet.append(list(CONSTANT_COLUMNS))
        for constant in constants:
            constants_sheet.append([constant.name, table, constant.data_type, constant.value, constant.comment])
        properties = workbook.create_sheet(PROPERTIES_SHEET)
        properties.append(list(PROPERTY_COLUMNS))
        properties.append([table, "", ""])
        workbook.save(target)

    _atomic_write(Path(path), write)


def write_csv(path: str | Path, table: str, tags: list[TagInfo]) -> None:
    """Tags with the Excel export's columns, comma separated, UTF-8."""

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(TAG_COLUMNS)
            for tag in tags:
                writer.writerow([
                    tag.name, table, tag.data_type, tag.logical_address, tag.comment,
                    _flag_text(tag.hmi_visible), _flag_text(tag.hmi_accessible), _flag_text(tag.hmi_writeable), "", "",
                ])

    _atomic_write(Path(path), write)


def write_json(path: str | Path, table: str, tags: list[TagInfo], constants: list[ConstantInfo]) -> None:
    """``{"tagTable", "tags", "userConstants"}`` with the API's field names."""
    import msgspec

    document = {"tagTable": table, "tags": msgspec.to_builtins(tags),
                "userConstants": msgspec.to_builtins(constants)}
    _atomic_write(Path(path), lambda target: target.write_bytes(msgspec.json.format(msgspec.json.encode(document))))
