"""What a refusal may repeat of the value it refuses: short, and never an identifier or a secret."""

from __future__ import annotations

import math
from typing import Any

from lupus_sct.services.storable_text import unstorable_reason

MAX_ECHOED_CHARS = 40  # OWASP ASVS 4.0.3 V7.4.1: an error names the fault, not the data sent
MAX_ECHOED_INTEGER_BITS = 63  # a value beyond SQL BIGINT is described, not printed
NEVER_ECHOED = frozenset(
    {
        "family_name",
        "given_name",
        "hospital_number",
        "password",
        "current_password",
        "new_password",
        "code",
        "token",
        "secret",
        "secret_base32",
        "csrf_token",
    }
)  # direct identifiers (PatientIdentity, docs/adr/0001-architecture.md) and secrets


def is_echoable(field: str | None) -> bool:
    """Whether a refusal may repeat the value of ``field`` (a dotted name)."""
    if not field:
        return True
    last = field.rsplit(".", 1)[-1].lower()
    return last not in NEVER_ECHOED and "password" not in last and "secret" not in last


def echoed_value(value: Any, field: str | None = None) -> Any:
    """``value`` as a refusal shows it: a short prefix and the length, or nothing at all."""
    if not is_echoable(field) or isinstance(value, dict | list | tuple | set):
        return None  # a structure may hold identifiers: the field name says where the fault is
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_ECHOED_INTEGER_BITS:
            return f"an integer of {value.bit_length()} bits"
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    text = value if isinstance(value, str) else str(value)
    if unstorable_reason(text) is not None:
        return None
    if len(text) > MAX_ECHOED_CHARS:
        return f"{text[:MAX_ECHOED_CHARS]}... ({len(text)} characters)"
    return text
