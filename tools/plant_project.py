"""A plant-sized PLC program, generated: SCL sources in the proportions of a real plant, deterministic from a seed.

A plant project holds 5,000-20,000 program objects; the benchmarks and the work-count tests of plant scale
(``bench/plant_scale.py``, ``tests/perf/test_plant_growth.py``) need one at any size. The program is made of
*modules*, one external source each, as a machine builder structures a line: a PLC data type of the module's state,
a function block using it, its instance DB, a function, and every third module a global DB of the module's recipes.
Blocks refer to blocks of earlier modules, as real programs do: an FB holds an earlier module's FB as a
multi-instance and calls an earlier function, a global DB holds members of an earlier module's type. Names,
references and values are drawn from ``random.Random(seed)``, so one seed is one program.

Proportions (per 3 modules: 3 UDTs, 3 FBs, 3 instance DBs, 3 FCs, 1 global DB; 13 objects): UDTs 23%, FBs and their
instance DBs 46%, FCs 23%, global DBs 8%, near the corpus's real projects (ShivAsare/VERSION_CONTROL: 78 blocks;
d-ani's unit-tested program) where FBs with instance DBs are the bulk.

With ``graphics=True`` (the served plant of :mod:`tools.plant_app`) each module also has blocks drawn in the
graphic languages and its I/O as PLC tags, as a plant's program has: a LAD function of its interlocks (reading its
input tag and its FB's instance DB, writing its output tag), every third module an FBD function of its permits, every
25th a GRAPH sequence with its instance DB; two tags a module (``M<m>_Start`` an input bit, ``M<m>_Running`` an output
bit) in tag tables of :data:`TAGS_PER_TABLE` tags. Their blocks are JSON block specs (``graphics``), their tags
``{name, dataType, logicalAddress, tableName}`` (``tags``); :mod:`tools.plant_documents` writes them as SimaticML. The
SCL text is the same either way, so the SCL-only consumers (the checkers' and the simulated PLC's benchmarks) read
the same sources.

    from tools.plant_project import plant_sources

    for source in plant_sources(blocks=10_000, seed=1):
        post(f"/api/devices/PLC_1/external-sources/import-and-generate",
             {"sourceName": source.name, "sclContent": source.text})
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

__all__ = ("TAGS_PER_TABLE", "PlantSource", "objects_per_module", "plant_sources")

TAGS_PER_TABLE = 2000
"""Tags of one of the plant's tag tables (TIA allows more; a plant's I/O lists are thousands of tags a table)."""


@dataclass(frozen=True)
class PlantSource:
    """One module: its external source's file name, its SCL text, and the program objects it makes; with graphics,
    also its LAD/FBD/GRAPH blocks as JSON block specs and its PLC tags."""

    name: str
    text: str
    objects: tuple[str, ...]
    graphics: tuple[dict[str, Any], ...] = ()
    tags: tuple[dict[str, str], ...] = ()


def objects_per_module(index: int, *, graphics: bool = False) -> int:
    """Program objects module ``index`` makes: UDT, FB, instance DB, FC, and a global DB every third module; with
    graphics also its LAD function, every third module an FBD function, every 25th a GRAPH FB and its instance DB."""
    scl = 5 if index % 3 == 2 else 4
    if not graphics:
        return scl
    return scl + 1 + (index % 3 == 0) + 2 * (index % 25 == 0)


def _tags(m: int) -> tuple[dict[str, str], ...]:
    table = f"Plant_IO_{2 * m // TAGS_PER_TABLE}"
    byte, bit = divmod(m, 8)
    return ({"name": f"M{m}_Start", "dataType": "Bool", "logicalAddress": f"%I{byte}.{bit}", "tableName": table},
            {"name": f"M{m}_Running", "dataType": "Bool", "logicalAddress": f"%Q{byte}.{bit}", "tableName": table})


def _graphics(m: int) -> tuple[dict[str, Any], ...]:
    """The module's blocks in LAD, FBD and GRAPH (JSON block specs of :mod:`simatic_xml.generate.spec`)."""
    lad = {"blockType": "FC", "name": f"Interlock_M{m}", "language": "LAD", "interface": {
        "Input": [{"name": "permit", "dataType": "Bool"}],
        "Output": [{"name": "run", "dataType": "Bool"}, {"name": "high", "dataType": "Bool"}]},
        "networks": [
            {"title": "Start permitted", "lad": [[{"contact": f'"M{m}_Start"'}, {"contact": "#permit"},
                                                  {"coil": "#run"}]]},
            {"title": "Speed high", "lad": [[{"box": "CMP>", "in1": f'"FB_M{m}_DB".out', "in2": 50.0,
                                              "type": "Real"}, {"coil": "#high"}]]},
            {"title": "Running", "lad": [[{"contact": "#run"}, {"contact": "#high", "negated": True},
                                          {"coil": f'"M{m}_Running"'}]]}]}
    blocks: list[dict[str, Any]] = [lad]
    if m % 3 == 0:
        blocks.append({"blockType": "FC", "name": f"Permit_M{m}", "language": "FBD", "interface": {
            "Input": [{"name": "local", "dataType": "Bool"}], "Output": [{"name": "q", "dataType": "Bool"}]},
            "networks": [{"title": "Permit", "fbd": [[{"parallel": [[{"contact": "#local"}],
                                                                     [{"contact": f'"M{m}_Start"'}]]},
                                                       {"coil": "#q"}]]}]})
    if m % 25 == 0:
        steps = [{"number": n, "name": name, **({"init": True} if n == 1 else {}),
                  "actions": [{"qualifier": "N", "text": f"#{output}"}]}
                 for n, (name, output) in enumerate((("Idle", "isReady"), ("Fill", "filling"),
                                                     ("Drain", "draining")), 1)]
        blocks.append({"blockType": "FB", "name": f"Seq_M{m}", "language": "GRAPH", "interface": {
            "Input": [{"name": "go", "dataType": "Bool"}, {"name": "full", "dataType": "Bool"}],
            "Output": [{"name": n, "dataType": "Bool"} for n in ("isReady", "filling", "draining")]},
            "networks": [{"graph": {"steps": steps, "transitions": [
                {"from": 1, "to": 2, "condition": "#go"}, {"from": 2, "to": 3, "condition": "#full"},
                {"from": 3, "to": 1, "condition": [{"contact": "#full", "negated": True}]}]}}]})
        blocks.append({"blockType": "InstanceDB", "name": f"Seq_M{m}_DB", "instanceOf": f"Seq_M{m}"})
    return tuple(blocks)


