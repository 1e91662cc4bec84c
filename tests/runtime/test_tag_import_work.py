"""The runtime tag import decides each leaf's access once, on the way down (engineering_api.runtime.tag_import).

Before, each leaf looked its access up again from the DB's top (``leaf_access(top, name)``): a search of the top
members per leaf, so a flat DB of 2,000 members cost about 2,000 x 1,000 name comparisons (~87 ms). The work is
counted (Python and C function calls, tools.work_count), not timed: twice the members must cost about twice the
work.
"""

from __future__ import annotations

from typing import Any


from engineering_api.runtime.tag_import import db_walk
from simatic_xml import parse_bytes
from simatic_xml.interface import Member, MemberAttribute
from tools.work_count import WorkCount, counting
from tests.lib.shared_corpus import READS_SHARED, SHARED

# A real export (TIA wrote it, "accessible from OPC UA"): its Static section is replaced by generated members.
CORPUS_DB = (SHARED / "corpus/simaticml/db/Gildej31_DB_CALCUL.xml")


def _flat_db(size: int) -> Any:
    db: Any = parse_bytes(CORPUS_DB.read_bytes()).object
    static = db.interface.section("Static")
    assert static is not None
    hidden = [MemberAttribute(kind="BooleanAttribute", name="ExternalAccessible", value="false")]
    static.members = [Member(name=f"Value_{i}", datatype="Int", attributes=hidden if i % 7 == 0 else None)
                      for i in range(size)]
    return db


def _work(size: int) -> tuple[int, Any]:
    db = _flat_db(size)
    count = WorkCount()
    with counting(count):
        walk = db_walk(db, "Flat", "opcua")
    return count.total + count.builtin_total, walk


@READS_SHARED
def test_a_flat_db_costs_work_in_proportion_to_its_members() -> None:
    small, walk = _work(500)
    assert len(walk.tags) == 500 - len(range(0, 500, 7))  # every seventh member is not released
    large, _ = _work(1000)
    assert large < 2.3 * small, (small, large)  # linear: ~2x (quadratic was ~4x)
