"""Idempotency keys are claimed before the request runs, on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from lupus_sct.domain.access.sign_in import IDEMPOTENCY_CLAIM_TIMEOUT, IdempotencyState
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services import idempotency
from lupus_sct.services.ports import UnitOfWork
from support import NOW

REQUEST = {
    "owner": "user-1",
    "key": "lab-2026-06-01",
    "method_and_path": "POST /api/v1/patients/p/labs",
    "request_sha256": "a" * 64,
}


def _claim(new_uow: Callable[[], UnitOfWork], *, after: timedelta = timedelta(0), **changes: str):  # type: ignore[no-untyped-def]
    return idempotency.claim(new_uow, **{**REQUEST, **changes}, now=NOW + after)


def _state(new_uow: Callable[[], UnitOfWork]) -> IdempotencyState:
    with new_uow() as uow:
        stored = uow.idempotency_keys.get(idempotency.record_id("user-1", "lab-2026-06-01"))
    return stored.state


def test_a_second_claim_of_a_running_key_is_refused_as_in_progress(uow_factory) -> None:  # type: ignore[no-untyped-def]
    assert _claim(uow_factory) is None
    assert _state(uow_factory) is IdempotencyState.IN_PROGRESS
    with pytest.raises(idempotency.KeyInProgressError):
        _claim(uow_factory, after=timedelta(seconds=1))


def test_an_answered_key_is_replayed_and_refused_for_another_request(uow_factory) -> None:  # type: ignore[no-untyped-def]
    _claim(uow_factory)
    kept = {"owner": "user-1", "key": "lab-2026-06-01", "claimed_at": NOW}
    idempotency.answer(uow_factory, **kept, status_code=201, response_json='{"id": "lab-1"}')
    replay = _claim(uow_factory, after=timedelta(hours=1))
    assert replay is not None
    assert (replay.status_code, replay.response_json) == (201, '{"id": "lab-1"}')
    with pytest.raises(InvalidValueError):
        _claim(uow_factory, request_sha256="b" * 64)


def test_a_released_claim_lets_a_retry_run_the_request_again(uow_factory) -> None:  # type: ignore[no-untyped-def]
    _claim(uow_factory)
    idempotency.release(uow_factory, owner="user-1", key="lab-2026-06-01", claimed_at=NOW)
    assert _state(uow_factory) is IdempotencyState.RELEASED
    assert _claim(uow_factory, after=timedelta(seconds=1)) is None
    assert _state(uow_factory) is IdempotencyState.IN_PROGRESS


def test_a_claim_left_by_a_crashed_worker_is_taken_over_only_after_the_timeout(uow_factory) -> None:  # type: ignore[no-untyped-def]
    _claim(uow_factory)
    just_before = IDEMPOTENCY_CLAIM_TIMEOUT - timedelta(seconds=1)
    with pytest.raises(idempotency.KeyInProgressError):
        _claim(uow_factory, after=just_before)
    assert _claim(uow_factory, after=IDEMPOTENCY_CLAIM_TIMEOUT) is None
    # the crashed worker's late answer does not overwrite the new holder's claim
    late = {"owner": "user-1", "key": "lab-2026-06-01", "claimed_at": NOW}
    idempotency.answer(uow_factory, **late, status_code=201, response_json="{}")
    assert _state(uow_factory) is IdempotencyState.IN_PROGRESS
