"""The vectorised CTCAE v5.0 grades (analytics) equal the scalar domain graders row by row.

Expected values come from the graders of :mod:`lupus_sct.domain.instruments.transplant.ctcae_v5`
(docs/spec/instruments.md
§8.1, decision D6, convention C1, decision D11). Values are drawn at, just below and just
above every band limit and multiple of the ULN or baseline, including products such as
``1.8 / 1.2 == 1.5000000000000002`` that the 1e-9 tolerance must absorb.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.ctcae_v5 import (
    alt_increased_grade,
    anemia_grade,
    creatinine_increased_grade,
    febrile_neutropenia_grade,
    neutrophil_count_decreased_grade,
    platelet_count_decreased_grade,
)
from lupus_sct.domain.instruments.transplant import ctcae_v5 as domain
from lupus_sct.domain.instruments.transplant.ctcae_v5 import (
    CountUnit,
    CreatinineUnit,
    HemoglobinUnit,
)

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
ROWS = {"min_size": 1, "max_size": 30}


def near(bound: float) -> list[float]:
    """The bound, its floating-point neighbours and values within and just beyond 1e-9."""
    steps = (5e-10, 1e-9, 1.5e-9, 1e-6)
    return [
        bound,
        math.nextafter(bound, -math.inf),
        math.nextafter(bound, math.inf),
        *(bound + s for s in steps),
        *(bound - s for s in steps),
    ]


def grades(frame: pl.DataFrame, expr: pl.Expr) -> list[int | None]:
    return frame.select(expr.alias("grade")).to_series().to_list()


@st.composite
def counts(draw: st.DrawFn, lows: tuple[float, ...], unit: CountUnit) -> dict[str, float]:
    in_unit = [v / unit.to_per_ul for low in lows for v in near(low)]
    lln = draw(st.sampled_from(in_unit) | st.floats(1e-3, 4 * max(lows) / unit.to_per_ul))
    value = draw(st.sampled_from([*in_unit, *near(lln)]) | st.floats(0, 2 * lln))
    return {"value": max(value, 0.0), "lln": lln}


@PROPERTY_SETTINGS
@given(st.sampled_from(CountUnit), st.data())
def test_decreased_count_grades_equal_the_domain_grades(
    unit: CountUnit, data: st.DataObject
) -> None:
    neutrophil_lows = (domain.NEUTROPHIL_G1_LOW_PER_UL, 1000.0, 500.0)
    platelet_lows = (domain.PLATELET_G1_LOW_PER_UL, 50_000.0, 25_000.0)
    for lows, vectorised, scalar in (
        (
            neutrophil_lows,
            neutrophil_count_decreased_grade,
            domain.grade_neutrophil_count_decreased,
        ),
        (platelet_lows, platelet_count_decreased_grade, domain.grade_platelet_count_decreased),
    ):
        rows = data.draw(st.lists(counts(lows, unit), **ROWS))
        got = grades(pl.DataFrame(rows), vectorised("value", "lln", unit))
        assert got == [scalar(r["value"], r["lln"], unit).grade for r in rows]


@st.composite
def anemias(draw: st.DrawFn, unit: HemoglobinUnit) -> dict[str, Any]:
    limits = [v / unit.to_g_dl for b in (10.0, 8.0) for v in near(b)]
    lln = draw(st.sampled_from([12.0 / unit.to_g_dl, *limits]) | st.floats(1, 18 / unit.to_g_dl))
    high = domain.HEMOGLOBIN_MAX_G_DL / unit.to_g_dl
    value = draw(st.sampled_from([*limits, *near(lln)]) | st.floats(0, high))
    flags = ("transfusion_indicated", "life_threatening", "death")
    return {"hemoglobin": min(max(value, 0.0), high), "lln": lln} | {
        flag: draw(st.sampled_from([False, False, True])) for flag in flags
    }


@PROPERTY_SETTINGS
@given(st.sampled_from(HemoglobinUnit), st.data())
def test_anemia_grades_equal_the_domain_grades(unit: HemoglobinUnit, data: st.DataObject) -> None:
    rows = data.draw(st.lists(anemias(unit), **ROWS))
    expr = anemia_grade(
        "hemoglobin",
        "lln",
        unit,
        transfusion_indicated="transfusion_indicated",
        life_threatening="life_threatening",
        death="death",
    )
    got = grades(pl.DataFrame(rows), expr)
    assert got == [domain.grade_anemia(domain.AnemiaAssessment(unit=unit, **r)).grade for r in rows]


def multiples_of(reference: float, multiples: tuple[float, ...]) -> list[float]:
    return [v for m in multiples for v in near(m * reference)]


@st.composite
def increases(
    draw: st.DrawFn,
    uln_multiples: tuple[float, ...],
    base_multiples: tuple[float, ...],
    low: float,
    high: float,
) -> dict[str, Any]:
    uln = draw(st.sampled_from([1.2, 1.0, 0.9, 40.0]) | st.floats(0.1, 5))
    baseline = draw(st.none() | st.sampled_from([1.2, 0.8]) | st.floats(0.1, 5))
    candidates = [*multiples_of(uln, uln_multiples), 1.8, 3.6]
    if baseline is not None:
        candidates += multiples_of(baseline, base_multiples)
    value = draw(st.sampled_from(candidates) | st.floats(low, high))
    return {"value": min(max(value, low), high), "uln": uln, "baseline": baseline}


@PROPERTY_SETTINGS
@given(
    st.lists(
        increases(domain.CREATININE_ULN_MULTIPLES, domain.CREATININE_BASELINE_MULTIPLES, 0.1, 40),
        **ROWS,
    )
)
def test_creatinine_grades_equal_the_domain_grades(rows: list[dict[str, Any]]) -> None:
    frame = pl.DataFrame(
        rows, schema={"value": pl.Float64, "uln": pl.Float64, "baseline": pl.Float64}
    )
    got = grades(frame, creatinine_increased_grade("value", "uln", "baseline"))
    expected = [
        domain.grade_creatinine_increased(
            r["value"], r["uln"], CreatinineUnit.MG_DL, r["baseline"]
        ).grade
        for r in rows
    ]
    assert got == expected


@PROPERTY_SETTINGS
@given(
    st.lists(increases(domain.ALT_ULN_MULTIPLES, domain.ALT_BASELINE_MULTIPLES, 0.0, 2000), **ROWS)
)
def test_alt_grades_equal_the_domain_grades(rows: list[dict[str, Any]]) -> None:
    frame = pl.DataFrame(
        rows, schema={"value": pl.Float64, "uln": pl.Float64, "baseline": pl.Float64}
    )
    got = grades(frame, alt_increased_grade("value", "uln", "baseline"))
    expected = [domain.grade_alt_increased(r["value"], r["uln"], r["baseline"]).grade for r in rows]
    assert got == expected


@st.composite
def fevers(draw: st.DrawFn) -> dict[str, Any]:
    temp = draw(st.sampled_from([*near(38.3), *near(38.0), 37.0]) | st.floats(30, 45))
    hours = 0.0 if temp < 38.0 else draw(st.sampled_from([0.0, *near(1.0)]) | st.floats(0, 48))
    return {
        "anc": draw(st.sampled_from([*near(1000.0), 0.0]) | st.floats(0, 5000)),
        "temp": temp,
        "hours": max(hours, 0.0),
        "life_threatening": draw(st.booleans()),
        "death": draw(st.sampled_from([False, False, True])),
    }


@PROPERTY_SETTINGS
@given(st.lists(fevers(), **ROWS))
def test_febrile_neutropenia_grades_equal_the_domain_grades(rows: list[dict[str, Any]]) -> None:
    expr = febrile_neutropenia_grade(
        "anc", "temp", "hours", life_threatening="life_threatening", death="death"
    )
    got = grades(pl.DataFrame(rows), expr)
    expected = [
        domain.grade_febrile_neutropenia(
            domain.FebrileNeutropeniaAssessment(
                r["anc"], r["temp"], r["hours"], r["life_threatening"], r["death"]
            )
        ).grade
        for r in rows
    ]
    assert got == expected
