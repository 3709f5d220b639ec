"""Request and response bodies for the account's security settings (tokens, TOTP, password).

Password fields carry no length or pattern constraint here on purpose: a refusal by the request
validator would echo the typed value; the services refuse them with their length only.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from lupus_sct.api.schemas_people import TokenIn


class PasswordConfirmation(BaseModel):
    """The account's current password, typed again to confirm a security change."""

    model_config = ConfigDict(extra="forbid")
    password: str


class TokenIssue(TokenIn):
    """An API token to issue, confirmed with the password."""

    password: str


class TotpConfirmation(PasswordConfirmation):
    """A code from the authenticator app, confirmed with the password."""

    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9]+$")


class PasswordChange(BaseModel):
    """A new password for the signed-in user; the current one confirms it."""

    model_config = ConfigDict(extra="forbid")
    current_password: str
    new_password: str


class PasswordReset(PasswordConfirmation):
    """An administrator's reset: their own password, and the new one (generated if omitted)."""

    new_password: str | None = None


class PasswordResetOut(BaseModel):
    """The new password, shown this once (generated or as given)."""

    username: str
    new_password: str


class TokenListed(BaseModel):
    """An API token as listed: never its secret (the store does not have it)."""

    id: str
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    usable: bool


class AccessEnded(BaseModel):
    """How many sessions and tokens were ended."""

    ended: int
