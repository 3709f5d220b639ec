"""A large synthetic cohort reproduces the published rates it is calibrated to.

Each target is a constant of ``lupus_sct.synthetic.calibration`` whose studies.csv row is named
there (and checked against the evidence store in the first test). Realised proportions must fall
in the binomial 99.9% interval around the target (z = 3.29); rates over time are read from a
Kaplan-Meier curve (our analytics, R-verified) within 3.29 Greenwood standard errors; medians of
whole days must equal the published median.
"""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from lupus_sct.analytics.survival.kaplan_meier import kaplan_meier
from lupus_sct.domain.instruments.lupus.sledai_2k import SLEDAI_2K_WEIGHTS
from lupus_sct.services.evidence.studies import load_evidence
from lupus_sct.synthetic import calibration as cal
from lupus_sct.synthetic import generate_cohort
from lupus_sct.synthetic.parquet_tables import chunk_frames

pytestmark = pytest.mark.slow

AS_OF = date(2026, 6, 1)
PATIENTS = 40_000
Z_999 = 3.29  # two-sided 99.9% normal quantile
WEIGHT = {d.value: w for d, w in SLEDAI_2K_WEIGHTS.items()}
MONTH = cal.DAYS_PER_MONTH


@pytest.fixture(scope="module")
def cohort() -> dict[str, pl.DataFrame]:
    frames: dict[str, list[pl.DataFrame]] = {}
    for chunk in generate_cohort(2026, PATIENTS, as_of=AS_OF):
        for key, frame in chunk_frames(chunk).items():
            frames.setdefault(key, []).append(frame)
    return {key: pl.concat(parts) for key, parts in frames.items()}


