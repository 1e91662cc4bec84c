"""What a pipeline pays to get the checker: ``pip install`` of this checkout into a clean venv (distributions, disk,
time), against ``pip install '.[server]'`` in the same run, and pre-commit's first run on a sample repository
(pre-commit builds the hook's environment from this checkout, then checks one staged source).

    python bench/checker_install.py

Both installs use pip's own configuration and cache (warm on a CI runner that caches pip, cold otherwise: the
ratio, not the seconds, is the figure). The issue's target: at most 15 distributions for the checker.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import write_results  # this script's folder, first on sys.path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 15
SOURCE = 'FUNCTION "FC_Tags" : Void\nVAR_TEMP\n    x : Int;\nEND_VAR\nBEGIN\n    #x := ;\nEND_FUNCTION\n'


def _checkout(target: Path) -> Path:
    """The files git tracks at this checkout, committed in a repository of their own (pre-commit clones a rev)."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    for argv in (["init", "-q"], ["add", "-A"], ["-c", "user.name=b", "-c", "user.email=b@example.org", "commit",
                                                  "-qm", "bench"]):
        subprocess.run(["git", "-C", str(target), *argv], check=True)
    return target


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _install(scratch: Path, name: str, requirement: str) -> dict[str, Any]:
    venv = scratch / name
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    start = time.perf_counter()
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", requirement], check=True)
    seconds = time.perf_counter() - start
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
                            capture_output=True, text=True, check=True)
    names = sorted(d["name"] for d in json.loads(listed.stdout))
    return {"seconds": round(seconds, 1), "distributions": len(names), "names": names,
            "megabytes": round(_size(venv) / 1e6, 1)}


def _pre_commit_first_run(scratch: Path, hooks: Path) -> dict[str, Any]:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    rev = subprocess.run(["git", "-C", str(hooks), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    repo = scratch / "plc"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(scratch / "pre-commit-home")}
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: scl-check\n")
    (repo / "FC_Tags.scl").write_text(SOURCE)
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    start = time.perf_counter()
    done = subprocess.run([str(pre_commit), "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    found = "FC_Tags.scl:6:" in done.stdout
    return {"seconds": round(seconds, 1), "refused_the_broken_source": done.returncode == 1 and found}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-checker-install-") as folder:
        scratch = Path(folder)
        checkout = _checkout(scratch / "engineering-api")
        checker = _install(scratch, "checker", str(checkout))
        server = _install(scratch, "server", f"{checkout}[server]")
        first = _pre_commit_first_run(scratch, checkout)
    print(f"checker install: {checker['distributions']} distributions, {checker['megabytes']} MB, "
          f"{checker['seconds']} s  (target <= {TARGET}: {'met' if checker['distributions'] <= TARGET else 'MISSED'})")
    print(f"  {', '.join(checker['names'])}")
    print(f"server install:  {server['distributions']} distributions, {server['megabytes']} MB, {server['seconds']} s")
    print(f"ratio checker/server: {checker['distributions'] / server['distributions']:.2f} distributions, "
          f"{checker['megabytes'] / server['megabytes']:.2f} disk, "
          f"{checker['seconds'] / server['seconds']:.2f} time")
    print(f"pre-commit first run (environment built + one file checked): {first['seconds']} s, "
          f"refused the broken source: {first['refused_the_broken_source']}")
    write_results("checker_install", {"checker": checker, "server": server, "pre_commit_first_run": first})
    return 0 if first["refused_the_broken_source"] else 1


if __name__ == "__main__":
    sys.exit(main())
