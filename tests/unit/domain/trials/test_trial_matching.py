"""Matching a patient to trials: per-item verdicts with reasons, structured fit, distance and
ranking. Synthetic trials and patients only (tests/trial_builders.py, tests/protocol_patients.py).
"""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupus_sct.domain.eligibility.atoms import Verdict
from lupus_sct.domain.records.diagnosis import Disease
from lupus_sct.domain.records.people import Sex
from lupus_sct.domain.records.workup import WorkupItem
from lupus_sct.domain.trials.clinical_trials import (
    AgeLimit,
    AgeUnit,
    GeoPoint,
    RecruitmentStatus,
    TrialLocation,
    TrialSex,
)
from lupus_sct.domain.trials.matching import (
    ItemVerdict,
    TrialOverall,
    haversine_km,
    match_trial,
    rank_trials,
)
from protocol_patients import Candidate, ra_candidate, record
from trial_builders import LONDON, MANCHESTER, RULES, computable, make_trial, with_rules


def test_a_patient_meeting_every_computable_criterion_is_eligible_with_reasons() -> None:
    match = match_trial(computable(with_rules(make_trial())), record(Candidate()))
    assert match.overall is TrialOverall.ELIGIBLE
    assert [r.verdict for r in match.items] == [ItemVerdict.MET] * 3 + [ItemVerdict.NOT_MET] * 2
    assert all(r.passes for r in match.items)
    # SLEDAI-2K 22 from the candidate's descriptors (Gladman 2002 weights, protocol_patients.py)
    assert match.items[1].reason.startswith("SLEDAI-2K 22 on ")
    assert match.items[1].evidence[0].what == "SLEDAI-2K"


def test_a_patient_is_never_called_eligible_for_a_criterion_that_could_not_be_evaluated() -> None:
    no_labs = dataclasses.replace(Candidate(), labs={})  # eGFR cannot be computed
    match = match_trial(computable(with_rules(make_trial())), record(no_labs))
    egfr = match.items[2]
    assert egfr.verdict is ItemVerdict.UNKNOWN
    assert egfr.passes is None
    assert egfr.reason == "no eGFR or creatinine usable for CKD-EPI 2021 recorded"
    assert match.overall is TrialOverall.UNDETERMINED


def test_an_item_without_a_rule_needs_review_and_keeps_the_trial_undetermined() -> None:
    rules = {k: v for k, v in RULES.items() if k != "E2"}
    match = match_trial(computable(with_rules(make_trial(), rules)), record(Candidate()))
    pregnancy = match.items[4]
    assert pregnancy.verdict is ItemVerdict.NEEDS_REVIEW
    assert pregnancy.passes is None
    assert "coordinator must review" in pregnancy.reason
    assert pregnancy.item.text == "Pregnancy"  # the source text stays with the verdict
    assert match.overall is TrialOverall.UNDETERMINED


def test_a_met_exclusion_criterion_makes_the_patient_not_eligible() -> None:
    pregnant = Candidate()
    pregnant.findings[WorkupItem.PREGNANT] = (True, 5)
    match = match_trial(computable(with_rules(make_trial())), record(pregnant))
    assert match.items[4].verdict is ItemVerdict.MET
    assert match.items[4].passes is False
    assert match.overall is TrialOverall.NOT_ELIGIBLE


# Strategy: any subset of the patient's data may be missing, any item may lack its rule.
_LAB_SETS = st.sampled_from([{}, {"2160-0": (0.8, "mg/dL", 1.1, 5)}])


@settings(max_examples=60, deadline=None)
@given(
    has_diagnosis=st.booleans(),
    sex=st.sampled_from(list(Sex)),
    labs=_LAB_SETS,
    keep_findings=st.booleans(),
    ruled=st.sets(st.sampled_from(sorted(RULES))),
)
def test_eligible_only_when_every_criterion_was_evaluated_and_passes(
    has_diagnosis: bool, sex: Sex, labs: dict, keep_findings: bool, ruled: set[str]
) -> None:
    candidate = dataclasses.replace(Candidate(), has_diagnosis=has_diagnosis, sex=sex, labs=labs)
    if not keep_findings:
        candidate.findings = {}
    trial = with_rules(make_trial(sex=TrialSex.FEMALE), {k: RULES[k] for k in ruled})
    match = match_trial(computable(trial), record(candidate))
    if match.overall is TrialOverall.ELIGIBLE:
        assert all(s.outcome.verdict is Verdict.MET for s in match.structured)
        assert all(r.verdict in (ItemVerdict.MET, ItemVerdict.NOT_MET) for r in match.items)
        assert all(r.passes is True for r in match.items)
    if any(r.verdict in (ItemVerdict.UNKNOWN, ItemVerdict.NEEDS_REVIEW) for r in match.items):
        assert match.overall is not TrialOverall.ELIGIBLE


@pytest.mark.parametrize(
    ("age_years", "verdict"),
    [(17, Verdict.NOT_MET), (18, Verdict.MET), (65, Verdict.MET), (66, Verdict.NOT_MET)],
)
def test_age_limits_are_inclusive_in_completed_years(age_years: int, verdict: Verdict) -> None:
    # protocol_patients.record puts the birthday 30 days before AS_OF: completed years = age_years
    match = match_trial(computable(make_trial()), record(Candidate(age_years=age_years)))
    age = match.structured[0]
    assert age.outcome.verdict is verdict
    assert "18 Years to 65 Years" in age.outcome.reason


