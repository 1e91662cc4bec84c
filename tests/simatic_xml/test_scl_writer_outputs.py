"""The StructuredText writer's outputs over the whole corpus, pinned: every statement section of a corpus SCL source
(``../shared/corpus/scl``), every SCL network of a corpus export read back as text and written again with the
export's own context, and every SCL network of every block generated from a corpus source (``generate_source``,
with the contexts generation builds from the interface). Each case's output is compared, by digest, with what the
writer gave before it became a walk of the front end's tree (issue 75); the digests in
``data/scl_writer_outputs.json`` were made by that writer.

Six sources differ on purpose: they write a blank between a called name and its ``(``
(``"DEV_…_iDB" (EPICSToPLCLength:=5, …)``, as ESS PLCFactory's TIA sources do, notes/scl.md §7). The old writer laid
such a call out as loose tokens (its parameter names as global tags); the tree says it is a call, and it is written
as one, the blank inside the call before ``(``.

Refresh the digests after a deliberate change of the writer's output, and say why in the commit:
``python -m tests.simatic_xml.test_scl_writer_outputs``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest

from simatic_xml.errors import SimaticMLError
from simatic_xml.generate.from_source import SourceResult, generate_source
from simatic_xml.model import NetworkSource, SwObject
from simatic_xml.scl_context import SclContext
from simatic_xml.scl_text import context_from_tokens, text_to_tokens, tokens_to_text
from simatic_xml.xmlnode import XmlNode

from tests.simatic_xml.sxml_corpus import CORPUS, bodies
from tests.simatic_xml.scl_bodies import BODIES, SOURCES

OUTPUTS = Path(__file__).with_name("data") / "scl_writer_outputs.json"

CALL_WITH_A_BLANK = frozenset({
    "fseenig__Automacao_GIT/Pentaplast_centrador_paletes_V16_original/S71200/Program blocks/FC100_BlockMoveIdexed.scl",
    "goosy__S7_SCL_Gen/src/MB_340_Poll.SCL",
    "goosy__S7_SCL_Gen/src/MB_341_Poll.SCL",
    "goosy__S7_SCL_Gen/src/MB_TCP_Poll.SCL",
    "krisztianloki__ess_plcfactory/output/git-repo/spk-000cdl_cryo-plc-010/PLCFactory_external_source_TIAv15.1.scl",
    "krisztianloki__ess_plcfactory/output/git-repo/ts2-010crm_wtrc-plc-001/PLCFactory_external_source_TIAv15.1.scl",
})
"""The sources whose outputs changed on purpose (see the module docstring)."""


def _canonical(node: XmlNode, out: list[str]) -> None:
    out.append(f"<{node.tag}")
    out.extend(f" {key}={value!r}" for key, value in node.attrs.items())
    out.append(f">{node.text or ''}")
    for child in node.children:
        _canonical(child, out)
    out.append("/")


def _digest(results: list[XmlNode | str]) -> str:
    """One digest of writer outputs and refusals, in order."""
    parts: list[str] = []
    for result in results:
        if isinstance(result, XmlNode):
            _canonical(result, parts)
        else:
            parts.append(result)
        parts.append("\n")
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:16]


def _written(text: str, *, version: str = "v4", context: SclContext | None = None) -> XmlNode | str:
    try:
        return text_to_tokens(text, version=version, context=context)
    except SimaticMLError as exc:
        return f"{type(exc).__name__}: {exc}"


def _networks(obj: SwObject) -> Iterator[XmlNode]:
    for value in (obj.attributes or {}).values():
        if isinstance(value, NetworkSource) and value.kind == "StructuredText" and value.body is not None:
            yield value.body
    for child in obj.children or ():
        if isinstance(child, SwObject):
            yield from _networks(child)


@lru_cache(maxsize=None)
def _generated(path: Path) -> SourceResult:
    """The blocks generated from the corpus source ``path`` (shared by the tests: do not change them)."""
    return generate_source(path.read_text(encoding="utf-8-sig", errors="replace"), file=path.name)


def _source_files() -> list[Path]:
    return sorted(p for p in SOURCES.rglob("*") if p.suffix.lower() == ".scl") if SOURCES.is_dir() else []


def outputs() -> dict[str, str]:
    """Case -> digest of the writer's outputs: per source file its statement sections (``body:``) and its generated
    blocks' SCL networks (``generated:``), per export its SCL networks written again (``export:``)."""
    cases: dict[str, list[XmlNode | str]] = {}
    for param in BODIES:
        file = param.id.rsplit("#", 1)[0]
        cases.setdefault(f"body:{file}", []).append(_written(param.values[0]))
    for path in _source_files():
        result = _generated(path)
        found: list[XmlNode | str] = [f"{d.code} {d.line}:{d.column}" for d in result.diagnostics]
        for block in result.blocks:
            assert block.document is not None
            found.extend(_networks(block.document.object))
        cases[f"generated:{path.relative_to(SOURCES).as_posix()}"] = found
    for path, body in bodies("StructuredText"):
        version = "v3" if (body.ns or "").endswith("v3") else "v4"
        written = _written(tokens_to_text(body), version=version, context=context_from_tokens(body))
        cases.setdefault(f"export:{path.relative_to(CORPUS).as_posix()}", []).append(written)
    return {case: _digest(results) for case, results in cases.items()}


def test_the_writer_writes_every_corpus_network_as_before() -> None:
    if not SOURCES.is_dir() or not CORPUS.is_dir():
        pytest.skip("the SCL or SimaticML corpus is not here")
    pinned = json.loads(OUTPUTS.read_text(encoding="utf-8"))
    now = outputs()
    assert sorted(now) == sorted(pinned)
    changed = sorted(case for case in now if now[case] != pinned[case])
    assert changed == sorted(f"{kind}:{file}" for kind in ("body", "generated") for file in CALL_WITH_A_BLANK)


@pytest.mark.parametrize("file", sorted(CALL_WITH_A_BLANK))
def test_a_call_written_with_a_blank_before_its_parenthesis_is_a_call(file: str) -> None:
    path = SOURCES / file
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    result = _generated(path)
    calls = [node for block in result.blocks if block.document is not None
             for network in _networks(block.document.object) for node in network.iter()
             if node.tag in ("Instruction", "CallInfo")]
    spaced = [call for call in calls
              if [c.tag for c in call.children if c.tag not in ("Instance", "TemplateValue")][:2] == ["Blank", "Token"]]
    assert spaced, "no call with a blank before its '('"
    for call in spaced:
        opening = next(c for c in call.children if c.tag == "Token")
        assert opening.attrs["Text"] == "("
        after = call.children[call.children.index(opening) + 1:]
        assert any(c.tag in ("Parameter", "NamelessParameter") for c in after) or after[0].attrs.get("Text") == ")"


if __name__ == "__main__":
    OUTPUTS.write_text(json.dumps(outputs(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUTS}\n")
