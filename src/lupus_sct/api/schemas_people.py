"""Request and response bodies for centres, users, patients, identities and pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from lupus_sct.domain.records.people import Role, Sex

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """One page of a list: ``items`` from ``offset``; ``total`` items match."""

    items: list[T]
    total: int
    offset: int
    limit: int


class CentreIn(BaseModel):
    """A treating programme to register."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=2, max_length=32, examples=["NWU"])
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2, examples=["GB"])


class CentreOut(BaseModel):
    """A treating programme."""

    id: str
    code: str
    name: str
    country: str
    version: int


class UserIn(BaseModel):
    """An account to create, with its initial password (12 characters or more)."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=64)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    centre_ids: list[str] = Field(default_factory=list, max_length=50)
    password: str = Field(min_length=12, max_length=200)


class UserOut(BaseModel):
    """An account (never its password hash)."""

    id: str
    username: str
    display_name: str
    role: Role
    centre_ids: list[str]
    active: bool


class IdentityIn(BaseModel):
    """Direct identifiers (stored apart from clinical data)."""

    model_config = ConfigDict(extra="forbid")
    family_name: str = Field(min_length=1, max_length=200)
    given_name: str = Field(min_length=1, max_length=200)
    hospital_number: str = Field(min_length=1, max_length=64)


class IdentityCorrection(IdentityIn):
    """Corrected identifiers and the reason; the version read goes in If-Match."""

    reason: str = Field(min_length=1, max_length=500)


class IdentityOut(BaseModel):
    """A patient's direct identifiers."""

    patient_id: str
    family_name: str
    given_name: str
    hospital_number: str
    version: int


class PatientIn(BaseModel):
    """A patient to enrol (pseudonym generated unless given)."""

    model_config = ConfigDict(extra="forbid")
    centre_id: str = Field(min_length=1, max_length=64)
    sex: Sex
    birth_date: date
    pseudonym: str | None = Field(default=None, min_length=2, max_length=32)
    identity: IdentityIn | None = None


class PatientCorrection(BaseModel):
    """Corrected demographics and the reason; the version read goes in If-Match."""

    model_config = ConfigDict(extra="forbid")
    sex: Sex
    birth_date: date
    reason: str = Field(min_length=1, max_length=500)


class PatientOut(BaseModel):
    """A patient under their pseudonym."""

    id: str
    pseudonym: str
    sex: Sex
    birth_date: date
    centre_id: str
    version: int


class TokenIn(BaseModel):
    """An API token to issue for the signed-in user."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1, max_length=6, examples=[["read"]])
    expires_at: AwareDatetime | None = None  # with its UTC offset: a naive time is ambiguous


class TokenOut(BaseModel):
    """A new token: ``token`` is shown this once and never stored."""

    id: str
    name: str
    scopes: list[str]
    token: str
    expires_at: datetime | None


class TotpStart(BaseModel):
    """A new TOTP secret to enter in an authenticator app, then confirm with a code."""

    secret_base32: str
    otpauth_uri: str


class TotpCode(BaseModel):
    """A code from the authenticator app."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$")


class MeOut(BaseModel):
    """Who is signed in and what they may do."""

    username: str
    display_name: str
    role: Role
    centre_ids: list[str]
    scopes: list[str]
