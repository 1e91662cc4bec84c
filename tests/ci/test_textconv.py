"""``simaticml textconv`` as git's diff driver: a temporary repository with ``*.xml diff=simaticml`` and
``diff.simaticml.textconv`` set to this checkout's command, diffs read from the real ``git diff``.

What the corpus offers as the same object exported twice: three objects of one repository (Gildej31/TIAPORTAL_VCI)
exported by TIA V17 and again by V18 (``GF7``, ``FC_LIST``, ``Table de variables_MODBUS_Client``); their XML differs
in hundreds of lines (V18 has no DocumentInfo, other namespaces, other UIds, other layout), their text only in what
the project's author changed between the two commits, written out below. No two files of the corpus are the same
unchanged block: the four ``Main_Safety_RTG1`` are different blocks of one name.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import skip_or_fail
from tests.ci.textconv_noise import export_noise
from tests.simatic_xml.sxml_corpus import CORPUS
from tools.bounds import HANG_GUARD_S

ROOT = Path(__file__).resolve().parents[2]
CLI = f"{shlex.quote(sys.executable)} -m engineering_api.cli simaticml textconv"


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org"}


def _git(repo: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *argv], capture_output=True, text=True, env=_env(),
                          timeout=HANG_GUARD_S)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose ``*.xml`` diff through ``simaticml textconv``, configured as docs/git-and-pipelines.md
    says (the command run as this checkout's module rather than the installed script)."""
    if shutil.which("git") is None:
        skip_or_fail("git is not installed", "the textconv tests")
    path = tmp_path / "plc"
    path.mkdir()
    assert _git(path, "init", "-q").returncode == 0
    (path / ".gitattributes").write_text("*.xml diff=simaticml\n")
    assert _git(path, "config", "diff.simaticml.textconv", CLI).returncode == 0
    return path


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.is_file():
        pytest.fail(f"the corpus file {path} is missing")
    return path


def changed_lines(repo: Path, before: bytes, after: bytes, name: str = "Block.xml") -> tuple[list[str], list[str]]:
    """(removed, added) text lines of ``git diff -U0`` after committing ``before`` and writing ``after``."""
    (repo / name).write_bytes(before)
    assert _git(repo, "add", "-A").returncode == 0
    assert _git(repo, "commit", "-q", "-m", "before").returncode == 0
    (repo / name).write_bytes(after)
    diff = _git(repo, "diff", "-U0", "--", name)
    assert diff.returncode == 0, diff.stderr
    lines = [line for line in diff.stdout.split("\n") if not line.startswith(("+++", "---"))]
    return [line[1:] for line in lines if line.startswith("-")], [line[1:] for line in lines if line.startswith("+")]


def xml_lines_changed(repo: Path, name: str = "Block.xml") -> int:
    """The XML lines ``git diff`` would show without the driver (git's --numstat counts them even with it)."""
    numstat = _git(repo, "diff", "--no-textconv", "--numstat", "--", name).stdout.split()
    return int(numstat[0]) + int(numstat[1]) if numstat else 0


def rename_operand(raw: bytes, body: str, new_name: str) -> bytes:
    """The export with the first symbol operand of its ``body`` networks (``FlgNet``, ``StructuredText``) renamed:
    the name of the first ``Component`` of that ``Access``."""
    root = etree.fromstring(raw)
    symbol = next(s for network in root.iter(f"{{*}}{body}") for s in network.iter("{*}Symbol")
                  if (access := s.getparent()) is not None and etree.QName(access).localname == "Access")
    component = next(c for c in symbol if etree.QName(c).localname == "Component")
    component.set("Name", new_name)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