def _udt(m: int, rng: random.Random) -> str:
    kinds = ("Int", "Real", "DInt", "Bool")
    extra = "".join(f"      value_{k} : {rng.choice(kinds)};\n" for k in range(rng.randint(1, 4)))
    return (f'TYPE "UDT_M{m}"\nVERSION : 0.1\n   STRUCT\n      speed : Real;\n      running : Bool;\n'
            f'      count : DInt;\n{extra}   END_STRUCT;\nEND_TYPE\n')


def _fb(m: int, rng: random.Random) -> str:
    sub = rng.randrange(m) if m else None
    helper = rng.randrange(m) if m else None
    # at least 0..4: the body's loop reads #history[#i + 1] up to 4 (a shorter array stops the simulated PLC)
    statics = f'      state : "UDT_M{m}";\n      history : Array[0..{rng.randint(4, 15)}] of Real;\n'
    if sub is not None:
        statics += f'      child : "FB_M{sub}";\n'
    body = [
        "   IF #start THEN",
        "      #state.speed := #setpoint * 2.0;",
        "      #state.running := TRUE;",
        "      #state.count := #state.count + 1;",
        "   ELSE",
        "      #state.running := FALSE;",
        "   END_IF;",
        "   FOR #i := 0 TO 3 DO",
        "      #history[#i] := #history[#i + 1];",
        "   END_FOR;",
    ]
    if sub is not None:
        body += ["   #child(start := #start, setpoint := #setpoint);"]
    if helper is not None:
        body += [f'   #out := "FC_M{helper}"(x := #state.speed);']
    else:
        body += ["   #out := #state.speed;"]
    return (f'FUNCTION_BLOCK "FB_M{m}"\n{{ S7_Optimized_Access := \'TRUE\' }}\nVERSION : 0.1\n'
            "   VAR_INPUT\n      start : Bool;\n      setpoint : Real;\n   END_VAR\n"
            "   VAR_OUTPUT\n      out : Real;\n   END_VAR\n"
            f"   VAR\n{statics}   END_VAR\n   VAR_TEMP\n      i : Int;\n   END_VAR\n"
            "BEGIN\n" + "\n".join(body) + "\nEND_FUNCTION_BLOCK\n")


def _instance(m: int) -> str:
    return (f'DATA_BLOCK "FB_M{m}_DB"\n{{ S7_Optimized_Access := \'TRUE\' }}\nVERSION : 0.1\n'
            f'NON_RETAIN\n"FB_M{m}"\nBEGIN\nEND_DATA_BLOCK\n')


def _fc(m: int, rng: random.Random) -> str:
    factor = rng.randint(2, 9)
    return (f'FUNCTION "FC_M{m}" : Real\n{{ S7_Optimized_Access := \'TRUE\' }}\nVERSION : 0.1\n'
            "   VAR_INPUT\n      x : Real;\n   END_VAR\n"
            "BEGIN\n"
            f"   IF #x > {factor}.0 THEN\n      #FC_M{m} := #x / {factor}.0;\n"
            f"   ELSE\n      #FC_M{m} := #x * {factor}.0;\n   END_IF;\n"
            "END_FUNCTION\n")


def _global_db(m: int, rng: random.Random) -> str:
    typed = rng.randrange(m + 1)
    return (f'DATA_BLOCK "Recipes_M{m}"\n{{ S7_Optimized_Access := \'TRUE\' }}\nVERSION : 0.1\n'
            "   VAR\n"
            f'      active : "UDT_M{typed}";\n'
            f"      setpoints : Array[1..{rng.randint(4, 32)}] of Real;\n"
            f"      batch : DInt := {rng.randint(0, 9999)};\n"
            "   END_VAR\nBEGIN\nEND_DATA_BLOCK\n")


def plant_sources(blocks: int, seed: int = 0, *, graphics: bool = False) -> list[PlantSource]:
    """Modules until the program holds ``blocks`` program objects (the last module may bring a few more); with
    ``graphics`` each module also has its LAD/FBD/GRAPH blocks and its tags (the same SCL text either way)."""
    rng = random.Random(seed)
    sources: list[PlantSource] = []
    total = 0
    m = 0
    while total < blocks:
        parts = [_udt(m, rng), _fb(m, rng), _instance(m), _fc(m, rng)]
        objects = [f"UDT_M{m}", f"FB_M{m}", f"FB_M{m}_DB", f"FC_M{m}"]
        if objects_per_module(m) == 5:
            parts.append(_global_db(m, rng))
            objects.append(f"Recipes_M{m}")
        drawn = _graphics(m) if graphics else ()
        objects += [spec["name"] for spec in drawn]
        sources.append(PlantSource(f"Module_{m}.scl", "\n".join(parts), tuple(objects), drawn,
                                   _tags(m) if graphics else ()))
        total += len(objects)
        m += 1
    return sources
