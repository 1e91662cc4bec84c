"""The plant's graphic blocks and tag tables as SimaticML documents (:func:`tools.plant_project.plant_sources` with
``graphics=True``): what a served plant imports besides its SCL sources, and what the offline checkers read beside
them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from simatic_xml.generate import generate_xml, parse_spec, tag_table_xml
from tools.plant_project import PlantSource

__all__ = ("GRAPH_VERSION", "graphic_documents", "tag_table_documents", "tag_tables")

GRAPH_VERSION = "V18"
"""GRAPH blocks (and their instance DBs) are written as V18 exports: the generator writes GRAPH only for the
versions whose exports were observed (V17, V18, V21); a project of a later version imports them, as TIA imports
an earlier version's export."""


def graphic_documents(sources: Iterable[PlantSource], version: str | None = None) -> list[tuple[str, bytes]]:
    """(file name, SimaticML) of every module's LAD, FBD and GRAPH blocks, an instance DB after its FB."""
    found: list[tuple[str, bytes]] = []
    for source in sources:
        parsed = {spec["name"]: parse_spec(spec) for spec in source.graphics}
        graph = {spec["name"] for spec in source.graphics if spec.get("language") == "GRAPH"}
        for spec in source.graphics:
            fb = spec.get("instanceOf")
            types = {fb: parsed[fb]} if isinstance(fb, str) and fb in parsed else None
            written = GRAPH_VERSION if spec["name"] in graph or fb in graph else version
            found.append((f"{spec['name']}.xml", generate_xml(parsed[spec["name"]], written, types=types)))
    return found


def tag_tables(sources: Iterable[PlantSource]) -> dict[str, list[dict[str, Any]]]:
    """The plant's tags by table, in module order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for source in sources:
        for tag in source.tags:
            tables.setdefault(tag["tableName"], []).append(tag)
    return tables


def tag_table_documents(sources: Iterable[PlantSource], version: str | None = None) -> list[tuple[str, bytes]]:
    """(file name, SimaticML) of every tag table of the plant."""
    return [(f"{table}.xml", tag_table_xml(table, [{"name": t["name"], "dataType": t["dataType"],
                                                    "address": t["logicalAddress"]} for t in tags], version))
            for table, tags in tag_tables(sources).items()]
