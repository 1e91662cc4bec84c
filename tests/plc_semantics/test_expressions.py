"""The expression families of the semantics suite (:mod:`tests.plc_semantics.families`), one ``test run`` each:
every row is one check, named by its family, its index and its expression, with its source in the row."""

from __future__ import annotations

import pytest

from tests.plc_semantics.families import FAMILIES
from tests.plc_semantics.families_eno import ENO_FAMILIES
from tests.plc_semantics.harness import Case, Check, Family, run_family

CHECKS = [(family, case, step, check) for family in [*FAMILIES, *ENO_FAMILIES] for case, step, check in family.checks()]


@pytest.mark.parametrize(("family", "case", "step", "check"), CHECKS, ids=[c[3].name for c in CHECKS])
def test_expression(family: Family, case: Case, step: int, check: Check) -> None:
    outcome = run_family(family)
    assert outcome.verdict(case, step, check) is None, f"{check.source}\n{outcome.output[-3000:]}"


def test_every_check_names_its_source() -> None:
    assert all(len(c[3].source) > 20 for c in CHECKS)
