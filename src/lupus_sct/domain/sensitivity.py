"""Which stored fields are secrets or direct identifiers, declared once on the dataclass field.

Notes
-----
A field is marked with ``dataclasses.field(metadata=SECRET)`` or ``metadata=IDENTIFIER``; the
audit trail, its readers and its checks derive everything else from these marks
(:func:`sensitive_fields`). A secret (a password hash, a TOTP seed) is never written to the audit
trail: OWASP ASVS 4.0.3 section 7.1.1 ("the application does not log credentials"). A direct
identifier (name, hospital number) is shown only to readers allowed to see identities of the
record's centre (HIPAA Safe Harbor, 45 CFR 164.514(b)(2): names and medical record numbers).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from functools import cache


class Sensitivity(enum.Enum):
    """How a field's value may be shown."""

    SECRET = "secret"  # noqa: S105 (a kind of field, not a password); never shown nor written to the audit trail
    IDENTIFIER = "identifier"  # shown only with the identity scope for the record's centre


SENSITIVITY_KEY = "lupus_sct.sensitivity"
SECRET: Mapping[str, Sensitivity] = {SENSITIVITY_KEY: Sensitivity.SECRET}
IDENTIFIER: Mapping[str, Sensitivity] = {SENSITIVITY_KEY: Sensitivity.IDENTIFIER}


@cache
def sensitive_fields(cls: type) -> dict[str, Sensitivity]:
    """The marked fields of the dataclass ``cls``, by name (empty if none, or not a dataclass)."""
    if not dataclasses.is_dataclass(cls):
        return {}
    return {
        f.name: f.metadata[SENSITIVITY_KEY]
        for f in dataclasses.fields(cls)
        if SENSITIVITY_KEY in f.metadata
    }
