"""ASTCT 2019 CRS and ICANS grades against the consensus tables (Lee DW et al. Biol Blood Marrow
Transplant 2019;25:625-38, table 3 for CRS, tables 5-6 for ICE and ICANS) and
docs/spec/instruments.md §9.1 and §9.2 (convention C7)."""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.astct_2019 import (
    CerebralEdema,
    Consciousness,
    CrsAssessment,
    Hypotension,
    IcansAssessment,
    OxygenSupport,
    Seizure,
    grade_crs,
    grade_icans,
    ice_domain_grade,
    ice_score,
)

HYP = Hypotension
OXY = OxygenSupport


@pytest.mark.parametrize(
    ("temp", "hypotension", "oxygen", "flow", "expected", "source"),
    [
        (
            37.9,
            HYP.NONE,
            OXY.NONE,
            None,
            0,
            "Lee 2019 table 3: fever >= 38.0 required; 37.9 is not",
        ),
        (
            38.0,
            HYP.NONE,
            OXY.NONE,
            None,
            1,
            "Lee 2019 table 3: grade 1, fever >= 38.0, no hypotension",
        ),
        (38.5, HYP.NO_VASOPRESSOR, OXY.NONE, None, 2, "Lee 2019 table 3 G2: no vasopressors"),
        (
            38.5,
            HYP.NONE,
            OXY.LOW_FLOW_NASAL_CANNULA,
            None,
            2,
            "Lee 2019 G2: low-flow nasal cannula",
        ),
        (38.5, HYP.NONE, OXY.BLOW_BY, None, 2, "Lee 2019 G2: blow-by"),
        (38.5, HYP.NONE, OXY.NASAL_CANNULA, 6.0, 2, "Lee 2019 G2: low-flow is <= 6 L/min"),
        (38.5, HYP.NONE, OXY.NASAL_CANNULA, 6.1, 3, "Lee 2019 G3: high-flow is > 6 L/min"),
        (38.5, HYP.ONE_VASOPRESSOR, OXY.NONE, None, 3, "Lee 2019 G3: one vasopressor"),
        (
            38.5,
            HYP.ONE_VASOPRESSOR_PLUS_VASOPRESSIN,
            OXY.NONE,
            None,
            3,
            "Lee 2019 G3: 'with or without vasopressin'",
        ),
        (38.5, HYP.NONE, OXY.FACEMASK, None, 3, "Lee 2019 G3: facemask"),
        (38.5, HYP.NONE, OXY.NON_REBREATHER, None, 3, "Lee 2019 G3: non-rebreather"),
        (38.5, HYP.NONE, OXY.VENTURI, None, 3, "Lee 2019 G3: Venturi mask"),
        (38.5, HYP.NONE, OXY.HIGH_FLOW_NASAL_CANNULA, None, 3, "Lee 2019 G3: high-flow cannula"),
        (38.5, HYP.MULTIPLE_VASOPRESSORS, OXY.NONE, None, 4, "Lee 2019 G4: multiple vasopressors"),
        (38.5, HYP.NONE, OXY.CPAP, None, 4, "Lee 2019 G4: positive pressure (CPAP)"),
        (38.5, HYP.NONE, OXY.BIPAP, None, 4, "Lee 2019 G4: positive pressure (BiPAP)"),
        (38.5, HYP.NONE, OXY.MECHANICAL_VENTILATION, None, 4, "Lee 2019 G4: intubation"),
        (38.5, HYP.ONE_VASOPRESSOR, OXY.CPAP, None, 4, "Lee 2019: the more severe event decides"),
        (
            37.0,
            HYP.ONE_VASOPRESSOR,
            OXY.NONE,
            None,
            0,
            "docs/spec/instruments.md §9.1 rule 2: no fever, no CRS",
        ),
    ],
)
def test_crs_grade_follows_the_astct_table(
    temp: float,
    hypotension: Hypotension,
    oxygen: OxygenSupport,
    flow: float | None,
    expected: int,
    source: str,
) -> None:
    assert grade_crs(CrsAssessment(temp, hypotension, oxygen, flow)).grade == expected, source


def test_after_antipyretics_hypotension_grades_crs_without_fever() -> None:
    # Lee 2019 table 3 footnote: fever may be masked by antipyretic or anticytokine therapy
    assessment = CrsAssessment(37.0, HYP.ONE_VASOPRESSOR, OXY.NONE, None, True)
    assert grade_crs(assessment).grade == 3


def test_afebrile_after_treatment_without_hypotension_or_hypoxia_is_grade_0() -> None:
    # convention C7
    assert grade_crs(CrsAssessment(37.0, HYP.NONE, OXY.NONE, None, True)).grade == 0


