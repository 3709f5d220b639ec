"""Batch adapter ``ctcae-v5``: CTCAE v5.0 laboratory terms and febrile neutropenia."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lupus_sct.domain.instruments.transplant.ctcae_v5 import (
    CTCAE_VERSION,
    AnemiaAssessment,
    CountUnit,
    CreatinineUnit,
    CtcaeGrade,
    CtcaeTerm,
    FebrileNeutropeniaAssessment,
    HemoglobinUnit,
    grade_alt_increased,
    grade_anemia,
    grade_creatinine_increased,
    grade_febrile_neutropenia,
    grade_neutrophil_count_decreased,
    grade_platelet_count_decreased,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import (
    boolean,
    choice,
    non_negative_number,
    number,
    positive_number,
)

TERMS = tuple(t.value for t in CtcaeTerm)


def _count(record: Record, term: CtcaeTerm) -> CtcaeGrade:
    unit = CountUnit(choice(record, "unit", tuple(u.value for u in CountUnit)))
    value = non_negative_number(record, "value", unit=unit.value)
    lln = positive_number(record, "lln", unit=unit.value)
    if term is CtcaeTerm.NEUTROPHIL_COUNT_DECREASED:
        return grade_neutrophil_count_decreased(value, lln, unit)
    return grade_platelet_count_decreased(value, lln, unit)


def _anemia(record: Record, _: CtcaeTerm) -> CtcaeGrade:
    unit = HemoglobinUnit(choice(record, "unit", tuple(u.value for u in HemoglobinUnit)))
    return grade_anemia(
        AnemiaAssessment(
            hemoglobin=number(record, "value", unit=unit.value),
            lln=positive_number(record, "lln", unit=unit.value),
            unit=unit,
            transfusion_indicated=boolean(record, "transfusion_indicated", default=False),
            life_threatening=boolean(record, "life_threatening", default=False),
            death=boolean(record, "death", default=False),
        )
    )


def _creatinine(record: Record, _: CtcaeTerm) -> CtcaeGrade:
    unit = CreatinineUnit(choice(record, "unit", tuple(u.value for u in CreatinineUnit)))
    value = number(record, "value", unit=unit.value)
    uln = positive_number(record, "uln", unit=unit.value)
    baseline = positive_number(record, "baseline", default=None, unit=unit.value)
    return grade_creatinine_increased(value, uln, unit, baseline)


def _alt(record: Record, _: CtcaeTerm) -> CtcaeGrade:
    choice(record, "unit", ("U/L",))
    value = non_negative_number(record, "value", unit="U/L")
    uln = positive_number(record, "uln", unit="U/L")
    baseline = positive_number(record, "baseline", default=None, unit="U/L")
    return grade_alt_increased(value, uln, baseline)


def _febrile_neutropenia(record: Record, _: CtcaeTerm) -> CtcaeGrade:
    return grade_febrile_neutropenia(
        FebrileNeutropeniaAssessment(
            anc_per_ul=non_negative_number(record, "anc_per_uL", unit="/uL"),
            max_single_temp_c=number(record, "max_single_temp_c", unit="C"),
            sustained_temp_ge_38_hours=non_negative_number(
                record, "sustained_temp_ge_38_hours", default=0.0, unit="h"
            ),
            life_threatening=boolean(record, "life_threatening", default=False),
            death=boolean(record, "death", default=False),
        )
    )


_GRADERS: dict[CtcaeTerm, Callable[[Record, CtcaeTerm], CtcaeGrade]] = {
    CtcaeTerm.NEUTROPHIL_COUNT_DECREASED: _count,
    CtcaeTerm.PLATELET_COUNT_DECREASED: _count,
    CtcaeTerm.ANEMIA: _anemia,
    CtcaeTerm.CREATININE_INCREASED: _creatinine,
    CtcaeTerm.ALT_INCREASED: _alt,
    CtcaeTerm.FEBRILE_NEUTROPENIA: _febrile_neutropenia,
}


def score(record: Record) -> dict[str, Any]:
    """Grade one record by its ``term``: ``grade`` (1-5 or null) and ``ctcae_version``."""
    term = CtcaeTerm(choice(record, "term", TERMS))
    result = _GRADERS[term](record, term)
    return {"grade": result.grade, "ctcae_version": CTCAE_VERSION}


INSTRUMENT = Instrument(
    id="ctcae-v5",
    version="CTCAE v5.0",
    citation=(
        "National Cancer Institute. Common Terminology Criteria for Adverse Events (CTCAE) "
        "v5.0, 27 November 2017"
    ),
    flat=True,
    score=score,
)
