"""Age limits as ClinicalTrials.gov writes them: every unit, singular or plural; missing means
unbounded; limits are inclusive in completed units.

Source of the accepted forms: ClinicalTrials.gov protocol data element definitions, "Eligibility
Criteria > Minimum Age / Maximum Age": a number and a unit of Years, Months, Weeks, Days, Hours or
Minutes, or no limit (https://clinicaltrials.gov/policy/protocol-definitions); the classic API
wrote "N/A" for no limit.
"""

from __future__ import annotations

from datetime import date

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.trials.clinical_trials import (
    AgeLimit,
    AgeUnit,
    age_in_units,
    describe_age_range,
    parse_age_limit,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18 Years", AgeLimit(18, AgeUnit.YEARS)),
        ("1 Year", AgeLimit(1, AgeUnit.YEARS)),
        ("6 Months", AgeLimit(6, AgeUnit.MONTHS)),
        ("1 Month", AgeLimit(1, AgeUnit.MONTHS)),
        ("2 Weeks", AgeLimit(2, AgeUnit.WEEKS)),
        ("1 Week", AgeLimit(1, AgeUnit.WEEKS)),
        ("10 Days", AgeLimit(10, AgeUnit.DAYS)),
        ("1 Day", AgeLimit(1, AgeUnit.DAYS)),
        ("1 Hour", AgeLimit(1, AgeUnit.HOURS)),
        ("12 Hours", AgeLimit(12, AgeUnit.HOURS)),
        ("30 Minutes", AgeLimit(30, AgeUnit.MINUTES)),
        ("1 Minute", AgeLimit(1, AgeUnit.MINUTES)),
        ("65 years", AgeLimit(65, AgeUnit.YEARS)),
        ("  17  YEARS ", AgeLimit(17, AgeUnit.YEARS)),
        ("2.5 Years", AgeLimit(2.5, AgeUnit.YEARS)),
    ],
)
def test_every_unit_the_registry_uses_is_parsed(text: str, expected: AgeLimit) -> None:
    assert parse_age_limit(text, "minimumAge") == expected


@pytest.mark.parametrize("text", [None, "", "   ", "N/A", "n/a"])
def test_a_missing_age_limit_is_unbounded(text: str | None) -> None:
    assert parse_age_limit(text, "maximumAge") is None


@pytest.mark.parametrize("text", ["18", "eighteen Years", "18 yrs", "-1 Years", "18 Years old"])
def test_other_text_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidValueError, match=r"^maximumAge: .* Years, Months, Weeks, Days"):
        parse_age_limit(text, "maximumAge")


BIRTH = date(2000, 6, 15)


@pytest.mark.parametrize(
    ("on", "years"),
    [(date(2018, 6, 14), 17), (date(2018, 6, 15), 18), (date(2018, 6, 16), 18)],
)
def test_years_are_completed_on_the_birthday(on: date, years: int) -> None:
    # below, at and above the 18th birthday
    assert age_in_units(BIRTH, on, AgeUnit.YEARS) == years


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (date(2026, 1, 31), date(2026, 7, 30), 5),  # day before the 6-month day
        (date(2026, 1, 31), date(2026, 7, 31), 6),  # at it
        (date(2026, 1, 15), date(2026, 7, 16), 6),  # after it
    ],
)
def test_months_are_completed_by_the_calendar(birth: date, on: date, months: int) -> None:
    assert age_in_units(birth, on, AgeUnit.MONTHS) == months


def test_weeks_days_hours_and_minutes_count_from_the_birth_date() -> None:
    birth, on = date(2026, 5, 1), date(2026, 5, 15)  # 14 days
    assert age_in_units(birth, on, AgeUnit.WEEKS) == 2
    assert age_in_units(birth, on, AgeUnit.DAYS) == 14
    assert age_in_units(birth, on, AgeUnit.HOURS) == 14 * 24
    assert age_in_units(birth, on, AgeUnit.MINUTES) == 14 * 24 * 60


def test_age_ranges_read_as_the_registry_writes_them() -> None:
    low, high = AgeLimit(18, AgeUnit.YEARS), AgeLimit(65, AgeUnit.YEARS)
    assert describe_age_range(low, high) == "18 Years to 65 Years"
    assert describe_age_range(low, None) == "18 Years and older"
    assert describe_age_range(None, high) == "up to 65 Years"
    assert describe_age_range(None, None) == "any age"
