"""Builders of synthetic trials for tests (invented records, never live registry data)."""

from __future__ import annotations

import dataclasses
from typing import Any

from lupus_sct.domain.eligibility.protocol import Rule
from lupus_sct.domain.trials.clinical_trials import (
    AgeLimit,
    AgeUnit,
    GeoPoint,
    RecruitmentStatus,
    Trial,
    TrialLocation,
    TrialSex,
)
from lupus_sct.domain.trials.criteria_text import split_eligibility_criteria
from lupus_sct.domain.trials.matching import ComputableTrial, computable_trial
from lupus_sct.services.eligibility.protocol_parsing import _At, parse_rule

CRITERIA = """Inclusion Criteria:

* SLE meeting 2019 EULAR/ACR classification criteria
* SLEDAI-2K >= 8
* eGFR >= 30 mL/min/1.73 m2

Exclusion Criteria:

* Active CNS lupus
* Pregnancy
"""
ADULT_MIN, ADULT_MAX = AgeLimit(18, AgeUnit.YEARS), AgeLimit(65, AgeUnit.YEARS)
MANCHESTER = GeoPoint(53.4631, -2.2278)
LONDON = GeoPoint(51.5246, -0.1340)


def make_trial(
    nct_id: str = "NCT09000001",
    *,
    status: RecruitmentStatus = RecruitmentStatus.RECRUITING,
    criteria: str = CRITERIA,
    conditions: tuple[str, ...] = ("Systemic Lupus Erythematosus",),
    sex: TrialSex = TrialSex.ALL,
    minimum_age: AgeLimit | None = ADULT_MIN,
    maximum_age: AgeLimit | None = ADULT_MAX,
    sites: tuple[TrialLocation, ...] = (
        TrialLocation("Synthetic site M", "Manchester", "United Kingdom", None, MANCHESTER),
    ),
) -> Trial:
    return Trial(
        id=nct_id,
        brief_title=f"Synthetic trial {nct_id}",
        official_title="",
        overall_status=status,
        conditions=conditions,
        keywords=(),
        study_type="INTERVENTIONAL",
        phases=("PHASE1",),
        interventions=(),
        sex=sex,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        healthy_volunteers=False,
        eligibility_text=criteria,
        items=split_eligibility_criteria(criteria),
        locations=sites,
        source="test",
    )


# Rules for the items of CRITERIA, in the protocol rule language.
RULES: dict[str, dict[str, Any]] = {
    "I1": {"diagnosis": {"disease": "SLE", "criteria_any": ["EULAR/ACR 2019"]}},
    "I2": {"sledai_2k": {"min": 8}},
    "I3": {"egfr": {"min": 30}},
    "E1": {"workup": {"item": "active_cns_lupus", "equals": True}},
    "E2": {"workup": {"item": "pregnant", "equals": True}},
}


def with_rules(trial: Trial, rules: dict[str, dict[str, Any]] = RULES) -> Trial:
    items = tuple(
        dataclasses.replace(i, rule_source=rules[i.label], attached_by="test:coordinator")
        if i.label in rules
        else i
        for i in trial.items
    )
    return dataclasses.replace(trial, items=items)


def computable(trial: Trial) -> ComputableTrial:
    parsed: list[Rule | None] = [
        None if i.rule_source is None else parse_rule(i.rule_source, _At("test"))
        for i in trial.items
    ]
    return computable_trial(trial, parsed)