@pytest.fixture(scope="module")
def courses(cohort: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Infused courses with day 0, death, relapse, selection and sle flag, days as integers."""
    deaths = (
        cohort["outcomes"]
        .filter(pl.col("kind") == "death")
        .select(pl.col("patient_id"), pl.col("event_date").alias("death"))
    )
    relapses = (
        cohort["outcomes"]
        .filter(pl.col("kind") == "relapse_or_flare")
        .select(pl.col("course_id").alias("id"), pl.col("event_date").alias("relapse"))
    )
    secondary = (
        cohort["outcomes"]
        .filter(pl.col("kind") == "secondary_autoimmune_disease")
        .select(pl.col("course_id").alias("id"), pl.col("event_date").alias("secondary"))
    )
    selected = (
        cohort["course_events"]
        .filter(pl.col("kind") == "graft_processing")
        .select(
            pl.col("course_id").alias("id"),
            pl.col("details").str.contains('"cd34_selected": true').alias("selected"),
        )
        .unique("id")
    )
    sle = cohort["diagnoses"].select("patient_id", (pl.col("disease") == "SLE").alias("sle"))
    return (
        cohort["courses"]
        .filter(pl.col("day0").is_not_null())
        .join(deaths, on="patient_id", how="left")
        .join(relapses, on="id", how="left")
        .join(secondary, on="id", how="left")
        .join(selected, on="id", how="left")
        .join(sle, on="patient_id", how="left")
    )


def _days(frame: pl.DataFrame, column: str) -> np.ndarray:
    return (frame[column] - frame["day0"]).dt.total_days().to_numpy()


def _assert_proportion(events: int, total: int, target: float, label: str) -> None:
    assert total >= 200, f"{label}: only {total} patients to check"
    half = Z_999 * math.sqrt(target * (1 - target) / total) + 0.5 / total
    realised = events / total
    assert abs(realised - target) <= half, (
        f"{label}: realised {realised:.3f} ({events}/{total}), target {target:.3f} +/- {half:.3f}"
    )


def _kind(courses: pl.DataFrame, kind: str) -> pl.DataFrame:
    return courses.filter(pl.col("kind") == kind)


def _followed(frame: pl.DataFrame, days: int) -> pl.DataFrame:
    return frame.filter((pl.lit(AS_OF) - pl.col("day0")).dt.total_days() >= days)


def test_every_sourced_constant_equals_its_studies_csv_row() -> None:
    rows = load_evidence()
    for name, source in cal.SOURCES.items():
        assert getattr(cal, name) == pytest.approx(cal.source_value(source, rows), abs=1e-9), name


@pytest.mark.parametrize(
    ("kind", "target"),
    [("autologous_hsct", cal.AUTO_TRM_100_DAYS), ("allogeneic_hsct", cal.ALLO_NRM_100_DAYS)],
)
def test_treatment_related_mortality_at_day_100_matches_its_source(
    courses: pl.DataFrame, kind: str, target: float
) -> None:
    # FARGE2010_EBMT treatment_related_mortality_100d (auto); Greco 2019 (allo),
    # docs/spec/evidence.md §1a
    group = _followed(_kind(courses, kind), 101)
    died = int((_days(group, "death") <= 100).sum())
    _assert_proportion(died, group.height, target, f"{kind} 100-day mortality")


@pytest.mark.parametrize(
    ("selected", "anc", "platelets"),
    [
        (
            True,
            cal.AUTO_ANC_MEDIAN_DAYS_CD34_SELECTED,
            cal.AUTO_PLATELET_20_MEDIAN_DAYS_CD34_SELECTED,
        ),
        (False, cal.AUTO_ANC_MEDIAN_DAYS_UNSELECTED, cal.AUTO_PLATELET_MEDIAN_DAYS_UNSELECTED),
    ],
)
def test_autologous_engraftment_medians_match_traynor_2000_and_ash_2007(
    cohort: dict[str, pl.DataFrame], courses: pl.DataFrame, selected: bool, anc: int, platelets: int
) -> None:
    # TRAYNOR2000 time_to_ANC_0.5 9 d, time_to_platelets_20 11 d (CD34-selected);
    # ASH2007_CN time_to_neutrophil_engraftment 11 d, time_to_platelet_engraftment 12 d
    group = _kind(courses, "autologous_hsct").filter(pl.col("selected") == selected)
    events = (
        cohort["course_events"]
        .filter(pl.col("kind") == "engraftment")
        .join(group.select(pl.col("id").alias("course_id"), "day0"), on="course_id")
    )
    days = (events["event_date"] - events["day0"]).dt.total_days()
    neutrophil = events["details"].str.contains("neutrophil")
    assert days.filter(neutrophil).median() == anc
    assert days.filter(~neutrophil).median() == platelets


def _responders(cohort: dict[str, pl.DataFrame], group: pl.DataFrame, by_day: int) -> set[str]:
    visits = cohort["assessments"].join(group.select("patient_id", "day0"), on="patient_id")
    visits = visits.filter(
        ((pl.col("visit_date") - pl.col("day0")).dt.total_days()).is_between(1, by_day)
    )
    quiet = [
        patient
        for patient, descriptors in zip(
            visits["patient_id"], visits["sledai_descriptors"], strict=True
        )
        if sum(WEIGHT[d] for d in json.loads(descriptors)) < 3
    ]
    relapsed = group.filter(_days(group, "relapse") <= by_day)["patient_id"].to_list()
    return set(quiet) | set(relapsed)


@pytest.mark.parametrize(
    ("kind", "by_day", "target"),
    [
        ("autologous_hsct", 196, cal.AUTO_REMISSION_6_MONTHS),  # JAYNE2004 remission 6
        ("car_t", 196, cal.CAR_T_REMISSION_6_MONTHS),  # FENG2025 lldas_and_doris
        ("msc", 379, cal.MSC_RESPONSE_12_MONTHS),  # WANG2014_ART MCR + PCR 12
    ],
)
def test_remission_share_matches_its_source(
    cohort: dict[str, pl.DataFrame], courses: pl.DataFrame, kind: str, by_day: int, target: float
) -> None:
    group = _followed(_kind(courses, kind), by_day).filter(pl.col("sle"))
    alive = group.filter(pl.col("death").is_null() | (_days(group, "death") > by_day))
    responders = _responders(cohort, alive, by_day)
    _assert_proportion(len(responders), alive.height, target, f"{kind} remission by day {by_day}")


def _km_at(time: np.ndarray, event: np.ndarray, at_days: float) -> tuple[float, float]:
    fit = kaplan_meier(time, event).at([at_days])
    return float(fit.survival[0]), float(fit.std_err[0])


def _censored(group: pl.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    end = np.array([(AS_OF - d).days for d in group["day0"].to_list()], dtype=float)
    happened = _days(group, column)
    has = ~np.isnan(happened.astype(float))
    death = _days(group, "death").astype(float)
    stop = np.where(np.isnan(death), end, np.minimum(end, death))
    time = np.where(has, happened.astype(float), stop)
    return np.maximum(time, 0.0), has


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("autologous_hsct", cal.AUTO_OS_60_MONTHS),  # ALCHI2013 overall_survival 60
        ("allogeneic_hsct", cal.ALLO_OS_60_MONTHS),  # Greco 2019 (docs/spec/evidence.md §1a)
        ("msc", cal.MSC_OS_60_MONTHS),  # WANG2017_EULAR overall_survival 60
    ],
)
def test_overall_survival_at_five_years_matches_its_source(
    courses: pl.DataFrame, kind: str, target: float
) -> None:
    group = _kind(courses, kind)
    time, event = _censored(group, "death")
    survival, se = _km_at(time, event, 60 * MONTH)
    assert abs(survival - target) <= Z_999 * se, f"{kind}: OS {survival:.3f} +/- {se:.3f}"


@pytest.mark.parametrize(
    ("kind", "months", "target"),
    [
        ("autologous_hsct", 60, cal.AUTO_RELAPSE_60_MONTHS_AMONG_REMITTERS),  # BURT2018
        ("msc", 12, cal.MSC_RELAPSE_12_MONTHS_AMONG_RESPONDERS),  # WANG2014_ART relapse 12
    ],
)
def test_relapse_among_remitters_matches_its_source(
    cohort: dict[str, pl.DataFrame], courses: pl.DataFrame, kind: str, months: int, target: float
) -> None:
    group = _kind(courses, kind).filter(pl.col("sle"))
    remitters = _responders(cohort, group, 3653)
    group = group.filter(pl.col("patient_id").is_in(sorted(remitters)))
    time, event = _censored(group, "relapse")
    survival, se = _km_at(time, event, months * MONTH)
    assert abs((1 - survival) - target) <= Z_999 * se + 0.01, f"relapse {1 - survival:.3f}"


def test_secondary_autoimmune_disease_after_autologous_hsct_matches_daikeler_2011(
    courses: pl.DataFrame,
) -> None:
    group = _kind(courses, "autologous_hsct")
    time, event = _censored(group, "secondary")
    survival, se = _km_at(time, event, 60 * MONTH)
    target = cal.AUTO_SECONDARY_AUTOIMMUNE_60_MONTHS  # DAIKELER2011 (9.8% at 5 years)
    assert abs((1 - survival) - target) <= Z_999 * se


@pytest.mark.parametrize(
    ("term", "target"),
    [
        ("Cytokine release syndrome", cal.CAR_T_CRS_ANY),  # pooled crs_any rows
        ("Immune effector cell-associated neurotoxicity syndrome", cal.CAR_T_ICANS_ANY),
    ],
)
def test_car_t_crs_and_icans_rates_match_the_car_t_rows(
    cohort: dict[str, pl.DataFrame], courses: pl.DataFrame, term: str, target: float
) -> None:
    group = _followed(_kind(courses, "car_t"), 20)
    affected = cohort["adverse_events"].filter(pl.col("ctcae_term") == term)["course_id"]
    events = int(group["id"].is_in(affected.implode()).sum())
    _assert_proportion(events, group.height, target, term)


def test_the_cohort_has_every_course_kind_and_some_ra(cohort: dict[str, pl.DataFrame]) -> None:
    kinds = set(cohort["courses"]["kind"].to_list())
    assert kinds == {"autologous_hsct", "allogeneic_hsct", "msc", "car_t"}
    ra_share = (cohort["diagnoses"]["disease"] == "RA").mean()
    _assert_proportion(int(ra_share * PATIENTS), PATIENTS, cal.RA_SHARE, "RA share")
