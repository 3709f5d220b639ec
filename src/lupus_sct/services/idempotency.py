"""Idempotency keys: a POST repeated with the same key returns the first answer, not a new record.

Follows the IETF draft "The Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-
key-header-06, section 2): a key reused with a different request body is an error (422), and a
retry that arrives while the first request is still running is refused with 409 (section 2.6).

Exactly once under concurrent retries: the key is *claimed* before the request runs, by inserting
an "in progress" record in its own committed transaction. The primary key lets one insert win;
every other concurrent insert fails on it (PostgreSQL blocks it until the winner commits; SQLite
serialises writers with ``BEGIN IMMEDIATE``), reads the winner's record and answers 409 or replays.
A request that fails releases its claim so that a retry can run; a claim left by a crashed
worker is taken over after ``IDEMPOTENCY_CLAIM_TIMEOUT``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import datetime

from lupus_sct.domain.access.sign_in import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    IdempotencyRecord,
    IdempotencyState,
)
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.errors import NotFoundError, ServiceError
from lupus_sct.services.ports import UnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]


class KeyInProgressError(ServiceError):
    """Another request with the same key is running (draft-ietf-httpapi-idempotency-key s2.6)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__("a request with this key is in progress; retry once it has answered")


def record_id(owner: str, key: str) -> str:
    """The stored id of ``key`` sent by ``owner`` (a user or credential digest)."""
    if not 0 < len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidValueError(
            "Idempotency-Key", key[:20], f"1-{IDEMPOTENCY_KEY_MAX_LENGTH} characters"
        )
    return hashlib.sha256(f"{owner}\n{key}".encode()).hexdigest()


def claim(
    new_uow: UnitOfWorkFactory,
    *,
    owner: str,
    key: str,
    method_and_path: str,
    request_sha256: str,
    now: datetime,
) -> IdempotencyRecord | None:
    """Claim ``key`` for this request: ``None`` if the caller now holds it and runs the request.

    Returns the stored answer to replay when the key was answered already; raises
    :class:`KeyInProgressError` while another request holds it, and ``InvalidValueError`` when
    the key was used for a different request.
    """
    wanted = IdempotencyRecord(
        record_id(owner, key),
        owner,
        method_and_path,
        request_sha256,
        0,
        "",
        now,
        state=IdempotencyState.IN_PROGRESS,
    )
    try:
        with new_uow() as uow:
            return _claim_in(uow, wanted, key)
    except (KeyInProgressError, InvalidValueError):
        raise
    except Exception:
        # The insert (or take-over) lost a race: the winner's record explains it, else re-raise.
        with new_uow() as uow:
            stored = _stored(uow, wanted.id)
        if stored is None:
            raise
        return _held_by_another(stored, wanted, key)


def _claim_in(uow: UnitOfWork, wanted: IdempotencyRecord, key: str) -> IdempotencyRecord | None:
    stored = _stored(uow, wanted.id)
    if stored is None:
        uow.idempotency_keys.add(wanted)
    elif stored.is_claimable(wanted.created_at):
        uow.idempotency_keys.update(dataclasses.replace(wanted, version=stored.version))
    else:
        return _held_by_another(stored, wanted, key)
    uow.commit()
    return None


def _held_by_another(
    stored: IdempotencyRecord, wanted: IdempotencyRecord, key: str
) -> IdempotencyRecord:
    if (stored.method_and_path, stored.request_sha256) != (
        wanted.method_and_path,
        wanted.request_sha256,
    ):
        raise InvalidValueError(
            "Idempotency-Key", key, "a new key: this one was used for a different request"
        )
    if stored.state is not IdempotencyState.ANSWERED:
        raise KeyInProgressError(key)
    return stored


def _stored(uow: UnitOfWork, stored_id: str) -> IdempotencyRecord | None:
    try:
        return uow.idempotency_keys.get(stored_id)
    except NotFoundError:
        return None


def answer(
    new_uow: UnitOfWorkFactory,
    *,
    owner: str,
    key: str,
    claimed_at: datetime,
    status_code: int,
    response_json: str,
) -> None:
    """Keep the answer of the request that holds the claim (not audited: it repeats a write)."""
    _finish(
        new_uow,
        record_id(owner, key),
        claimed_at,
        state=IdempotencyState.ANSWERED,
        status_code=status_code,
        response_json=response_json,
    )


def release(new_uow: UnitOfWorkFactory, *, owner: str, key: str, claimed_at: datetime) -> None:
    """Give the claim up after a failed request, so that a retry runs it again."""
    _finish(new_uow, record_id(owner, key), claimed_at, state=IdempotencyState.RELEASED)


def _finish(
    new_uow: UnitOfWorkFactory, stored_id: str, claimed_at: datetime, **changes: object
) -> None:
    with new_uow() as uow:
        stored = _stored(uow, stored_id)
        still_ours = stored is not None and stored.created_at == claimed_at
        if stored is None or not still_ours or stored.state is not IdempotencyState.IN_PROGRESS:
            return  # taken over after IDEMPOTENCY_CLAIM_TIMEOUT: the new holder answers
        uow.idempotency_keys.update(dataclasses.replace(stored, **changes))  # type: ignore[arg-type]
        uow.commit()
