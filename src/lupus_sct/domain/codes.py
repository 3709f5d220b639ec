"""Syntax checks for the coding systems the data model carries.

References
----------
SNOMED CT Technical Implementation Guide, section 6.6 "SCTID" and its check digit (Verhoeff).
ICD-10 (WHO 2019) chapter XIII codes M05, M06 (rheumatoid arthritis) and M32 (SLE); ICD-10-CM
adds sub-codes such as M32.14 (glomerular disease in SLE).
LOINC users' guide, section 12.3: a LOINC code is digits, a hyphen and a mod-10 check digit.
"""

from __future__ import annotations

import re

from lupus_sct.domain.errors import InvalidValueError

_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
_LOINC = re.compile(r"^([0-9]{1,7})-([0-9])$")


def is_valid_sctid(code: str) -> bool:
    """Tell whether ``code`` is a well-formed SNOMED CT identifier (6-18 digits, Verhoeff)."""
    if not code.isdigit() or not 6 <= len(code) <= 18 or code.startswith("0"):
        return False
    check = 0
    for position, digit in enumerate(reversed(code)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def is_valid_loinc(code: str) -> bool:
    """Tell whether ``code`` is a well-formed LOINC code (mod-10 check digit)."""
    match = _LOINC.match(code)
    if match is None:
        return False
    body, check = match.group(1), int(match.group(2))
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit // 10 + digit % 10
        total += digit
    return (10 - total % 10) % 10 == check


def check_sctid(field: str, code: str) -> None:
    """Raise unless ``code`` is a well-formed SNOMED CT identifier."""
    if not is_valid_sctid(code):
        raise InvalidValueError(field, code, "a SNOMED CT identifier (6-18 digits, Verhoeff check)")


def check_icd10(field: str, code: str, allowed_prefixes: tuple[str, ...]) -> None:
    """Raise unless ``code`` is ICD-10 syntax and starts with one of ``allowed_prefixes``."""
    if not _ICD10.match(code) or not code.startswith(allowed_prefixes):
        raise InvalidValueError(
            field, code, f"an ICD-10 code in {', '.join(p + '.x' for p in allowed_prefixes)}"
        )
