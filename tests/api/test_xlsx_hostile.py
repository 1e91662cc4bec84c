"""Hostile XLSX files (issue 12, failures 5 and 7): DTDs and zip bombs are refused with 422 before openpyxl parses.

Each file is a small valid workbook with one member rewritten: billion laughs, XXE, an external DTD (openpyxl
would parse them) and a whitespace bomb (the worker would grow by gigabytes). Each answers 422 XLSX_REFUSED and
imports nothing.
"""

from __future__ import annotations

import random
import zipfile
from typing import TYPE_CHECKING

import openpyxl
import pytest
from defusedxml import EntitiesForbidden

from engineering_api.domain.tag_formats import TAG_COLUMNS
from engineering_api.lib.xlsx_guard import XLSX_LIMITS, XlsxRefusedError, check_xlsx
from tests.conftest import assert_error, data, job_error, run_job

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

D = "/api/devices/PLC_1"
URL = f"{D}/tag-tables/Default tag table/actions/import-xlsx-sync"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"

MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
LAUGHS_DTD = b"<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">" + b"".join(
    b"<!ENTITY lol%d \"%s\">" % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)
) + b"]>"


def _sheet_using(doctype: bytes, text: bytes) -> Callable[[bytes], bytes]:
    """A sheet with ``doctype`` whose tag name cell (A2) holds ``text`` (an entity reference)."""

    def change(old: bytes) -> bytes:
        return b'<?xml version="1.0"?>\n' + doctype + old.replace(b"<t>Hostile_Tag</t>", b"<t>" + text + b"</t>")

    return change


def _valid(path: Path) -> Path:
    """A one-tag workbook in TIA's layout, saved with shared strings."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "PLC Tags"
    sheet.append(list(TAG_COLUMNS))
    sheet.append(["Hostile_Tag", "Default tag table", "Bool", "%I0.0", "", "True", "True", "True", None, None])
    workbook.save(path)
    return path


def _rewrite(source: Path, target: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """Copy ``source`` to ``target`` with one member's bytes replaced by ``change(old)`` (added if missing)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names if member in names else [*names, member]:
            content = src.read(name) if name in names else b""
            dst.writestr(name, change(content) if name == member else content,
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return target


def _with_doctype(doctype: bytes) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        declaration, _, rest = xml.partition(b"?>")
        return declaration + b"?>\n" + doctype + rest

    return change


HOSTILE: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "billion-laughs": (SHEET, _sheet_using(LAUGHS_DTD, b"&lol9;")),
    "xxe": (SHEET, _sheet_using(b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b"&xxe;")),
    "external-dtd": (SHEET, _sheet_using(b'<!DOCTYPE worksheet SYSTEM "http://attacker.invalid/x.dtd">',
                                         b"Hostile_Tag")),
    "lower-case-doctype": (SHEET, _sheet_using(b"<!doctype worksheet>", b"Hostile_Tag")),
    # a member openpyxl may never read is scanned all the same
    "laughs-in-shared-strings": (STRINGS, lambda _old: (
        b'<?xml version="1.0"?>\n' + LAUGHS_DTD + b"<sst " + MAIN_NS + b"><si><t>&lol9;</t></si></sst>"
    )),
    "utf-16": (SHEET, lambda old: b'<?xml version="1.0" encoding="UTF-16"?>\n'.decode().encode("utf-16")
               + old.decode().encode("utf-16")[2:]),
    # 16 MiB of spaces deflate to ~16 KB: ratio ~1000, refused from the zip directory without inflating
    "whitespace-bomb": (SHEET, lambda old: old.replace(b"<sheetData>", b"<sheetData>" + b" " * (16 << 20), 1)),
}


def _tag_names(client, headers) -> list[str]:
    return [t["name"] for t in data(client.get(f"{D}/tag-tables/Default tag table/tags", headers=headers))]


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_xlsx_is_refused_and_imports_nothing(kind, client, engineer_headers, workspace, cpu):
    member, change = HOSTILE[kind]
    _rewrite(_valid(workspace / "valid.xlsx"), workspace / f"{kind}.xlsx", member, change)
    before = _tag_names(client, engineer_headers)
    body = assert_error(client.post(URL, json={"filePath": f"{kind}.xlsx"}, headers=engineer_headers), 422,
                        "XLSX_REFUSED")
    assert kind + ".xlsx" in body["message"]
    assert _tag_names(client, engineer_headers) == before and "Hostile_Tag" not in before


def test_hostile_xlsx_fails_the_async_job_too(client, engineer_headers, workspace, cpu):
    _rewrite(_valid(workspace / "valid.xlsx"), workspace / "laughs.xlsx", *HOSTILE["billion-laughs"])
    job = run_job(client, "POST", f"{D}/tag-tables/Default tag table/actions/import-xlsx", engineer_headers,
                  json={"filePath": "laughs.xlsx"})
    assert job["status"] == "Failed" and job_error(job)["code"] == "XLSX_REFUSED"


def test_the_valid_original_still_imports(client, engineer_headers, workspace, cpu):
    _valid(workspace / "valid.xlsx")
    assert data(client.post(URL, json={"filePath": "valid.xlsx"}, headers=engineer_headers))["tagsImported"] == 1


def test_reason_names_member_and_limit(tmp_path):
    bomb = _rewrite(_valid(tmp_path / "v.xlsx"), tmp_path / "b.xlsx", *HOSTILE["whitespace-bomb"])
    with pytest.raises(XlsxRefusedError, match=rf"{SHEET}.*compression ratio \d+ \(limit {XLSX_LIMITS.max_ratio:g}\)"):
        check_xlsx(bomb)
    xxe = _rewrite(_valid(tmp_path / "v.xlsx"), tmp_path / "x.xlsx", *HOSTILE["xxe"])
    with pytest.raises(XlsxRefusedError, match=rf"{SHEET}.*DTD"):
        check_xlsx(xxe)


def test_marker_split_across_chunks_is_found(tmp_path):
    """The scan reads 1 MiB chunks; a DOCTYPE straddling a chunk boundary is still seen."""
    head = b'<?xml version="1.0"?>\n<!-- '
    filler = random.Random(0).randbytes((1 << 20) - 4 - len(head) - 4).hex().encode()[: (1 << 20) - 4 - len(head) - 4]
    split = _rewrite(_valid(tmp_path / "v.xlsx"), tmp_path / "s.xlsx", SHEET,
                     lambda old: head + filler + b" -->" + b"<!DOCTYPE w>" + old)
    with zipfile.ZipFile(split) as zf:
        assert zf.read(SHEET).index(b"<!DOCTYPE") == (1 << 20) - 4
    with pytest.raises(XlsxRefusedError, match="DTD"):
        check_xlsx(split)


def test_openpyxl_refuses_entities_itself_with_defusedxml(tmp_path):
    """Second line: with defusedxml installed openpyxl refuses entity declarations even without the check."""
    assert openpyxl.DEFUSEDXML is True
    laughs = _rewrite(_valid(tmp_path / "v.xlsx"), tmp_path / "l.xlsx", *HOSTILE["billion-laughs"])
    with pytest.raises(ValueError) as refused:
        openpyxl.load_workbook(laughs, read_only=True)
    assert isinstance(refused.value.__context__, EntitiesForbidden)
