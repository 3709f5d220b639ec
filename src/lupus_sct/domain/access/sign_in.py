"""Sign-in records: sessions, API tokens, login attempts, second factors and idempotency keys.

Notes
-----
No secret is stored in the clear. A session or API token is known to the store only by the
SHA-256 of the random value the client holds (the record's ``id``), so a copy of the database
cannot be replayed as a login. Throttling follows OWASP ASVS 4.0.3 section 2.2.1 and the OWASP
Authentication Cheat Sheet ("account lockout" denial of service): failures are counted per user
name and client address (a low bound), and per account from anywhere only at the ASVS bound of
100 an hour, so that anonymous failures from one address cannot lock the owner out.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.sensitivity import SECRET

MAX_FAILED_LOGINS = 5  # per user name and client address; OWASP Authentication Cheat Sheet
LOCKOUT_WINDOW = timedelta(minutes=15)  # failures counted over 15 min; lock lasts 15 min
MAX_FAILED_LOGINS_PER_ACCOUNT = 100  # OWASP ASVS 4.0.3 s2.2.1: at most 100 failures/hour/account
ACCOUNT_THROTTLE_WINDOW = timedelta(hours=1)  # OWASP ASVS 4.0.3 s2.2.1: "per hour"
MAX_CODES_PER_PENDING_SIGN_IN = 5  # wrong codes, then the session ends; NIST 800-63B s5.2.2: <= 100
MAX_FAILED_CODES_PER_ACCOUNT = 10  # per hour; NIST SP 800-63B s5.2.2 allows at most 100
MAX_TOKEN_LIFETIME = timedelta(days=90)  # our cap (no standard fixes one): GitHub's longest preset
DEFAULT_TOKEN_LIFETIME = timedelta(days=30)  # GitHub's default token expiry preset
SESSION_LIFETIME = timedelta(hours=12)  # one clinical shift; NIST SP 800-63B s7.2 (AAL2: 12 h)
SECOND_FACTOR_PENDING_LIFETIME = timedelta(minutes=5)  # time allowed to type the TOTP code
IDEMPOTENCY_KEY_MAX_LENGTH = 128
# A claim left "in progress" by a crashed worker is taken over after this; longer than any write
# (the slowest, a 5,000-row import, takes seconds), short enough for a client's retry schedule.
IDEMPOTENCY_CLAIM_TIMEOUT = timedelta(minutes=2)


@dataclasses.dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser; ``id`` is the SHA-256 of the cookie value."""

    id: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    second_factor_passed: bool
    ended_at: datetime | None = None
    failed_codes: int = 0
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

    @property
    def ends_at(self) -> datetime:
        """When it stops working: its expiry, capped at ``MAX_TOKEN_LIFETIME`` after issue."""
        cap = self.created_at + MAX_TOKEN_LIFETIME
        return cap if self.expires_at is None else min(self.expires_at, cap)

    def is_usable(self, now: datetime) -> bool:
        """Not revoked and not expired at ``now`` (a token without expiry ends at the cap)."""
        return self.revoked_at is None and now < self.ends_at


@dataclasses.dataclass(frozen=True, slots=True)
class LoginAttempt:
    """One password check for a user name, successful or not (no password is kept)."""

    id: str
    username: str
    attempted_at: datetime
    succeeded: bool
    client_address: str = ""
    stage: str = "password"  # "password" or "code" (a TOTP code)
    version: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class SecondFactor:
    """A user's TOTP secret (RFC 6238), base32; ``confirmed`` once a valid code was typed."""

    id: str
    user_id: str
    secret_base32: str = dataclasses.field(metadata=SECRET)
    confirmed: bool
    created_at: datetime
    last_used_step: int | None = None  # RFC 6238 s5.2: a time step is accepted once only
    version: int = 0


class IdempotencyState(enum.Enum):
    """Where a keyed request stands (draft-ietf-httpapi-idempotency-key-header-06 s2.6)."""

    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    RELEASED = "released"


@dataclasses.dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """The stored answer to a POST sent with an ``Idempotency-Key``.

    ``id`` is the SHA-256 of the user id and the key, so keys of different users never collide.
    The record is written ``IN_PROGRESS`` (the claim, ``status_code`` 0) before the request runs,
    so a concurrent retry finds it; ``ANSWERED`` once the answer is kept; ``RELEASED`` when the
    request failed, so that a retry may run it again. ``created_at`` is when it was claimed.
    """

    id: str
    user_id: str
    method_and_path: str
    request_sha256: str
    status_code: int
    response_json: str
    created_at: datetime
    version: int = 0
    state: IdempotencyState = IdempotencyState.ANSWERED

    def is_claimable(self, now: datetime) -> bool:
        """Released, or claimed so long ago (``IDEMPOTENCY_CLAIM_TIMEOUT``) that it crashed."""
        if self.state is IdempotencyState.RELEASED:
            return True
        stale = now - self.created_at >= IDEMPOTENCY_CLAIM_TIMEOUT
        return self.state is IdempotencyState.IN_PROGRESS and stale


def locked_until(
    attempts: Iterable[LoginAttempt],
    now: datetime,
    *,
    limit: int = MAX_FAILED_LOGINS,
    window: timedelta = LOCKOUT_WINDOW,
) -> datetime | None:
    """When sign-in is allowed again, or ``None`` if it is allowed at ``now``.

    Refused when the failures among ``attempts`` since the last success number ``limit`` or
    more within ``window``; allowed again ``window`` after the last failure. The caller chooses
    the attempts: one user name from one client address, or one account from anywhere.
    """
    ordered = sorted(attempts, key=lambda a: a.attempted_at)
    failures: list[datetime] = []
    for attempt in ordered:
        if attempt.succeeded:
            failures.clear()
        else:
            failures.append(attempt.attempted_at)
    recent = [t for t in failures if now - t < window]
    if len(recent) < limit:
        return None
    return recent[-1] + window
