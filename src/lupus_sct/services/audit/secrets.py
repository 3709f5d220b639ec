"""What the audit trail records of a secret field: that it was set or changed, never its value.

Notes
-----
The fields are those marked ``SECRET`` on the domain dataclasses
(:mod:`lupus_sct.domain.sensitivity`).
The markers are fixed strings, so an entry's hash stays a function of what it shows and the chain
verifies as before (OWASP ASVS 4.0.3 section 7.1.1: credentials are never logged).
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.sensitivity import Sensitivity, sensitive_fields
from lupus_sct.services.record_codec import to_record

SECRET_SET = "[secret: set]"  # noqa: S105 (a marker); the record holds a secret
SECRET_CHANGED = "[secret: changed]"  # noqa: S105 (a marker); an update replaced the secret
SECRET_UNCHANGED = "[secret: unchanged]"  # noqa: S105 (a marker); an update kept the secret
SECRET_MARKERS = frozenset({SECRET_SET, SECRET_CHANGED, SECRET_UNCHANGED})


def secret_names(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` marked secret."""
    return tuple(n for n, s in sensitive_fields(cls).items() if s is Sensitivity.SECRET)


def audit_record(item: object, *, previous: object | None = None) -> dict[str, Any]:
    """``item`` as the audit trail records it: each secret replaced by a marker.

    With ``previous`` (the record before an update), the marker says whether the secret changed.
    """
    record: dict[str, Any] = to_record(item)
    for name in secret_names(type(item)):
        if name not in record:
            continue
        if previous is None:
            record[name] = SECRET_SET
        elif getattr(previous, name, None) == getattr(item, name):
            record[name] = SECRET_UNCHANGED
        else:
            record[name] = SECRET_CHANGED
    return record


def audit_records(before: object, after: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (before, after) records of an update, secrets replaced by markers."""
    return audit_record(before), audit_record(after, previous=before)
