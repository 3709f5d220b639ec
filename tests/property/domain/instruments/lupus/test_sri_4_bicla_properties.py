"""Invariants of SRI-4 (Furie 2009) and BICLA (Wallace 2011) under convention C8."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.bicla import BiclaAssessment, assess_bicla
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sri_4 import Sri4Assessment, assess_sri_4

ACTIVE_OR_INACTIVE = [BilagGrade.A, BilagGrade.B, BilagGrade.C, BilagGrade.D]


@st.composite
def bilag_pairs(
    draw: st.DrawFn,
) -> tuple[dict[BilagDomain, BilagGrade], dict[BilagDomain, BilagGrade]]:
    baseline: dict[BilagDomain, BilagGrade] = {}
    followup: dict[BilagDomain, BilagGrade] = {}
    for domain in BilagDomain:
        before = draw(st.sampled_from([*BilagGrade, None]))
        if before is not None:
            baseline[domain] = before
        after_choices = (
            ACTIVE_OR_INACTIVE if before not in (None, BilagGrade.E) else list(BilagGrade)
        )
        if before is not None or draw(st.booleans()):
            followup[domain] = draw(st.sampled_from(after_choices))
    return baseline, followup


@st.composite
def visit_pairs(draw: st.DrawFn) -> dict[str, object]:
    baseline, followup = draw(bilag_pairs())
    return {
        "sledai_baseline": draw(st.integers(0, 105)),
        "sledai_followup": draw(st.integers(0, 105)),
        "bilag_baseline": baseline,
        "bilag_followup": followup,
        "pga_baseline": draw(st.floats(0, 3)),
        "pga_followup": draw(st.floats(0, 3)),
        "treatment_failure": draw(st.booleans()),
    }


@given(visit_pairs(), st.integers(0, 105))
def test_a_lower_follow_up_sledai_never_removes_an_sri_4_response(
    fields: dict[str, object], lower: int
) -> None:
    visit = Sri4Assessment(**fields)
    improved = dataclasses.replace(visit, sledai_followup=min(lower, visit.sledai_followup))
    assert assess_sri_4(improved).responder >= assess_sri_4(visit).responder


@given(visit_pairs(), st.integers(0, 105))
def test_a_lower_follow_up_sledai_never_removes_a_bicla_response(
    fields: dict[str, object], lower: int
) -> None:
    visit = BiclaAssessment(**fields)
    improved = dataclasses.replace(visit, sledai_followup=min(lower, visit.sledai_followup))
    assert assess_bicla(improved).responder >= assess_bicla(visit).responder


@given(visit_pairs())
def test_treatment_failure_always_makes_a_non_responder(fields: dict[str, object]) -> None:
    fields = {**fields, "treatment_failure": True}
    assert not assess_sri_4(Sri4Assessment(**fields)).responder
    assert not assess_bicla(BiclaAssessment(**fields)).responder


@given(visit_pairs())
def test_an_unchanged_a_or_b_domain_is_never_a_bicla_response(fields: dict[str, object]) -> None:
    baseline = fields["bilag_baseline"]
    assert isinstance(baseline, dict)
    unchanged = {**fields, "bilag_followup": {**baseline, BilagDomain.RENAL: BilagGrade.B}}
    unchanged["bilag_baseline"] = {**baseline, BilagDomain.RENAL: BilagGrade.B}
    assert not assess_bicla(BiclaAssessment(**unchanged)).responder