def test_a_missing_maximum_age_admits_any_older_patient() -> None:
    trial = make_trial(maximum_age=None)
    match = match_trial(computable(trial), record(Candidate(age_years=90)))
    assert match.structured[0].outcome.verdict is Verdict.MET


@pytest.mark.parametrize(
    ("trial_sex", "patient_sex", "verdict"),
    [
        (TrialSex.ALL, Sex.MALE, Verdict.MET),
        (TrialSex.FEMALE, Sex.FEMALE, Verdict.MET),
        (TrialSex.FEMALE, Sex.MALE, Verdict.NOT_MET),
        (TrialSex.MALE, Sex.UNKNOWN, Verdict.UNKNOWN),
        (TrialSex.MALE, Sex.OTHER, Verdict.UNKNOWN),
    ],
)
def test_sex_fit(trial_sex: TrialSex, patient_sex: Sex, verdict: Verdict) -> None:
    match = match_trial(computable(make_trial(sex=trial_sex)), record(Candidate(sex=patient_sex)))
    assert match.structured[1].outcome.verdict is verdict


def test_condition_fit_compares_the_diagnosis_with_the_trials_conditions() -> None:
    sle_trial = computable(make_trial(conditions=("Lupus Nephritis",)))
    basket = computable(make_trial(conditions=("Autoimmune Diseases",)))
    ra = record(ra_candidate())
    sle = record(Candidate())
    assert match_trial(sle_trial, sle).structured[2].outcome.verdict is Verdict.MET
    assert match_trial(sle_trial, ra).structured[2].outcome.verdict is Verdict.NOT_MET
    assert match_trial(basket, ra).structured[2].outcome.verdict is Verdict.UNKNOWN
    undiagnosed = record(Candidate(has_diagnosis=False))
    assert match_trial(sle_trial, undiagnosed).structured[2].outcome.verdict is Verdict.UNKNOWN
    assert Disease.SLE in sle_trial.diseases


def test_haversine_matches_the_rosetta_code_reference() -> None:
    # Rosetta Code "Haversine formula": BNA (36.12, -86.67) to LAX (33.94, -118.40) with
    # R = 6372.8 km is 2887.2599506071106 km.
    bna, lax = GeoPoint(36.12, -86.67), GeoPoint(33.94, -118.40)
    assert haversine_km(bna, lax, radius_km=6372.8) == pytest.approx(2887.2599506071106, rel=1e-12)
    assert haversine_km(bna, bna) == 0.0
    assert haversine_km(bna, lax) == pytest.approx(haversine_km(lax, bna))


def test_distance_is_to_the_nearest_open_site_only() -> None:
    closed_near = TrialLocation(
        "Closed", "Manchester", "UK", RecruitmentStatus.COMPLETED, MANCHESTER
    )
    open_far = TrialLocation("Open", "London", "UK", RecruitmentStatus.RECRUITING, LONDON)
    match = match_trial(
        computable(make_trial(sites=(closed_near, open_far))), record(Candidate()), MANCHESTER
    )
    assert match.nearest_site == open_far
    # Peer formula: the spherical law of cosines on the same sphere gives the same distance.
    a, b = MANCHESTER, LONDON
    cosine = math.sin(math.radians(a.latitude)) * math.sin(math.radians(b.latitude)) + math.cos(
        math.radians(a.latitude)
    ) * math.cos(math.radians(b.latitude)) * math.cos(math.radians(b.longitude - a.longitude))
    assert match.distance_km == pytest.approx(6371.0088 * math.acos(cosine), abs=1e-6)
    assert "Open, London" in match.distance_text()


def test_trials_rank_by_status_then_fit_then_criteria_then_distance() -> None:
    far = (TrialLocation("Far", "London", "UK", None, LONDON),)
    trials = [
        computable(with_rules(make_trial("NCT09000001", status=RecruitmentStatus.COMPLETED))),
        computable(with_rules(make_trial("NCT09000002", sites=far))),
        computable(with_rules(make_trial("NCT09000003"))),
        computable(make_trial("NCT09000004")),  # no rules: undetermined
        computable(with_rules(make_trial("NCT09000005", sex=TrialSex.MALE))),
    ]
    ranked = rank_trials(trials, record(Candidate()), MANCHESTER)
    assert [m.trial.id for m in ranked] == [
        "NCT09000003",  # recruiting, fits, eligible, nearest
        "NCT09000002",  # same but farther
        "NCT09000004",  # criteria need review
        "NCT09000005",  # sex does not fit
        "NCT09000001",  # completed
    ]
    explanation = ranked[0].explanation()
    assert explanation[0] == "recruitment status: RECRUITING"
    assert explanation[-1] == "overall: eligible"
    assert any(line.startswith("I2 [inclusion] met: SLEDAI-2K 22") for line in explanation)


def test_month_limits_are_checked_in_months() -> None:
    trial = make_trial(minimum_age=AgeLimit(6, AgeUnit.MONTHS), maximum_age=None)
    match = match_trial(computable(trial), record(Candidate(age_years=1)))
    assert match.structured[0].outcome.verdict is Verdict.MET
