"""Centres, users and patients.

Notes
-----
A patient is known to analytics only by a pseudonymous id, sex, birth date and centre. Direct
identifiers (name, hospital number, contact details) live in :class:`PatientIdentity`, which the
store keeps in a separate table that analytics and research exports never read.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from datetime import date

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.sensitivity import IDENTIFIER, SECRET

MAX_PLAUSIBLE_AGE_YEARS = (
    120  # oldest verified human ~122 years; a birth date further back is a typo
)
_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")
_USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class Role(enum.Enum):
    """What a user may do; the web issue (#8) enforces it on every request."""

    ADMIN = "admin"
    CLINICIAN = "clinician"
    COORDINATOR = "coordinator"
    DATA_MANAGER = "data_manager"
    RESEARCHER = "researcher"
    AUDITOR = "auditor"


class Sex(enum.Enum):
    """Administrative sex as recorded (FHIR AdministrativeGender)."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclasses.dataclass(frozen=True, slots=True)
class Centre:
    """A treating programme (a transplant or cell-therapy unit)."""

    id: str
    code: str
    name: str
    country: str
    version: int = 0

    def __post_init__(self) -> None:
        if not _CODE_PATTERN.match(self.code):
            raise InvalidValueError(
                "centre.code", self.code, "2-32 letters, digits, '-' or '_', starting alphanumeric"
            )
        if not self.name.strip():
            raise InvalidValueError("centre.name", self.name, "a non-empty name")
        if not re.fullmatch(r"[A-Z]{2}", self.country):
            raise InvalidValueError("centre.country", self.country, "an ISO 3166-1 alpha-2 code")


@dataclasses.dataclass(frozen=True, slots=True)
class User:
    """A person who signs in; ``centre_ids`` scopes every query they make."""

    id: str
    username: str
    display_name: str
    role: Role
    centre_ids: tuple[str, ...]
    password_hash: str = dataclasses.field(metadata=SECRET)
    active: bool = True
    version: int = 0

    def __post_init__(self) -> None:
        if not _USERNAME_PATTERN.match(self.username):
            raise InvalidValueError(
                "user.username", self.username, "2-64 lower-case letters, digits, '.', '_' or '-'"
            )
        if self.role is not Role.ADMIN and self.role is not Role.AUDITOR and not self.centre_ids:
            raise InvalidValueError(
                "user.centre_ids", self.centre_ids, "at least one centre for this role"
            )


@dataclasses.dataclass(frozen=True, slots=True)
class Patient:
    """A patient under a pseudonymous id; no direct identifier is held here."""

    id: str
    pseudonym: str
    sex: Sex
    birth_date: date
    centre_id: str
    version: int = 0

    def __post_init__(self) -> None:
        if not _CODE_PATTERN.match(self.pseudonym):
            raise InvalidValueError(
                "patient.pseudonym", self.pseudonym, "2-32 letters, digits, '-' or '_'"
            )


@dataclasses.dataclass(frozen=True, slots=True)
class PatientIdentity:
    """Direct identifiers of a patient, kept apart from clinical data."""

    patient_id: str
    family_name: str = dataclasses.field(metadata=IDENTIFIER)
    given_name: str = dataclasses.field(metadata=IDENTIFIER)
    hospital_number: str = dataclasses.field(metadata=IDENTIFIER)
    version: int = 0

    @property
    def id(self) -> str:
        """The identity is keyed by its patient."""
        return self.patient_id


def check_birth_date(birth_date: date, *, as_of: date) -> None:
    """Refuse a birth date in the future or implausibly far in the past.

    Parameters
    ----------
    birth_date
        The date entered.
    as_of
        Today's date, supplied by the caller (the domain has no clock).

    Raises
    ------
    InvalidValueError
        When ``birth_date`` is after ``as_of`` or more than ``MAX_PLAUSIBLE_AGE_YEARS`` before it.
    """
    earliest = _years_before(as_of, MAX_PLAUSIBLE_AGE_YEARS)
    if birth_date > as_of:
        raise InvalidValueError(
            "patient.birth_date", birth_date.isoformat(), f"a date on or before {as_of.isoformat()}"
        )
    if birth_date < earliest:
        raise InvalidValueError(
            "patient.birth_date",
            birth_date.isoformat(),
            f"a date on or after {earliest.isoformat()} "
            f"(at most {MAX_PLAUSIBLE_AGE_YEARS} years ago)",
        )


def age_in_years(birth_date: date, *, on: date) -> int:
    """Completed years of age on a date (the birthday itself counts as completed)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
