"""Idempotency keys: a POST repeated with the same key returns the first answer, not a new record.

Follows the IETF draft "The Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-
key-header-06, section 2): a key reused with a different request body is an error.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.sign_in import IDEMPOTENCY_KEY_MAX_LENGTH, IdempotencyRecord
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork


def record_id(owner: str, key: str) -> str:
    """The stored id of ``key`` sent by ``owner`` (a user or credential digest)."""
    if not 0 < len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidValueError(
            "Idempotency-Key", key[:20], f"1-{IDEMPOTENCY_KEY_MAX_LENGTH} characters"
        )
    return hashlib.sha256(f"{owner}\n{key}".encode()).hexdigest()


def recall(
    uow: UnitOfWork, *, owner: str, key: str, method_and_path: str, request_sha256: str
) -> IdempotencyRecord | None:
    """The stored answer for this key, ``None`` if new; refused if reused for another request."""
    with uow:
        try:
            stored = uow.idempotency_keys.get(record_id(owner, key))
        except NotFoundError:
            return None
    if stored.method_and_path != method_and_path or stored.request_sha256 != request_sha256:
        raise InvalidValueError(
            "Idempotency-Key", key, "a new key: this one was used for a different request"
        )
    return stored


def remember(
    uow: UnitOfWork,
    *,
    owner: str,
    key: str,
    method_and_path: str,
    request_sha256: str,
    status_code: int,
    response_json: str,
    now: datetime,
) -> None:
    """Store the answer given to a keyed request (not audited: it repeats an audited write)."""
    with uow:
        uow.idempotency_keys.add(
            IdempotencyRecord(
                record_id(owner, key),
                owner,
                method_and_path,
                request_sha256,
                status_code,
                response_json,
                now,
            )
        )
        uow.commit()
