"""The audit trail: append-only entries chained by SHA-256 hashes.

Notes
-----
Each entry's hash covers its sequence number, time, actor, entity, action, the values before and
after, the reason and the previous entry's hash. Changing, deleting or reordering any entry breaks
the chain at that entry, and :func:`verify_chain` names it. Entries are written by the same unit
of work as the change they describe, so a change is never committed without its entry. A secret
field is recorded as a marker, never its value (:mod:`lupus_sct.services.audit.secrets`); the
chain's head is anchored outside the database (docs/adr/0005-audit-anchor.md).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from lupus_sct.services.audit.secrets import audit_record, audit_records
from lupus_sct.services.record_codec import TRANSIENT, canonical_json

GENESIS_HASH = "0" * 64


class AuditAction(enum.Enum):
    """What a write did."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclasses.dataclass(frozen=True, slots=True)
class AuditDraft:
    """An entry before the log gives it a place in the chain."""

    recorded_at: str
    actor: str
    entity: str
    entity_id: str
    action: AuditAction
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class AuditEntry:
    """A sealed entry of the chain."""

    seq: int
    recorded_at: str
    actor: str
    entity: str
    entity_id: str
    action: AuditAction
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    prev_hash: str
    hash: str
    # The canonical JSON texts of ``before`` and ``after`` as :func:`seal` hashed them, kept so
    # a store writes them without encoding the values again (None: not kept, encode them).
    # Not part of the entry: not compared, not shown, not in its record (API, exports).
    before_json: str | None = dataclasses.field(
        default=None, compare=False, repr=False, metadata={TRANSIENT: True}
    )
    after_json: str | None = dataclasses.field(
        default=None, compare=False, repr=False, metadata={TRANSIENT: True}
    )


@dataclasses.dataclass(frozen=True, slots=True)
class ChainVerification:
    """Outcome of checking the whole chain."""

    entries_checked: int
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        """True when every entry verified."""
        return self.first_bad_seq is None


def entry_hash(
    seq: int,
    draft_fields: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of an entry's content and its predecessor's hash."""
    content = {**draft_fields, "seq": seq, "prev_hash": prev_hash}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _content(
    recorded_at: str,
    actor: str,
    entity: str,
    entity_id: str,
    action: AuditAction,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None,
) -> dict[str, Any]:
    return {
        "recorded_at": recorded_at,
        "actor": actor,
        "entity": entity,
        "entity_id": entity_id,
        "action": action.value,
        "before": before,
        "after": after,
        "reason": reason,
    }


def seal(draft: AuditDraft, *, seq: int, prev_hash: str) -> AuditEntry:
    """Give a draft its place in the chain.

    The hash is :func:`entry_hash` of the draft's content, computed from the canonical JSON of
    ``before`` and ``after`` encoded once (and kept on the entry for the store): the text is put
    together in the order ``canonical_json`` sorts the keys, each string written by the encoder
    ``json.dumps(..., ensure_ascii=False)`` itself uses.
    tests/unit/services/audit/test_audit_seal.py
    checks it against :func:`entry_hash` on generated drafts.
    """
    before_json = None if draft.before is None else canonical_json(draft.before)
    after_json = None if draft.after is None else canonical_json(draft.after)
    text = "".join(
        (
            '{"action":',
            _string(draft.action.value),
            ',"actor":',
            _string(draft.actor),
            ',"after":',
            "null" if after_json is None else after_json,
            ',"before":',
            "null" if before_json is None else before_json,
            ',"entity":',
            _string(draft.entity),
            ',"entity_id":',
            _string(draft.entity_id),
            ',"prev_hash":',
            _string(prev_hash),
            ',"reason":',
            "null" if draft.reason is None else _string(draft.reason),
            ',"recorded_at":',
            _string(draft.recorded_at),
            ',"seq":',
            int.__repr__(seq),
            "}",
        )
    )
    return AuditEntry(
        seq=seq,
        recorded_at=draft.recorded_at,
        actor=draft.actor,
        entity=draft.entity,
        entity_id=draft.entity_id,
        action=draft.action,
        before=draft.before,
        after=draft.after,
        reason=draft.reason,
        prev_hash=prev_hash,
        hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        before_json=before_json,
        after_json=after_json,
    )


# A str as ``json.dumps(..., ensure_ascii=False)`` writes it (the encoder that function uses).
_string = json.encoder.encode_basestring


def check_links(head: tuple[int, str], entries: Sequence[AuditEntry]) -> None:
    """Refuse ``entries`` (sealed elsewhere) unless they continue the chain at ``head`` in order.

    Raises ``ValueError`` naming the first entry whose sequence number or previous hash does not
    follow; the hashes themselves are the sealer's (:func:`seal`), checked by
    :func:`verify_chain`.
    """
    seq, prev_hash = head
    for entry in entries:
        if entry.seq != seq + 1 or entry.prev_hash != prev_hash:
            raise ValueError(
                f"audit entry {entry.seq} does not follow entry {seq} of the chain "
                "(the chain moved since it was sealed); nothing was written"
            )
        seq, prev_hash = entry.seq, entry.hash


def verify_chain(entries: Iterable[AuditEntry]) -> ChainVerification:
    """Check every entry in sequence order; stop at the first that does not verify."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in entries:
        checked += 1
        if entry.seq != expected_seq:
            return ChainVerification(
                checked,
                entry.seq,
                f"sequence gap: expected entry {expected_seq}, found {entry.seq}",
            )
        if entry.prev_hash != expected_prev:
            return ChainVerification(
                checked,
                entry.seq,
                "previous-hash link broken (an earlier entry was changed or removed)",
            )
        content = _content(
            entry.recorded_at,
            entry.actor,
            entry.entity,
            entry.entity_id,
            entry.action,
            entry.before,
            entry.after,
            entry.reason,
        )
        if entry_hash(entry.seq, content, entry.prev_hash) != entry.hash:
            return ChainVerification(checked, entry.seq, "content does not match its hash")
        expected_prev = entry.hash
        expected_seq += 1
    return ChainVerification(checked)


class _Versioned(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=_Versioned)


class _Repo(Protocol[V]):
    def add(self, item: V) -> V: ...

    def get(self, item_id: str) -> V: ...

    def update(self, item: V) -> V: ...


class _Log(Protocol):
    def append(self, draft: AuditDraft) -> AuditEntry: ...


def audited_add(
    repo: _Repo[V],
    log: _Log,
    item: V,
    *,
    entity: str,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> V:
    """Store a new record and its audit entry in the caller's transaction."""
    stored = repo.add(item)
    log.append(
        AuditDraft(
            recorded_at=timestamp(now),
            actor=by,
            entity=entity,
            entity_id=stored.id,
            action=AuditAction.CREATE,
            before=None,
            after=audit_record(stored),
            reason=reason,
        )
    )
    return stored


def audited_update(
    repo: _Repo[V],
    log: _Log,
    item: V,
    *,
    entity: str,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> V:
    """Store a changed record (refused if stale) and its audit entry with before and after."""
    before = repo.get(item.id)
    stored = repo.update(item)
    before_record, after_record = audit_records(before, stored)
    log.append(
        AuditDraft(
            recorded_at=timestamp(now),
            actor=by,
            entity=entity,
            entity_id=stored.id,
            action=AuditAction.UPDATE,
            before=before_record,
            after=after_record,
            reason=reason,
        )
    )
    return stored


def timestamp(now: datetime) -> str:
    """ISO 8601 UTC text of a write time (microseconds kept; what the hash covers)."""
    return now.astimezone(UTC).isoformat(timespec="microseconds")