def test_death_due_to_crs_is_grade_5() -> None:
    # Lee 2019 table 3: grade 5 is death due to CRS with no other principal factor
    assert grade_crs(CrsAssessment(37.0, HYP.NONE, OXY.NONE, death_due_to_crs=True)).grade == 5


def test_a_nasal_cannula_without_a_flow_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="o2_flow_l_min"):
        grade_crs(CrsAssessment(38.5, HYP.NONE, OXY.NASAL_CANNULA))


def test_the_ice_score_adds_the_five_tasks() -> None:
    # Lee 2019 table 5: orientation 4, naming 3, commands 1, writing 1, attention 1 = 10
    full = ice_score(
        orientation_points=4,
        naming_points=3,
        follows_commands=True,
        writes_sentence=True,
        counts_back_by_tens=True,
    )
    assert full == 10
    partial = ice_score(
        orientation_points=2,
        naming_points=3,
        follows_commands=True,
        writes_sentence=False,
        counts_back_by_tens=False,
    )
    assert partial == 6


@pytest.mark.parametrize(
    ("score", "expected", "source"),
    [
        (10, 0, "Lee 2019 table 6: ICE 10 is no ICANS"),
        (9, 1, "Lee 2019 table 6 G1: ICE 7-9"),
        (7, 1, "Lee 2019 table 6 G1: ICE 7-9"),
        (6, 2, "Lee 2019 table 6 G2: ICE 3-6"),
        (3, 2, "Lee 2019 table 6 G2: ICE 3-6"),
        (2, 3, "Lee 2019 table 6 G3: ICE 0-2"),
        (0, 3, "Lee 2019 table 6 G3: ICE 0-2 (awake patient)"),
    ],
)
def test_ice_score_domain_follows_the_astct_bands(score: int, expected: int, source: str) -> None:
    assert ice_domain_grade(score) == expected, source
    assert grade_icans(IcansAssessment(score)).grade == expected, source


def test_ice_zero_in_an_unarousable_patient_is_grade_4() -> None:
    # Lee 2019 table 6 G4: "0 (patient is unarousable and unable to perform ICE)"
    assert grade_icans(IcansAssessment(None, unarousable=True)).grade == 4
    assert grade_icans(IcansAssessment(0, unarousable=True)).grade == 4


@pytest.mark.parametrize(
    ("assessment", "expected", "source"),
    [
        (IcansAssessment(10, Consciousness.AWAKENS_SPONTANEOUSLY), 1, "Lee 2019: awakens spont."),
        (IcansAssessment(10, Consciousness.AWAKENS_TO_VOICE), 2, "Lee 2019 G2: awakens to voice"),
        (IcansAssessment(10, Consciousness.AWAKENS_TO_TACTILE), 3, "Lee 2019 G3: tactile"),
        (
            IcansAssessment(10, Consciousness.UNAROUSABLE_OR_VIGOROUS_STIMULI_OR_COMA),
            4,
            "Lee 2019 G4: vigorous stimuli, stupor or coma",
        ),
        (IcansAssessment(10, seizure=Seizure.RAPIDLY_RESOLVING), 3, "Lee 2019 G3: seizure"),
        (
            IcansAssessment(10, seizure=Seizure.PROLONGED_OR_REPETITIVE),
            4,
            "Lee 2019 G4: prolonged seizure > 5 min",
        ),
        (IcansAssessment(10, deep_focal_motor_weakness=True), 4, "Lee 2019 G4: hemiparesis"),
        (IcansAssessment(10, cerebral_edema=CerebralEdema.FOCAL), 3, "Lee 2019 G3: focal oedema"),
        (
            IcansAssessment(10, cerebral_edema=CerebralEdema.DIFFUSE_OR_POSTURING),
            4,
            "Lee 2019 G4: diffuse cerebral oedema",
        ),
        (
            IcansAssessment(8, Consciousness.AWAKENS_TO_VOICE),
            2,
            "Lee 2019: the most severe domain decides",
        ),
    ],
)
def test_icans_grade_is_the_most_severe_domain(
    assessment: IcansAssessment, expected: int, source: str
) -> None:
    assert grade_icans(assessment).grade == expected, source


def test_children_under_12_are_refused_because_capd_is_not_implemented() -> None:
    # Lee 2019: children < 12 are assessed with the CAPD; docs/spec/instruments.md §9.2
    with pytest.raises(InvalidValueError, match="CAPD"):
        grade_icans(IcansAssessment(10, age_years=11))
    assert grade_icans(IcansAssessment(10, age_years=12)).grade == 0