PAIRS = {
    ("fb/Gildej31_GF7_V17.xml", "fb/Gildej31_GF7_V18.xml"): (
        ["      [1] TrCoil"],
        ['      action N: "Effect1"', "      [1] Contact", '        operand <- "Cause1"', "      [2] TrCoil",
         "        in <- [1].out"]),
    ("fc/Gildej31_FC_LIST_V17.xml", "fc/Gildej31_FC_LIST_V18.xml"): ([""], []),
    ("tagtable/Gildej31_Table_de_variables_MODBUS_Client_V17.xml",
     "tagtable/Gildej31_Table_de_variables_MODBUS_Client_V18.xml"): (
        [], [f"TAG \"{name}\" {{ ExternalAccessible := 'true'; ExternalVisible := 'true'; ExternalWritable := 'true' }}"
             f" : Bool AT %M200.{bit};" for name, bit in (("Cause_1", 0), ("Effect_1", 1))]),
}
"""The V17 and V18 exports of one object and what really changed between them: GF7 got an action in step 2 and
a contact (``"Cause1"``) before transition 1's coil (the coil's ``in <- powerrail`` became the contact's); FC_LIST's
STL network lost one of its two trailing empty lines; the tag table got two tags."""


@pytest.mark.parametrize(("old", "new"), list(PAIRS), ids=[pair[0].split("/")[1] for pair in PAIRS])
def test_the_same_object_exported_by_two_tia_versions_differs_only_where_it_changed(
        repo: Path, old: str, new: str) -> None:
    removed, added = changed_lines(repo, corpus_file(old).read_bytes(), corpus_file(new).read_bytes())
    expected_removed, expected_added = PAIRS[(old, new)]
    assert sorted(removed) == sorted(expected_removed)
    assert sorted(added) == sorted(expected_added)
    assert xml_lines_changed(repo) > 50  # the XML itself differs far more


def _one_operand_renamed_is_one_changed_line(repo: Path, relative: str, network: str) -> None:
    """An operand of a ``network`` (FlgNet, StructuredText) of ``relative`` renamed: one line removed, one added."""
    raw = corpus_file(relative).read_bytes()
    before = rename_operand(raw, network, "Operand_before")
    removed, added = changed_lines(repo, before, rename_operand(raw, network, "Operand_after"))
    assert len(removed) == len(added) == 1, (removed, added)
    assert "Operand_before" in removed[0] and added[0] == removed[0].replace("Operand_before", "Operand_after")


@pytest.mark.parametrize("relative", ["fc/aleksander_Block_1.xml", "fb/Czarnak_Inputs_FB.xml", "fc/nlanderCON_LED.xml",
                                      "fb/Tayoriko_DRV_Flow.xml", "fc/fseenig_Denormalisation.xml"])
def test_one_operand_renamed_in_a_lad_or_fbd_network_is_one_changed_line(repo: Path, relative: str) -> None:
    _one_operand_renamed_is_one_changed_line(repo, relative, "FlgNet")


@pytest.mark.parametrize("relative", ["fc/aleksander_Block_1.xml", "fb/Fwaldt_FB_AnalogInput.xml",
                                      "ob/Fwaldt_Main.xml"])
def test_one_operand_renamed_in_an_scl_network_is_one_changed_line(repo: Path, relative: str) -> None:
    _one_operand_renamed_is_one_changed_line(repo, relative, "StructuredText")


@pytest.mark.parametrize("relative", ["fc/aleksander_Block_1.xml", "fb/Gildej31_GF7_V17.xml",
                                      "fc/Gildej31_FC_LIST_V17.xml", "fb/sitrainsh_FBD_Block.xml",
                                      "tagtable/Jmeyer1292_tags0.xml", "db/Gildej31_DB_CALCUL.xml"])
def test_renumbered_uids_reordered_siblings_and_another_created_give_no_diff(repo: Path, relative: str) -> None:
    raw = corpus_file(relative).read_bytes()
    noisy = export_noise(raw)
    assert changed_lines(repo, raw, noisy) == ([], [])
    assert xml_lines_changed(repo) > 0  # the XML did change


def test_an_unreadable_file_is_one_message_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "Not a block.xml"
    bad.write_text("<Tagtable><Tag/></Tagtable>")
    for path in (bad, tmp_path / "missing.xml"):
        done = subprocess.run([*shlex.split(CLI), str(path)], capture_output=True, text=True, env=_env(),
                              timeout=HANG_GUARD_S)
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.startswith(f"error: {path}: ") and done.stderr.count("\n") == 1, done.stderr
