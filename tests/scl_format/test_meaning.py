"""Formatting never changes what a source means: the formatted file gets the same ``scl check`` codes and the
same SimaticML from ``scl build`` as the original, through the command line as a pipeline runs them.

Two kinds of input: a TIA export made badly laid out everywhere (:func:`mutate_layout` and, in its code, what
TIA keeps as typed, :func:`mutate_code`), and each hand-written TIA-style source of the corpus as it is. The
SimaticML is compared without what layout alone makes: the ``Blank``/``NewLine`` tokens of an SCL network (the
code's own indentation and spacing, which TIA stores as typed), the UIds that number them, and the case of
keyword ``Token``s (``if`` typed, ``IF`` formatted).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from engineering_api.cli import main
from simatic_xml.safe import parse_untrusted
from simatic_xml.scl_format import format_source

from .corpus import CORPUS, by_style, mutate_code, mutate_layout

if not (CORPUS / "SOURCES.tsv").is_file():
    pytest.skip(f"SCL corpus not found at {CORPUS}", allow_module_level=True)

_LAYOUT_TOKENS = {"Blank", "NewLine"}


def _json(argv: list[str]) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        main(argv)
    return json.loads(out.getvalue())


def _check_codes(folder: Path) -> dict[str, list[tuple[str, str]]]:
    report = _json(["scl", "check", str(folder), "--format", "json"])
    codes: dict[str, list[tuple[str, str]]] = {}
    for diagnostic in report["diagnostics"]:
        name = Path(diagnostic["file"]).name if diagnostic["file"] else ""  # a run-wide note has no file
        codes.setdefault(name, []).append((diagnostic["code"], diagnostic["severity"]))
    return {name: sorted(found) for name, found in codes.items()}


def _layout_free(xml: bytes) -> str:
    root = parse_untrusted(xml, keep_blank_text=False).getroot()
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        local = element.tag.rsplit("}", 1)[-1]
        element.attrib.pop("UId", None)
        if local in _LAYOUT_TOKENS:
            parent = element.getparent()
            assert parent is not None
            parent.remove(element)
        elif local == "Token":
            element.set("Text", element.get("Text", "").upper())
    from lxml import etree

    return etree.tostring(root, encoding="unicode")


def _build(source: Path, out: Path) -> tuple[list[str], dict[str, str]]:
    report = _json(["scl", "build", str(source), "--out", str(out), "--format", "json"])
    codes = sorted(d["code"] for d in report["diagnostics"])
    return codes, {xml.name: _layout_free(xml.read_bytes()) for xml in sorted(out.glob("*.xml"))}


def _same_meaning(pairs: list[tuple[str, str, str]], tmp_path: Path) -> None:
    """``pairs`` of (name, original, formatted text): the same check codes and the same SimaticML."""
    original, formatted = tmp_path / "original", tmp_path / "formatted"
    for folder in (original, formatted):
        folder.mkdir()
    for name, before, after in pairs:
        (original / name).write_bytes(before.encode("utf-8"))
        (formatted / name).write_bytes(after.encode("utf-8"))
    assert _check_codes(formatted) == _check_codes(original)
    for name, _, _ in pairs:
        built = [_build(folder / name, tmp_path / f"{folder.name}-{name}") for folder in (original, formatted)]
        assert built[1] == built[0], name


def _file_name(index: int, rel: str) -> str:
    return f"{index:03d}{Path(rel).suffix.lower()}"


def test_badly_laid_out_exports_keep_their_meaning_once_formatted(tmp_path: Path) -> None:
    pairs = []
    for index, rel in enumerate(by_style("TIA-export")):
        text = (CORPUS / rel).read_bytes().decode("utf-8")
        copy = mutate_code(mutate_layout(text))
        result = format_source(copy)
        assert result.refused is None, rel
        pairs.append((_file_name(index, rel), text, result.text))
    _same_meaning(pairs, tmp_path)


def test_hand_written_sources_keep_their_meaning_once_formatted(tmp_path: Path) -> None:
    pairs = []
    for index, rel in enumerate(by_style("TIA-style(hand-written/generated)")):
        text = (CORPUS / rel).read_bytes().decode("utf-8")
        result = format_source(text)
        if result.changed:
            pairs.append((_file_name(index, rel), text, result.text))
    assert len(pairs) > 30  # most hand-written sources are not in TIA's layout (45 of the 80 it formats)
    _same_meaning(pairs, tmp_path)
