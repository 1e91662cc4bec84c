"""Write the fake's Openness snapshot from the stand-in: ``python -m openness_bridge.snapshot [--check]``.

The fake answers ``/api/diagnostic/*`` from ``fakes/data/openness_snapshot.json``; this script makes it with the
bridge's own reflection (:func:`openness_bridge.reflection.reflect_types`) over the stand-in's
``Siemens.Engineering`` assembly, marks the types the bridge's member table (``openness_bridge/reference/members.tsv``)
names, and records which services ``GetService<T>()`` returns on a PLC's software and CPU item in a stand-in project. So
the two adapters agree; ``tests/bridge/test_reflection.py`` regenerates it and fails when the shipped file drifts.
Needs Mono and pythonnet (as the bridge tests). ``--check`` compares instead of writing (exit status 1 on drift).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgspec

__all__ = ("SNAPSHOT", "generate", "main")

SNAPSHOT = Path(__file__).resolve().parents[1] / "fakes" / "data" / "openness_snapshot.json"
"""Where the fake reads it (a data file of the ``fakes`` package; the bridge never imports ``fakes``)."""
CPU_ARTICLE = "6ES7 516-3AN02-0AB0"
"""The CPU the device services are read on (CPU 1516-3 PN/DP, in the stand-in's catalog)."""


def generate() -> dict[str, Any]:
    """The snapshot as JSON data: assemblies, every type with its details, and the services of a PLC."""
    from openness_bridge.standin import standin_backend

    backend = standin_backend()
    backend.on_worker_thread_started()
    try:
        index = backend.reflection.openness_type_index()
        backend.launch_portal(with_ui=False, version=None)
        backend.create_project(Path(tempfile.mkdtemp(prefix="openness-snapshot-")), "Snapshot", author="", comment="")
        backend.devices.add_device(CPU_ARTICLE, None, "PLC_1")
        services = {"PlcSoftware": backend.reflection.plc_services("PLC_1").available,
                    "DeviceItem": backend.reflection.cpu_services("PLC_1").available}
        backend.shutdown_portal()
    finally:
        backend.close()
    return {
        "generator": "python -m openness_bridge.snapshot (the bridge's reflection over the Openness stand-in)",
        "assemblies": index.assemblies,
        "deviceServices": services,
        "types": msgspec.to_builtins([index.detailed(t) for t in index.types]),
    }


def render(data: dict[str, Any]) -> str:
    """The file's text: stable key order and indentation, so a drift shows as a small diff."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped snapshot instead of writing")
    args = parser.parse_args(argv)
    text = render(generate())
    if args.check:
        same = SNAPSHOT.is_file() and SNAPSHOT.read_text(encoding="utf-8") == text
        print("snapshot up to date" if same else f"{SNAPSHOT} drifted: run python -m openness_bridge.snapshot")
        return 0 if same else 1
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(text, encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
