"""``ProgramPort.program_revision``: the token a caller keeps what it derived from a whole program under (the
cross-reference index). An adapter may answer None (it cannot tell); a token it gives must change with every change
of the program and never come back for other contents, else a query answers from a program that is gone."""

from __future__ import annotations

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.areas import tags as t
from engineering_api.backend.port import EngineeringBackend
from tests.contract.played import Played
from tests.contract.program_docs import fb_doc, udt_doc


def test_the_revision_changes_with_every_change_of_the_program_and_never_returns(backend: EngineeringBackend,
                                                                                  plc: str, tia: Played) -> None:
    program = backend.program
    first = program.program_revision(plc)
    if first is None:  # an adapter that cannot tell never claims a program unchanged
        program.import_program_documents(plc, [udt_doc(tia, "UDT_State", "UDT_State.xml")], overwrite=False)
        assert program.program_revision(plc) is None
        return
    assert program.program_revision(plc) == first  # reads change nothing
    program.list_program_objects(plc)
    assert program.program_revision(plc) == first
    seen: list[str | None] = [first]

    def changed(what: str) -> None:
        revision = program.program_revision(plc)
        assert revision not in seen, f"{what}: the revision {revision!r} was given before, for other contents"
        seen.append(revision)

    program.import_program_documents(plc, [udt_doc(tia, "UDT_State", "UDT_State.xml")], overwrite=False)
    changed("a PLC data type imported")
    program.import_program_documents(plc, [fb_doc(tia)], overwrite=False)
    changed("a block imported")
    program.import_program_documents(plc, [udt_doc(tia, "UDT_State", "UDT_State.xml")], overwrite=True)
    changed("the block's type imported again (the block's consistency)")
    backend.tags.create_tag(plc, "Default tag table", t.TagSpec(name="Start", data_type="Bool",
                                                                logical_address="%M0.0"))
    changed("a tag created")
    backend.blocks.delete_block(plc, "FB_Motor")
    changed("a block deleted")
    assert program.program_revision(plc) == seen[-1]
    with pytest.raises(e.NotFoundError):
        program.program_revision("Nowhere")

