"""Sign-in throttling that cannot lock the owner out (issue 15, finding 15), on every store.

OWASP ASVS 4.0.3 s2.2.1 allows at most 100 failed attempts per hour on one account; the OWASP
Authentication Cheat Sheet warns that a hard lockout lets anyone deny the owner access.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from lupus_sct.domain.access.sign_in import (
    MAX_FAILED_LOGINS,
    MAX_FAILED_LOGINS_PER_ACCOUNT,
    MAX_TOKEN_LIFETIME,
    ApiToken,
)
from lupus_sct.domain.records.people import Role
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.clinic import patients
from lupus_sct.services.ports import UnitOfWork

# Its own clock, not support.NOW: every attempt here is timed from this instant.
START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PASSWORD = "violet kestrel under marble"


class _PlainHasher:
    def hash(self, password: str) -> str:
        return "plain$" + password

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == "plain$" + password


def _seed_user(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        patients.create_user(
            uow,
            username="ana",
            display_name="Ana",
            role=Role.ADMIN,
            centre_ids=(),
            password_hash=_PlainHasher().hash(PASSWORD),
            by="test",
            now=START,
        )
        uow.commit()


def _try(
    uow_factory: Callable[[], UnitOfWork], password: str, address: str, now: datetime = START
) -> auth.SignIn:
    return auth.sign_in(
        uow_factory(),
        username="ana",
        password=password,
        hasher=_PlainHasher(),
        now=now,
        client_address=address,
    )


def test_failures_from_one_address_throttle_that_address_only(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    _seed_user(uow_factory)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(auth.AuthenticationError):
            _try(uow_factory, "a wrong guess", "203.0.113.9")
    with pytest.raises(auth.LockedOutError):
        _try(uow_factory, PASSWORD, "203.0.113.9")
    assert _try(uow_factory, PASSWORD, "198.51.100.20").session_secret


def test_an_account_is_slowed_only_after_a_hundred_failures_an_hour_from_anywhere(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    _seed_user(uow_factory)
    for i in range(MAX_FAILED_LOGINS_PER_ACCOUNT):
        with pytest.raises(auth.AuthenticationError) as refused:
            _try(uow_factory, "a wrong guess", f"203.0.113.{i % 50}", START + timedelta(seconds=i))
        assert not isinstance(refused.value, auth.LockedOutError)
    with pytest.raises(auth.LockedOutError):
        _try(uow_factory, PASSWORD, "198.51.100.20", START + timedelta(minutes=5))
    later = START + timedelta(hours=1, minutes=5)
    assert _try(uow_factory, PASSWORD, "198.51.100.20", later).session_secret


def test_a_token_issued_without_an_expiry_before_the_cap_stops_at_the_cap() -> None:
    legacy = ApiToken("t", "u", "old system", ("read",), START, expires_at=None)
    assert legacy.is_usable(START + MAX_TOKEN_LIFETIME - timedelta(seconds=1))
    assert not legacy.is_usable(START + MAX_TOKEN_LIFETIME)
