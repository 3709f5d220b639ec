"""Each shipped protocol: a candidate who passes, and one who fails and one who lacks the data
for every criterion (issue #4, "Done when"). Thresholds are those the protocol files cite
(docs/spec/pathway.md §3); every failing value below lies beyond its cited limit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lupus_sct.domain.eligibility.evaluation import Overall, evaluate_protocol
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor as D
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.records.assessment import RaJointAssessment
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Disease
from lupus_sct.domain.records.medications import DrugClass
from lupus_sct.domain.records.people import Sex
from lupus_sct.interop.protocol_files import load_protocols
from protocol_patients import (
    AS_OF,
    Candidate,
    W,
    drop_findings,
    drop_labs,
    ra_candidate,
    record,
    set_fields,
    set_finding,
    set_lab,
)

PROTOCOLS = load_protocols()
Change = Callable[[Candidate], None]
IS = DrugClass.IMMUNOSUPPRESSANT

WRONG_DISEASE = set_fields(disease=Disease.RA, criteria=(ClassificationCriteria.ACR_EULAR_2010_RA,))
NO_DIAGNOSIS = set_fields(has_diagnosis=False)
TOO_OLD = set_fields(age_years=70)  # every protocol caps age at 64 or 65
QUIET_BILAG = set_fields(bilag={BilagDomain.MUCOCUTANEOUS: BilagGrade.C})
NO_BILAG = set_fields(bilag=Missing.NOT_EVALUATED)
LOW_SLEDAI = set_fields(descriptors=[D.RASH])  # 2 points (Gladman 2002)
NO_SLEDAI = set_fields(descriptors=Missing.NOT_EVALUATED)
NO_MEDICATIONS = set_fields(drugs={})
SHORT_IMMUNOSUPPRESSION = set_fields(
    drugs={
        "cyclophosphamide": ("3002", IS, 1, 2),  # 1 month < 3
        "mycophenolate mofetil": ("68149", IS, 2, 0),  # 2 months < 6
        "hydroxychloroquine": ("5521", DrugClass.ANTIMALARIAL, 24, 0),
    }
)
POOR_KIDNEY = set_lab("2160-0", 4.0, "mg/dL", 1.1)  # CKD-EPI 2021, woman of 40: eGFR ~13
NO_KIDNEY_LAB = drop_labs("2160-0", "98979-8")
LOW_LVEF = set_finding(W.LVEF_PCT, 30)  # below 35 (Northwestern) and 55 (CAR-T)
POOR_LUNG = set_finding(W.DLCO_PCT_PREDICTED, 40)  # below 50% predicted
LOW_SPO2 = set_finding(W.SPO2_PCT_ROOM_AIR, 90)  # below 92%


def _poor_performance(c: Candidate) -> None:
    c.findings[W.ECOG] = (3, 5)
    c.findings[W.KPS] = (50, 5)


def _low_das28(c: Candidate) -> None:
    # DAS28-ESR 0.56*sqrt(2) + 0.28*sqrt(1) + 0.70*ln(10) + 0.014*20 = 3.00, not > 5.1
    c.ra = RaJointAssessment(tjc28=2, sjc28=1, patient_global_mm=20.0)
    c.labs["4537-7"] = (10.0, "mm/h", 20.0, 3)


def present(item: W) -> Change:
    return set_finding(item, True)


CASES: dict[str, dict[str, tuple[Change, Change]]] = {
    "auto-hsct-sle": {
        "diagnosis": (WRONG_DISEASE, NO_DIAGNOSIS),
        "age": (TOO_OLD, None),  # a birth date is always recorded
        "severe-activity": (QUIET_BILAG, NO_BILAG),
        "refractory": (SHORT_IMMUNOSUPPRESSION, NO_MEDICATIONS),
        "cardiac": (LOW_LVEF, drop_findings(W.LVEF_PCT)),
        "pulmonary": (POOR_LUNG, drop_findings(W.DLCO_PCT_PREDICTED)),
        "oxygen": (LOW_SPO2, drop_findings(W.SPO2_PCT_ROOM_AIR)),
        "performance": (_poor_performance, drop_findings(W.ECOG, W.KPS)),
        "kidney": (POOR_KIDNEY, NO_KIDNEY_LAB),
        "liver": (set_lab("1975-2", 40.0, "umol/L", 21.0), drop_labs("1975-2")),  # >= 34 umol/L
        "hiv": (present(W.HIV_POSITIVE), drop_findings(W.HIV_POSITIVE)),
        "hepatitis-b": (present(W.HBV_POSITIVE), drop_findings(W.HBV_POSITIVE)),
        "hepatitis-c": (present(W.HCV_POSITIVE), drop_findings(W.HCV_POSITIVE)),
        "active-infection": (present(W.ACTIVE_INFECTION), drop_findings(W.ACTIVE_INFECTION)),
        "pregnancy": (present(W.PREGNANT), drop_findings(W.PREGNANT)),
        "malignancy": (present(W.ACTIVE_MALIGNANCY), drop_findings(W.ACTIVE_MALIGNANCY)),
        "pulmonary-hypertension": (set_finding(W.PASP_MMHG, 45), drop_findings(W.PASP_MMHG)),
        "myocarditis-or-unstable-angina": (
            present(W.LUPUS_MYOCARDITIS),
            drop_findings(W.LUPUS_MYOCARDITIS),
        ),
    },
    "allo-hsct-sle": {
        "diagnosis": (WRONG_DISEASE, NO_DIAGNOSIS),
        "age": (TOO_OLD, None),
        "very-active-disease": (set_fields(descriptors=[D.ARTHRITIS, D.PROTEINURIA]), NO_SLEDAI),
        "refractory": (SHORT_IMMUNOSUPPRESSION, NO_MEDICATIONS),
        "cardiac": (set_finding(W.LVEF_PCT, 35), drop_findings(W.LVEF_PCT)),  # EF > 35 strict
        "kidney": (
            set_finding(W.CREATININE_CLEARANCE_ML_MIN, 24),
            drop_findings(W.CREATININE_CLEARANCE_ML_MIN),
        ),
        "performance": (_poor_performance, drop_findings(W.ECOG, W.KPS)),
        "hiv": (present(W.HIV_POSITIVE), drop_findings(W.HIV_POSITIVE)),
        "hepatitis-b": (present(W.HBV_POSITIVE), drop_findings(W.HBV_POSITIVE)),
        "hepatitis-c": (present(W.HCV_POSITIVE), drop_findings(W.HCV_POSITIVE)),
        "active-infection": (present(W.ACTIVE_INFECTION), drop_findings(W.ACTIVE_INFECTION)),
        "pregnancy": (present(W.PREGNANT), drop_findings(W.PREGNANT)),
        "malignancy": (present(W.ACTIVE_MALIGNANCY), drop_findings(W.ACTIVE_MALIGNANCY)),
    },
    "uc-msc-sle": {
        "diagnosis": (WRONG_DISEASE, NO_DIAGNOSIS),
        "age": (TOO_OLD, None),
        "activity": (LOW_SLEDAI, NO_SLEDAI),
        "renal-pretreatment": (SHORT_IMMUNOSUPPRESSION, NO_MEDICATIONS),
        "kidney-failure": (POOR_KIDNEY, NO_KIDNEY_LAB),
        "liver": (set_lab("1742-6", 200.0, "U/L", 40.0), drop_labs("1742-6")),  # 5 x ULN > 4
        "cytopenia": (set_lab("6690-2", 1.5, "10*9/L", 11.0), drop_labs("6690-2")),  # WBC < 2.0
        "cns-lupus": (present(W.ACTIVE_CNS_LUPUS), drop_findings(W.ACTIVE_CNS_LUPUS)),
        "recent-b-cell-therapy": (
            lambda c: c.drugs.update({"rituximab": ("121191", DrugClass.BIOLOGIC, 1, 2)}),
            NO_MEDICATIONS,
        ),
        "hiv": (present(W.HIV_POSITIVE), drop_findings(W.HIV_POSITIVE)),
        "hepatitis": (present(W.HBV_POSITIVE), drop_findings(W.HBV_POSITIVE)),
        "tuberculosis": (present(W.TB_POSITIVE), drop_findings(W.TB_POSITIVE)),
        "pregnancy": (present(W.PREGNANT), drop_findings(W.PREGNANT)),
        "malignancy": (present(W.ACTIVE_MALIGNANCY), drop_findings(W.ACTIVE_MALIGNANCY)),
    },
    "cd19-car-t-sle": {
        "diagnosis": (WRONG_DISEASE, NO_DIAGNOSIS),
        "age": (TOO_OLD, None),
        "activity": (LOW_SLEDAI, NO_SLEDAI),
        "refractory": (
            set_fields(
                drugs={
                    "mycophenolate mofetil": ("68149", IS, 12, 0),
                    "hydroxychloroquine": ("5521", DrugClass.ANTIMALARIAL, 24, 0),
                }
            ),
            NO_MEDICATIONS,
        ),
        "cardiac": (set_finding(W.LVEF_PCT, 50), drop_findings(W.LVEF_PCT)),  # < 55%
        "oxygen": (LOW_SPO2, drop_findings(W.SPO2_PCT_ROOM_AIR)),
        "kidney": (POOR_KIDNEY, NO_KIDNEY_LAB),
        "liver": (set_lab("1742-6", 130.0, "U/L", 40.0), drop_labs("1742-6")),  # 3.25 x ULN > 3
        "t-cells": (set_finding(W.CD3_PER_UL, 50), drop_findings(W.CD3_PER_UL)),
        "performance": (_poor_performance, drop_findings(W.ECOG, W.KPS)),
        "cns-lupus": (present(W.ACTIVE_CNS_LUPUS), drop_findings(W.ACTIVE_CNS_LUPUS)),
        "hiv": (present(W.HIV_POSITIVE), drop_findings(W.HIV_POSITIVE)),
        "hepatitis": (present(W.HCV_POSITIVE), drop_findings(W.HCV_POSITIVE)),
        "active-infection": (present(W.ACTIVE_INFECTION), drop_findings(W.ACTIVE_INFECTION)),
        "pregnancy": (present(W.PREGNANT), drop_findings(W.PREGNANT)),
        "malignancy": (present(W.ACTIVE_MALIGNANCY), drop_findings(W.ACTIVE_MALIGNANCY)),
    },
    "auto-hsct-ra": {
        "diagnosis": (
            set_fields(disease=Disease.SLE, criteria=(ClassificationCriteria.EULAR_ACR_2019,)),
            NO_DIAGNOSIS,
        ),
        "age": (TOO_OLD, None),
        # DAS28-ESR 0.56*sqrt(2) + 0.28*sqrt(1) + 0.70*ln(10) + 0.014*20 = 3.00, not > 5.1
        "high-activity": (_low_das28, drop_labs("4537-7")),
        "refractory": (
            set_fields(
                drugs={
                    "methotrexate": ("6851", IS, 24, 0),
                    "etanercept": ("999002", DrugClass.BIOLOGIC, 6, 0),
                }
            ),
            NO_MEDICATIONS,
        ),
        "cardiac": (LOW_LVEF, drop_findings(W.LVEF_PCT)),
        "pulmonary": (POOR_LUNG, drop_findings(W.DLCO_PCT_PREDICTED)),
        "performance": (_poor_performance, drop_findings(W.ECOG, W.KPS)),
        "kidney": (set_lab("2160-0", 4.0, "mg/dL", 1.2), NO_KIDNEY_LAB),
        "hiv": (present(W.HIV_POSITIVE), drop_findings(W.HIV_POSITIVE)),
        "hepatitis": (present(W.HBV_POSITIVE), drop_findings(W.HBV_POSITIVE)),
        "active-infection": (present(W.ACTIVE_INFECTION), drop_findings(W.ACTIVE_INFECTION)),
        "pregnancy": (
            lambda c: (setattr(c, "sex", Sex.FEMALE), c.findings.update({W.PREGNANT: (True, 5)})),
            lambda c: (
                setattr(c, "sex", Sex.FEMALE),
                c.findings.pop(W.PREGNANT),
            ),  # a woman untested
        ),
        "malignancy": (present(W.ACTIVE_MALIGNANCY), drop_findings(W.ACTIVE_MALIGNANCY)),
        "pulmonary-hypertension": (set_finding(W.PASP_MMHG, 45), drop_findings(W.PASP_MMHG)),
    },
}


def _baseline(protocol_id: str) -> Candidate:
    return ra_candidate() if protocol_id == "auto-hsct-ra" else Candidate()


def test_every_criterion_of_every_shipped_protocol_has_its_cases() -> None:
    assert set(CASES) == set(PROTOCOLS)
    for protocol_id, protocol in PROTOCOLS.items():
        assert set(CASES[protocol_id]) == {c.id for c in protocol.criteria}, protocol_id


@pytest.mark.parametrize("protocol_id", sorted(PROTOCOLS))
def test_the_model_candidate_is_eligible(protocol_id: str) -> None:
    report = evaluate_protocol(PROTOCOLS[protocol_id], record(_baseline(protocol_id)))
    assert [(r.criterion.id, r.reason) for r in report.results if r.passes is not True] == []
    assert report.overall is Overall.ELIGIBLE


FAILING = [(p, c) for p in sorted(CASES) for c in CASES[p]]
MISSING = [(p, c) for p, c in FAILING if CASES[p][c][1] is not None]


@pytest.mark.parametrize(("protocol_id", "criterion_id"), FAILING)
def test_failing_one_criterion_makes_the_candidate_not_eligible(
    protocol_id: str, criterion_id: str
) -> None:
    candidate = _baseline(protocol_id).changed(CASES[protocol_id][criterion_id][0])
    report = evaluate_protocol(PROTOCOLS[protocol_id], record(candidate))
    assert report.overall is Overall.NOT_ELIGIBLE
    assert [r.criterion.id for r in report.failing] == [criterion_id]


@pytest.mark.parametrize(("protocol_id", "criterion_id"), MISSING)
def test_missing_data_for_one_criterion_is_never_eligible(
    protocol_id: str, criterion_id: str
) -> None:
    candidate = _baseline(protocol_id).changed(CASES[protocol_id][criterion_id][1])
    report = evaluate_protocol(PROTOCOLS[protocol_id], record(candidate))
    assert report.overall is not Overall.ELIGIBLE
    result = next(r for r in report.results if r.criterion.id == criterion_id)
    assert result.passes is None
    assert "no " in result.reason or "not recorded" in result.reason


def test_stale_data_names_its_age() -> None:
    candidate = Candidate().changed(set_finding(W.LVEF_PCT, 60, age_days=140))
    report = evaluate_protocol(PROTOCOLS["auto-hsct-sle"], record(candidate))
    cardiac = next(r for r in report.results if r.criterion.id == "cardiac")
    assert cardiac.passes is None
    assert cardiac.reason == (
        "left ventricular ejection fraction from 2026-01-12 is 140 days old; at most 90 allowed"
    )
    assert report.overall is Overall.UNDETERMINED


def test_a_man_needs_no_pregnancy_test() -> None:
    candidate = Candidate().changed(set_fields(sex=Sex.MALE)).changed(drop_findings(W.PREGNANT))
    report = evaluate_protocol(PROTOCOLS["auto-hsct-sle"], record(candidate))
    assert report.overall is Overall.ELIGIBLE


def test_gilbert_syndrome_allows_bilirubin_up_to_43_umol_per_litre() -> None:
    # Greco 2024: bilirubin < 34 umol/L, or < 43 umol/L with Gilbert syndrome.
    high = Candidate().changed(set_lab("1975-2", 40.0, "umol/L", 21.0))
    assert (
        evaluate_protocol(PROTOCOLS["auto-hsct-sle"], record(high)).overall is Overall.NOT_ELIGIBLE
    )
    gilbert = high.changed(set_finding(W.GILBERT_SYNDROME, True))
    assert (
        evaluate_protocol(PROTOCOLS["auto-hsct-sle"], record(gilbert)).overall is Overall.ELIGIBLE
    )


@pytest.mark.parametrize(("value", "eligible"), [(34.0, False), (33.9, True)])
def test_the_bilirubin_limit_is_strict(value: float, eligible: bool) -> None:
    candidate = Candidate().changed(set_lab("1975-2", value, "umol/L", 21.0))
    overall = evaluate_protocol(PROTOCOLS["auto-hsct-sle"], record(candidate)).overall
    assert (overall is Overall.ELIGIBLE) is eligible


@pytest.mark.parametrize(("lvef", "eligible"), [(34, False), (35, True), (36, True)])
def test_lvef_35_percent_is_enough_for_autologous_hsct(lvef: int, eligible: bool) -> None:
    candidate = Candidate().changed(set_finding(W.LVEF_PCT, lvef))
    overall = evaluate_protocol(PROTOCOLS["auto-hsct-sle"], record(candidate)).overall
    assert (overall is Overall.ELIGIBLE) is eligible


def test_the_evaluation_date_is_in_the_report() -> None:
    report = evaluate_protocol(PROTOCOLS["uc-msc-sle"], record(Candidate()))
    assert report.as_of == AS_OF
    assert report.protocol_version == "1.0"
