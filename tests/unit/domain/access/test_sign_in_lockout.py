"""Lockout after repeated failed sign-ins (domain.sign_in.locked_until)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lupus_sct.domain.access.sign_in import (
    LOCKOUT_WINDOW,
    MAX_FAILED_LOGINS,
    LoginAttempt,
    locked_until,
)

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _failures(count: int, *, start: datetime = T0) -> list[LoginAttempt]:
    return [LoginAttempt(str(i), "ana", start + timedelta(seconds=i), False) for i in range(count)]


def test_one_failure_below_the_limit_does_not_lock() -> None:
    assert locked_until(_failures(MAX_FAILED_LOGINS - 1), T0 + timedelta(minutes=1)) is None


def test_reaching_the_limit_locks_for_the_window_after_the_last_failure() -> None:
    attempts = _failures(MAX_FAILED_LOGINS)
    last = attempts[-1].attempted_at
    assert locked_until(attempts, T0 + timedelta(minutes=1)) == last + LOCKOUT_WINDOW


def test_the_lock_lifts_once_the_window_has_passed() -> None:
    attempts = _failures(MAX_FAILED_LOGINS)
    assert locked_until(attempts, attempts[-1].attempted_at + LOCKOUT_WINDOW) is None


def test_a_success_resets_the_count() -> None:
    attempts = [
        *_failures(MAX_FAILED_LOGINS - 1),
        LoginAttempt("ok", "ana", T0 + timedelta(seconds=30), True),
        *_failures(1, start=T0 + timedelta(seconds=40)),
    ]
    assert locked_until(attempts, T0 + timedelta(minutes=1)) is None
