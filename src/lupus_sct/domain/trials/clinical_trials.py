"""Clinical trials as registered on ClinicalTrials.gov: status, structured eligibility, sites and
the free-text criteria split into numbered items, each with an optional computable rule.

References
----------
ClinicalTrials.gov data element definitions (protocol registration, "Eligibility" and "Recruitment
Status"), https://clinicaltrials.gov/policy/protocol-definitions; API v2 study structure,
https://clinicaltrials.gov/data-api/about-api/study-data-structure (``eligibilityModule``:
``sex`` ALL/FEMALE/MALE, ``minimumAge``/``maximumAge`` as "<number> <unit>").

Notes
-----
- Age limits are inclusive and counted in completed units: "18 Years" admits a patient from their
  18th birthday; a maximum of "65 Years" admits them until the day before their 66th birthday
  (ClinicalTrials.gov: "the numerical value ... for the minimum/maximum age a potential
  participant can be"). A missing limit, or the retired classic API's "N/A", is unbounded.
- Hours and minutes are counted from the birth date at midnight: the platform records no time of
  birth, and no adult programme has a limit below one day.
- An eligibility item keeps its source text next to its rule. The rule is kept as the mapping the
  coordinator wrote (the protocol rule language), so it round-trips through the store and the
  audit trail unchanged; it is parsed when trials are matched.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from datetime import date
from typing import Any

from lupus_sct.domain.eligibility.protocol import DEFAULT_MAX_AGE_DAYS, CriterionKind
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.people import age_in_years

NCT_ID_PATTERN = re.compile(r"^NCT\d{8}$")  # ClinicalTrials.gov identifier: NCT + 8 digits
HOURS_PER_DAY = 24
MINUTES_PER_DAY = 24 * 60


class RecruitmentStatus(enum.Enum):
    """``overallStatus`` and location ``status`` values of the API v2 (enum ``Status``)."""

    RECRUITING = "RECRUITING"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    COMPLETED = "COMPLETED"
    WITHDRAWN = "WITHDRAWN"
    UNKNOWN = "UNKNOWN"
    AVAILABLE = "AVAILABLE"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING"
    WITHHELD = "WITHHELD"

    @property
    def rank(self) -> int:
        """Order for ranking: open to new patients first, closed last."""
        return _STATUS_RANK.get(self, len(_STATUS_RANK))

    @property
    def is_open(self) -> bool:
        """Whether the trial (or site) takes or will take new participants."""
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset(
    {
        RecruitmentStatus.RECRUITING,
        RecruitmentStatus.NOT_YET_RECRUITING,
        RecruitmentStatus.ENROLLING_BY_INVITATION,
    }
)
_STATUS_RANK = {
    RecruitmentStatus.RECRUITING: 0,
    RecruitmentStatus.NOT_YET_RECRUITING: 1,
    RecruitmentStatus.ENROLLING_BY_INVITATION: 2,
    RecruitmentStatus.ACTIVE_NOT_RECRUITING: 3,
    RecruitmentStatus.SUSPENDED: 4,
    RecruitmentStatus.UNKNOWN: 5,
}


class TrialSex(enum.Enum):
    """``eligibilityModule.sex``: the sexes a trial enrols."""

    ALL = "ALL"
    FEMALE = "FEMALE"
    MALE = "MALE"


class AgeUnit(enum.Enum):
    """Units ClinicalTrials.gov accepts for age limits."""

    YEARS = "Years"
    MONTHS = "Months"
    WEEKS = "Weeks"
    DAYS = "Days"
    HOURS = "Hours"
    MINUTES = "Minutes"


_AGE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$")
_UNITS = {
    **{unit.value.lower(): unit for unit in AgeUnit},
    **{unit.value.lower().removesuffix("s"): unit for unit in AgeUnit},
}
UNBOUNDED_AGE_TEXTS = frozenset({"", "n/a", "na", "none"})  # classic API wrote "N/A"


@dataclasses.dataclass(frozen=True, slots=True)
class AgeLimit:
    """An inclusive age limit in completed units, e.g. 18 years."""

    value: float
    unit: AgeUnit

    def describe(self) -> str:
        """The limit as the registry writes it ("18 Years")."""
        return f"{self.value:g} {self.unit.value}"


def parse_age_limit(text: str | None, field: str) -> AgeLimit | None:
    """Parse a ``minimumAge``/``maximumAge`` value; ``None`` or "N/A" means unbounded.

    Accepts every unit the registry uses, singular or plural, in any case: "18 Years",
    "1 Year", "6 Months", "2 Weeks", "10 Days", "1 Hour", "30 Minutes".

    Raises
    ------
    InvalidValueError
        For any other text, naming ``field``.
    """
    if text is None or text.strip().lower() in UNBOUNDED_AGE_TEXTS:
        return None
    match = _AGE_PATTERN.match(text)
    unit = _UNITS.get(match.group(2).lower()) if match else None
    if match is None or unit is None:
        accepted = "'<number> <unit>' with unit Years, Months, Weeks, Days, Hours or Minutes"
        raise InvalidValueError(field, text, accepted)
    return AgeLimit(float(match.group(1)), unit)


def _completed_months(birth_date: date, on: date) -> int:
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    return months - int(on.day < birth_date.day)


_DAY_MULTIPLE = {AgeUnit.WEEKS: 1, AgeUnit.DAYS: 1, AgeUnit.HOURS: HOURS_PER_DAY}
_DAY_MULTIPLE[AgeUnit.MINUTES] = MINUTES_PER_DAY
_DAY_DIVISOR = {AgeUnit.WEEKS: 7}


def age_in_units(birth_date: date, on: date, unit: AgeUnit) -> int:
    """Completed units of age on ``on`` (years and months by the calendar)."""
    if unit is AgeUnit.YEARS:
        return age_in_years(birth_date, on=on)
    if unit is AgeUnit.MONTHS:
        return _completed_months(birth_date, on)
    days = (on - birth_date).days
    return days * _DAY_MULTIPLE[unit] // _DAY_DIVISOR.get(unit, 1)


def describe_age_range(minimum: AgeLimit | None, maximum: AgeLimit | None) -> str:
    """The age range in words ("18 Years to 65 Years", "any age")."""
    if minimum and maximum:
        return f"{minimum.describe()} to {maximum.describe()}"
    if minimum:
        return f"{minimum.describe()} and older"
    if maximum:
        return f"up to {maximum.describe()}"
    return "any age"


@dataclasses.dataclass(frozen=True, slots=True)
class GeoPoint:
    """WGS 84 latitude and longitude in decimal degrees."""

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not -90 <= self.latitude <= 90:
            raise InvalidValueError("latitude", self.latitude, "a value in -90 to 90 degrees")
        if not -180 <= self.longitude <= 180:
            raise InvalidValueError("longitude", self.longitude, "a value in -180 to 180 degrees")


@dataclasses.dataclass(frozen=True, slots=True)
class TrialLocation:
    """A trial site (``contactsLocationsModule.locations[]``); status may be absent."""

    facility: str
    city: str
    country: str
    status: RecruitmentStatus | None = None
    geo_point: GeoPoint | None = None
    state: str = ""
    zip: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class TrialIntervention:
    """An intervention (``armsInterventionsModule.interventions[]``): type and name."""

    type: str
    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class EligibilityItem:
    """One numbered criterion of the free text, with the computable rule attached to it, if any.

    ``number`` counts all items in text order (1, 2, ...); ``ordinal`` counts within the kind, so
    the label of the second exclusion criterion is "E2". ``rule_source`` is the rule as written
    in the protocol rule language (a one-key mapping), ``None`` while the item needs review.
    """

    number: int
    kind: CriterionKind
    ordinal: int
    text: str
    rule_source: dict[str, Any] | None = None
    attached_by: str | None = None
    max_age_days: int = DEFAULT_MAX_AGE_DAYS

    @property
    def label(self) -> str:
        """ "I3" for the third inclusion criterion, "E1" for the first exclusion criterion."""
        return f"{'I' if self.kind is CriterionKind.INCLUSION else 'E'}{self.ordinal}"

    @property
    def needs_review(self) -> bool:
        """Whether no computable rule is attached yet."""
        return self.rule_source is None


@dataclasses.dataclass(frozen=True, slots=True)
class Trial:
    """A registered trial as imported from ClinicalTrials.gov (or from a shipped fixture).

    ``is_fixture`` marks illustrative records that are not live registry data.
    """

    id: str
    brief_title: str
    official_title: str
    overall_status: RecruitmentStatus
    conditions: tuple[str, ...]
    keywords: tuple[str, ...]
    study_type: str
    phases: tuple[str, ...]
    interventions: tuple[TrialIntervention, ...]
    sex: TrialSex
    minimum_age: AgeLimit | None
    maximum_age: AgeLimit | None
    healthy_volunteers: bool | None
    eligibility_text: str
    items: tuple[EligibilityItem, ...]
    locations: tuple[TrialLocation, ...]
    source: str
    is_fixture: bool = False
    last_update: date | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if not NCT_ID_PATTERN.match(self.id):
            raise InvalidValueError("trial.nct_id", self.id, "NCT followed by 8 digits")

    def item(self, reference: str) -> EligibilityItem:
        """An item by number ("7") or label ("I3", "E2").

        Raises
        ------
        InvalidValueError
            When no item has that number or label.
        """
        wanted = reference.strip().upper()
        for item in self.items:
            if wanted in (str(item.number), item.label):
                return item
        labels = ", ".join(f"{i.number} ({i.label})" for i in self.items) or "none"
        raise InvalidValueError(f"{self.id} item", reference, f"one of {labels}")


def carry_rules(
    old: tuple[EligibilityItem, ...], new: tuple[EligibilityItem, ...]
) -> tuple[tuple[EligibilityItem, ...], tuple[EligibilityItem, ...]]:
    """Keep the rules of items whose kind and wording are unchanged in a re-imported record.

    Returns the new items (with carried rules) and the old items whose rule was dropped because
    their wording changed or they disappeared: a rule is never moved onto text it was not
    written for.
    """
    ruled = {(i.kind, i.text): i for i in old if i.rule_source is not None}
    carried = []
    for item in new:
        previous = ruled.pop((item.kind, item.text), None)
        if previous is not None:
            item = dataclasses.replace(
                item,
                rule_source=previous.rule_source,
                attached_by=previous.attached_by,
                max_age_days=previous.max_age_days,
            )
        carried.append(item)
    return tuple(carried), tuple(ruled.values())
