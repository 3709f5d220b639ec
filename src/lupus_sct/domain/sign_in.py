"""Sign-in records: sessions, API tokens, login attempts, second factors and idempotency keys.

Notes
-----
No secret is stored in the clear. A session or API token is known to the store only by the
SHA-256 of the random value the client holds (the record's ``id``), so a copy of the database
cannot be replayed as a login. Lockout follows OWASP ASVS 4.0.3 section 2.2.1 (anti-automation:
a limit on failed attempts per account) with the limits below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timedelta

from lupus_sct.domain.errors import InvalidValueError

MAX_FAILED_LOGINS = 5  # OWASP ASVS 4.0.3 s2.2.1 allows at most 100/hour; we lock far earlier
LOCKOUT_WINDOW = timedelta(minutes=15)  # failures counted over 15 min; lock lasts 15 min
SESSION_LIFETIME = timedelta(hours=12)  # one clinical shift; NIST SP 800-63B s7.2 (AAL2: 12 h)
SECOND_FACTOR_PENDING_LIFETIME = timedelta(minutes=5)  # time allowed to type the TOTP code
IDEMPOTENCY_KEY_MAX_LENGTH = 128


@dataclasses.dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser; ``id`` is the SHA-256 of the cookie value."""

    id: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    second_factor_passed: bool
    ended_at: datetime | None = None
    version: int = 0

    def is_open(self, now: datetime) -> bool:
        """Neither ended nor expired at ``now``."""
        return self.ended_at is None and now < self.expires_at


@dataclasses.dataclass(frozen=True, slots=True)
class ApiToken:
    """A bearer token for another system; ``id`` is the SHA-256 of the token."""

    id: str
    user_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidValueError("api_token.name", self.name, "a name saying what uses it")
        if not self.scopes:
            raise InvalidValueError("api_token.scopes", self.scopes, "at least one scope")

    def is_usable(self, now: datetime) -> bool:
        """Not revoked and not expired at ``now``."""
        expired = self.expires_at is not None and now >= self.expires_at
        return self.revoked_at is None and not expired


@dataclasses.dataclass(frozen=True, slots=True)
class LoginAttempt:
    """One password check for a user name, successful or not (no password is kept)."""

    id: str
    username: str
    attempted_at: datetime
    succeeded: bool
    version: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class SecondFactor:
    """A user's TOTP secret (RFC 6238), base32; ``confirmed`` once a valid code was typed."""

    id: str
    user_id: str
    secret_base32: str
    confirmed: bool
    created_at: datetime
    version: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """The stored answer to a POST sent with an ``Idempotency-Key``.

    ``id`` is the SHA-256 of the user id and the key, so keys of different users never collide.
    """

    id: str
    user_id: str
    method_and_path: str
    request_sha256: str
    status_code: int
    response_json: str
    created_at: datetime
    version: int = 0


def locked_until(attempts: Iterable[LoginAttempt], now: datetime) -> datetime | None:
    """When an account unlocks, or ``None`` if it is not locked at ``now``.

    The account locks when the failures since its last success number ``MAX_FAILED_LOGINS``
    or more within ``LOCKOUT_WINDOW``; it unlocks ``LOCKOUT_WINDOW`` after the last failure.
    """
    ordered = sorted(attempts, key=lambda a: a.attempted_at)
    failures: list[datetime] = []
    for attempt in ordered:
        if attempt.succeeded:
            failures.clear()
        else:
            failures.append(attempt.attempted_at)
    recent = [t for t in failures if now - t < LOCKOUT_WINDOW]
    if len(recent) < MAX_FAILED_LOGINS:
        return None
    return recent[-1] + LOCKOUT_WINDOW
