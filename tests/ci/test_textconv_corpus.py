"""``simaticml textconv`` on every SimaticML export of the corpus (../shared/corpus/simaticml): each renders, the text
is the same for the export as TIA might write it another time (UIds and IDs renumbered, siblings reordered, another
``Created``), it holds no UId, ID or timestamp, and it is byte-identical across runs and Python hash seeds. In every
LAD/FBD network, renaming one operand changes one line of the network's listing, unless boxes of one shape in it
are told apart by their operands alone (then the renamed box may move among them: :mod:`engineering_api.ci.textconv
.flgnet`)."""

from __future__ import annotations

import difflib
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engineering_api.ci.textconv import document_text
from engineering_api.ci.textconv.flgnet import flgnet_lines
from simatic_xml import flgnet, parse_bytes
from simatic_xml.xmlnode import XmlNode
from tests.ci.textconv_noise import export_noise
from tests.simatic_xml.sxml_corpus import CORPUS, bodies, corpus_paths
from tools.bounds import HANG_GUARD_S
from tools.layering import ROOT
from tests.lib.shared_corpus import READS_SHARED

FILES = corpus_paths()


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 122, f"the SimaticML corpus is expected at {CORPUS}"


@READS_SHARED
@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(CORPUS).as_posix() for p in FILES])
def test_every_export_renders_the_same_text_whatever_the_export_noise(path: Path) -> None:
    raw = path.read_bytes()
    doc = parse_bytes(raw)
    text = document_text(doc)
    assert text.endswith("\n") and text.split("\n")[0].endswith(f' "{doc.object.name or ""}"')
    assert document_text(parse_bytes(raw)) == text
    assert document_text(parse_bytes(export_noise(raw))) == text
    assert 'UId="' not in text and "\nID" not in text
    created = doc.document_info.created if doc.document_info is not None else None
    assert not created or created not in text


def test_the_text_is_byte_identical_across_hash_seeds() -> None:
    script = ("import hashlib, sys\nfrom pathlib import Path\nfrom engineering_api.ci.textconv import document_text\n"
              "from simatic_xml import read_file\n"
              "for p in sys.argv[1:]:\n"
              "    print(hashlib.sha256(document_text(read_file(p)).encode()).hexdigest())\n")
    digests = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed,
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        done = subprocess.run([sys.executable, "-c", script, *map(str, FILES)], capture_output=True, text=True,
                              env=env, timeout=HANG_GUARD_S)
        assert done.returncode == 0, done.stderr
        digests.append(done.stdout)
    assert digests[0] == digests[1] and digests[0].count("\n") == len(FILES)
    in_process = "".join(hashlib.sha256(document_text(parse_bytes(p.read_bytes())).encode()).hexdigest() + "\n"
                         for p in FILES)
    assert in_process == digests[0]


def _renamed(body: XmlNode) -> XmlNode | None:
    """A copy of the network with its first symbol operand's first name changed, or None without one."""
    copy = body.copy()
    for access in copy.iter("Access"):
        symbol = access.find("Symbol")
        if symbol is not None and symbol.children:
            symbol.children[0].attrs["Name"] = "Operand_after"
            return copy
    return None


def test_one_renamed_operand_is_one_changed_line_in_every_lad_and_fbd_network() -> None:
    checked = moved = 0
    for path, body in bodies("FlgNet"):
        renamed = _renamed(body)
        if renamed is None:
            continue
        before, after = flgnet_lines(flgnet.from_xml(body), ""), flgnet_lines(flgnet.from_xml(renamed), "")
        changed = [line for line in difflib.unified_diff(before, after, n=0, lineterm="")
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        checked += 1
        if len(changed) == 2:
            continue
        headers = [line.split("] ", 1)[1] for line in before if line.startswith("[")]
        assert len(headers) > len(set(headers)), (path.name, changed)  # boxes of one shape and instance: it moved
        moved += 1
    assert checked > 200 and moved * 50 < checked, (checked, moved)  # at this writing: 233 networks, 4 moved
