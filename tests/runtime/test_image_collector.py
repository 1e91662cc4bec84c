"""A download's build of the program image holds the garbage collector (``engineering_api.lib.collector``): the
image's layout and code live as long as the image, and each full collection walked the whole growing heap again
(a plant of 20,000 blocks: 8 full collections, 10 of the build's 24 s of CPU, the build's exponent per doubling 1.21;
held, none). The hold ends with the build, whatever it raised."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from fakes.runtime.errors import ImageError
from fakes.runtime.image import build_image
from tools.plant_project import plant_sources
from tools.plc_software import software_from_scl
from tests.collector_watch import NORMAL, watched_collections


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected inside ``build_image`` at Python's default thresholds; the collector's state is put
    back after the test."""
    with watched_collections(inside=build_image) as seen:
        yield seen


def test_building_a_plants_image_collects_nothing_and_the_collector_runs_again_after(collections: list[int]) -> None:
    software = software_from_scl("\n".join(s.text for s in plant_sources(60, seed=1)), [])
    gc.collect()  # the counts start at 0: the hold's own first allocations set nothing off
    image = build_image(software, "PLC_1")
    assert image.obs == [] and len(image.db_slots) > 10  # the plant's modules were laid out and coded
    # at most the young collection of what the build left, set off as its hold ends (the thresholds are back)
    assert collections in ([], [0]), f"{len(collections)} collections during the build"
    assert gc.get_threshold() == NORMAL


def test_a_refused_build_ends_its_hold(collections: list[int]) -> None:
    software = software_from_scl('FUNCTION "F" : Void\nBEGIN\nEND_FUNCTION\n', [])
    software.retentive_marker_bytes = -1  # a size the %M area cannot hold: refused after the code is built
    with pytest.raises(ImageError):
        build_image(software, "PLC_1")
    assert gc.get_threshold() == NORMAL
