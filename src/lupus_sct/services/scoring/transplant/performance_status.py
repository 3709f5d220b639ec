"""Batch adapter ``performance-status`` (docs/spec/instruments.md §12.3).

KPS to ECOG, scale checks.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.performance_status import (
    is_valid_ecog,
    is_valid_kps,
    kps_to_ecog,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import choice, number

KINDS = ("kps_to_ecog", "kps_validate", "ecog_validate")


def _kind(record: Record) -> str:
    if record.get("kind") is not None:
        kind: str = choice(record, "kind", KINDS)
        return kind
    if record.get("kps") is not None:
        return "kps_to_ecog"
    if record.get("ecog") is not None:
        return "ecog_validate"
    raise InvalidValueError("kps", None, "a KPS or an ECOG value")


def score(record: Record) -> dict[str, Any]:
    """Convert or validate one record according to its ``kind``."""
    kind = _kind(record)
    if kind == "ecog_validate":
        return {"valid": is_valid_ecog(number(record, "ecog"))}
    kps = number(record, "kps")
    if kind == "kps_validate":
        return {"valid": is_valid_kps(kps)}
    conversion = kps_to_ecog(kps)
    return {"ecog": conversion.ecog, "conversion": conversion.conversion}


INSTRUMENT = Instrument(
    id="performance-status",
    version="KPS 1949; ECOG 1982; conventional KPS-ECOG table (decision D9)",
    citation=(
        "Karnofsky DA, Burchenal JH. In: Evaluation of Chemotherapeutic Agents, 1949:191-205; "
        "Oken MM, et al. Am J Clin Oncol 1982;5:649-55. doi:10.1097/00000421-198212000-00014"
    ),
    flat=True,
    score=score,
)
