"""``seal`` hashes exactly the text ``entry_hash`` hashes, with each value encoded once.

The reference is the definition of the chain: SHA-256 (hashlib) over the canonical JSON of the
entry's content written by the standard library's ``json.dumps`` with sorted keys
(``entry_hash``). ``seal`` puts the same text together by hand, so the two are compared on
generated drafts, strings with quotes, control characters and non-ASCII text
included.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.services.audit.chain import AuditAction, AuditDraft, entry_hash, seal, verify_chain
from lupus_sct.services.record_codec import canonical_json, to_record

text = st.text(st.characters(codec="utf-8"))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
records = st.none() | st.dictionaries(text, json_values, max_size=6)
drafts = st.builds(
    AuditDraft,
    recorded_at=text,
    actor=text,
    entity=text,
    entity_id=text,
    action=st.sampled_from(list(AuditAction)),
    before=records,
    after=records,
    reason=st.none() | text,
)


def _content(draft: AuditDraft) -> dict[str, Any]:
    return {
        "recorded_at": draft.recorded_at,
        "actor": draft.actor,
        "entity": draft.entity,
        "entity_id": draft.entity_id,
        "action": draft.action.value,
        "before": draft.before,
        "after": draft.after,
        "reason": draft.reason,
    }


@given(draft=drafts, seq=st.integers(1, 2**63), prev_hash=text)
def test_the_seal_hash_is_the_hash_of_the_canonical_content(
    draft: AuditDraft, seq: int, prev_hash: str
) -> None:
    entry = seal(draft, seq=seq, prev_hash=prev_hash)
    assert entry.hash == entry_hash(seq, _content(draft), prev_hash)
    reference = json.dumps(
        {**_content(draft), "seq": seq, "prev_hash": prev_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert entry.hash == hashlib.sha256(reference.encode("utf-8")).hexdigest()


@given(draft=drafts)
def test_the_kept_texts_are_the_canonical_json_of_the_values(draft: AuditDraft) -> None:
    entry = seal(draft, seq=1, prev_hash="0" * 64)
    for value, kept in ((draft.before, entry.before_json), (draft.after, entry.after_json)):
        assert kept == (None if value is None else canonical_json(value))


def test_kept_texts_do_not_change_what_an_entry_equals() -> None:
    draft = AuditDraft(
        "2026-06-01T09:30:00.000000+00:00",
        "u",
        "lab_result",
        "l1",
        AuditAction.CREATE,
        None,
        {"value": 1.5},
    )
    entry = seal(draft, seq=1, prev_hash="0" * 64)
    read_back = type(entry)(
        **{
            name: getattr(entry, name)
            for name in entry.__dataclass_fields__
            if name not in ("before_json", "after_json")
        }
    )
    assert read_back == entry
    assert verify_chain([read_back]).intact


def test_kept_texts_are_not_part_of_the_entry_record() -> None:
    # The record is what the API's audit page and the exports show (services/records.to_record).
    draft = AuditDraft(
        "2026-06-01T09:30:00.000000+00:00", "u", "lab_result", "l1", AuditAction.CREATE, None, {}
    )
    record = to_record(seal(draft, seq=1, prev_hash="0" * 64))
    assert set(record) == {
        "seq",
        "recorded_at",
        "actor",
        "entity",
        "entity_id",
        "action",
        "before",
        "after",
        "reason",
        "prev_hash",
        "hash",
    }
