"""SLICC/ACR Damage Index reference values.

Sources: the SDI form (Gladman D, et al. Arthritis Rheum 1996;39:363-9), as tabulated in
docs/spec/instruments.md §2 (item weights, organ maxima, maximum 47, ESRD "or" rule,
"2 if >1" count items), decision D4 (6-month rule and exempt items) and convention C10 (exactly
6 months scores).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.slicc_acr_di import (
    COUNT_ITEMS,
    EXEMPT_ITEMS,
    SdiItem,
    SdiOrgan,
    SdiPersistenceItem,
    add_months,
    gfr_item_onset,
    score_sdi_as_of,
    score_sdi_persistence,
    score_sdi_total,
)

S = SdiItem

# Gladman 1996 form: organ maxima (docs/spec/instruments.md §2, first column).
PUBLISHED_ORGAN_MAXIMA = {
    "ocular": 2,
    "neuropsychiatric": 6,
    "renal": 3,
    "pulmonary": 5,
    "cardiovascular": 6,
    "peripheral_vascular": 5,
    "gastrointestinal": 6,
    "musculoskeletal": 7,
    "skin": 3,
    "premature_gonadal_failure": 1,
    "diabetes": 1,
    "malignancy": 2,
}
# Gladman 1996: "2 if >1" items (CVA, MI, significant tissue loss, GI resection, AVN, malignancy).
PUBLISHED_COUNT_ITEMS = {
    "np_cva",
    "cv_mi",
    "pv_significant_tissue_loss",
    "gi_infarction_or_resection",
    "msk_avascular_necrosis",
    "malignancy",
}
# Decision D4: "ever" items, ESRD and malignancy are exempt from the 6-month rule.
PUBLISHED_EXEMPT_ITEMS = PUBLISHED_COUNT_ITEMS - {"msk_avascular_necrosis"} | {
    "ocular_cataract",
    "gi_stricture_or_upper_gi_surgery",
    "renal_esrd",
}


@dataclasses.dataclass(frozen=True)
class Dated:
    item: SdiItem
    onset_date: date
    episodes: int = 1


def test_the_form_has_41_items_and_the_published_count_and_exempt_sets() -> None:
    # Gladman 1996: 41 items; docs/spec/instruments.md §2.
    assert len(SdiItem) == 41
    assert {i.value for i in COUNT_ITEMS} == PUBLISHED_COUNT_ITEMS
    assert {i.value for i in EXEMPT_ITEMS} == PUBLISHED_EXEMPT_ITEMS


def test_organ_maxima_are_the_published_ones() -> None:
    # Gladman 1996 form, organ maxima.
    assert {o.value[0]: o.maximum for o in SdiOrgan} == PUBLISHED_ORGAN_MAXIMA


@pytest.mark.parametrize(
    "item", [i for i in SdiItem if i not in COUNT_ITEMS and i is not S.RENAL_ESRD]
)
def test_every_single_item_scores_one_point(item: SdiItem) -> None:
    # Gladman 1996 form: every non-count item other than ESRD scores 1.
    assert score_sdi_total({item: 1}).score == 1


def test_esrd_scores_three() -> None:
    # Gladman 1996 form: end-stage renal disease (3).
    assert score_sdi_total({S.RENAL_ESRD: 1}).score == 3


def test_esrd_replaces_the_other_renal_items_so_the_renal_maximum_is_three() -> None:
    # docs/spec/instruments.md §2, pitfall 1: renal maximum is 3, not 5.
    counts = {S.RENAL_ESRD: 1, S.RENAL_GFR_LT_50PCT: 1, S.RENAL_PROTEINURIA_GE_3_5G_24H: 1}
    assert score_sdi_total(counts).score == 3


def test_gfr_and_proteinuria_without_esrd_score_two() -> None:
    # Gladman 1996 form: GFR <50% (1) + proteinuria >=3.5 g/24 h (1).
    counts = {S.RENAL_GFR_LT_50PCT: 1, S.RENAL_PROTEINURIA_GE_3_5G_24H: 1}
    assert score_sdi_total(counts).score == 2


@pytest.mark.parametrize(("count", "expected"), [(0, 0), (1, 1), (2, 2), (5, 2)])
def test_count_items_score_zero_one_or_two(count: int, expected: int) -> None:
    # docs/spec/instruments.md §2: "A count of 0 scores 0, 1 scores 1, and >=2 scores 2".
    for item in COUNT_ITEMS:
        assert score_sdi_total({item: count}).score == expected


def test_every_item_at_its_maximum_gives_the_published_maximum_of_47() -> None:
    # Gladman 1996: maximum 47 (ESRD present, every count item repeated).
    counts = {item: (2 if item in COUNT_ITEMS else 1) for item in SdiItem}
    assert score_sdi_total(counts).score == 47


def test_a_single_non_count_item_cannot_have_two_episodes() -> None:
    # Gladman 1996: "the same lesion cannot be scored twice".
    with pytest.raises(InvalidValueError):
        score_sdi_total({S.DIABETES: 2})


@pytest.mark.parametrize(("months", "expected"), [(5.99, 0), (6.0, 1), (6.01, 1)])
def test_a_non_exempt_item_scores_from_exactly_six_months(months: float, expected: int) -> None:
    # Decision D4 and convention C10: ">= 6 months"; exactly 6 months scores.
    items = [SdiPersistenceItem(S.PULM_FIBROSIS, months)]
    assert score_sdi_persistence(items).score == expected


@pytest.mark.parametrize(("months", "expected"), [(5.99, 0), (6.0, 1)])
def test_skin_ulceration_follows_the_same_six_month_rule(months: float, expected: int) -> None:
    # Convention C10: one persistence rule, although the glossary says "more than 6 months".
    items = [SdiPersistenceItem(S.SKIN_ULCERATION_6MO, months)]
    assert score_sdi_persistence(items).score == expected


@pytest.mark.parametrize("item", sorted(EXEMPT_ITEMS, key=lambda i: i.value))
def test_exempt_items_score_at_zero_months(item: SdiItem) -> None:
    # Decision D4: exempt items score as soon as they have occurred (ESRD 3, others 1).
    expected = 3 if item is S.RENAL_ESRD else 1
    assert score_sdi_persistence([SdiPersistenceItem(item, 0.0)]).score == expected


def test_a_repeated_stroke_scores_two_in_the_persistence_shape() -> None:
    # Gladman 1996: CVA ever (1; 2 if >1).
    items = [SdiPersistenceItem(S.NP_CVA, 0.0, episodes=2)]
    assert score_sdi_persistence(items).score == 2


def test_an_item_listed_twice_is_an_error() -> None:
    # docs/spec/instruments.md §12.3: "an item may appear only once".
    items = [SdiPersistenceItem(S.DIABETES, 7), SdiPersistenceItem(S.DIABETES, 8)]
    with pytest.raises(InvalidValueError):
        score_sdi_persistence(items)


def test_six_calendar_months_after_31_august_is_the_last_day_of_february() -> None:
    # Gregorian calendar: February 2025 has 28 days, February 2024 has 29.
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(date(2024, 7, 14), 0), (date(2024, 7, 15), 1), (date(2024, 7, 16), 1)],
)
def test_a_dated_item_scores_from_six_calendar_months_after_onset(
    as_of: date, expected: int
) -> None:
    # Decision D4, convention C10: onset 15 January, scored from 15 July.
    items = [Dated(S.MSK_DEFORMING_OR_EROSIVE_ARTHRITIS, date(2024, 1, 15))]
    assert score_sdi_as_of(items, as_of).score == expected


def test_a_dated_exempt_item_scores_from_its_onset_date_but_not_before() -> None:
    # Decision D4: malignancy is scored once established.
    items = [Dated(S.MALIGNANCY, date(2024, 1, 15))]
    assert score_sdi_as_of(items, date(2024, 1, 14)).score == 0
    assert score_sdi_as_of(items, date(2024, 1, 15)).score == 1


def test_damage_scored_once_stays_scored_at_later_dates() -> None:
    # Decision D4: "An item that has been scored stays scored at every later assessment".
    items = [
        Dated(S.OCULAR_CATARACT, date(2020, 3, 1)),
        Dated(S.DIABETES, date(2020, 3, 1)),
        Dated(S.CV_MI, date(2021, 5, 1), episodes=2),
    ]
    scores = [score_sdi_as_of(items, date(year, 6, 1)).score for year in (2020, 2021, 2030)]
    # 2020-06: cataract only (diabetes needs 6 months); 2021: + diabetes + MI x2; later: same.
    assert scores == [1, 4, 4]


def test_an_item_recorded_at_two_assessments_counts_once_at_its_highest_points() -> None:
    # Gladman 1996: the same lesion cannot be scored twice; a later second MI scores 2.
    items = [Dated(S.CV_MI, date(2020, 1, 1)), Dated(S.CV_MI, date(2022, 1, 1), episodes=2)]
    assert score_sdi_as_of(items, date(2021, 1, 1)).score == 1
    assert score_sdi_as_of(items, date(2022, 1, 1)).score == 2


@pytest.mark.parametrize(
    ("last_egfr", "last_date", "onset"),
    [
        (49.9, date(2024, 7, 14), None),  # run spans 5 months 30 days: one day short
        (49.9, date(2024, 7, 15), date(2024, 1, 15)),  # exactly 6 months: scored (convention C10)
        (50.0, date(2024, 7, 15), None),  # 50 is not below 50
    ],
)
def test_the_lab_derived_gfr_item_needs_egfr_below_50_for_six_months(
    last_egfr: float, last_date: date, onset: date | None
) -> None:
    # Decision D4: eGFR < 50 mL/min/1.73 m2 persisting for >= 6 months.
    series = [(date(2024, 1, 15), 42.0), (date(2024, 4, 1), 45.0), (last_date, last_egfr)]
    assert gfr_item_onset(series) == onset


def test_a_normal_egfr_in_between_restarts_the_six_months() -> None:
    # Decision D4: the low eGFR must persist; 55 on 1 April breaks the run.
    series = [(date(2024, 1, 15), 42.0), (date(2024, 4, 1), 55.0), (date(2024, 7, 20), 40.0)]
    assert gfr_item_onset(series) is None
    assert gfr_item_onset([*series, (date(2025, 1, 20), 41.0)]) == date(2024, 7, 20)
