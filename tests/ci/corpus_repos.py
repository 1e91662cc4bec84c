"""The shared corpus as the repositories it came from: each file copied to its path in its repository.

``../shared/corpus/scl`` keeps a repository's folders; ``../shared/corpus/simaticml`` files by kind. Both
``SOURCES.tsv`` give ``repo`` and ``path_in_repo``, so a repository's SCL sources and SimaticML exports are put
back together and ``plc check`` runs on the folder as a user's CI would. Copies, not symbolic links: the commands
follow no link that leaves the folder they check (engineering_api.lib.file_walk), and a command that writes
(``scl fmt``) can never reach the corpus.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path
from tests.lib.shared_corpus import SHARED

__all__ = ("CORPUS", "expectations", "repositories", "build_repository")

CORPUS = SHARED / "corpus"


def _rows(kind: str) -> list[dict[str, str]]:
    with open(CORPUS / kind / "SOURCES.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def repositories() -> dict[str, list[tuple[Path, str, str]]]:
    """repo -> [(corpus file, path in the repository, TIA's verdict)] (``accept`` for SimaticML exports)."""
    out: dict[str, list[tuple[Path, str, str]]] = defaultdict(list)
    if not CORPUS.is_dir():
        return {}
    for row in _rows("scl"):
        out[row["repo"]].append((CORPUS / "scl" / row["local_file"], row["path_in_repo"], row["expect"]))
    for row in _rows("simaticml"):
        out[row["repo"]].append((CORPUS / "simaticml" / row["local_file"], row["path_in_repo"], "accept"))
    return dict(sorted(out.items()))


def build_repository(files: list[tuple[Path, str, str]], into: Path) -> dict[str, str]:
    """Copy the files to their paths below ``into``; copied path -> verdict."""
    verdicts: dict[str, str] = {}
    for source, in_repo, verdict in files:
        target = into / in_repo
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(source, target)
        verdicts[str(target)] = verdict
    return verdicts


def expectations() -> dict[str, str]:
    return {str(CORPUS / "scl" / r["local_file"]): r["expect"] for r in _rows("scl")}
