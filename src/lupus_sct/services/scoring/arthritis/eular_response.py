"""Batch adapter ``eular-response`` (docs/spec/instruments.md §12.3).

Response from two DAS28 scores.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.arthritis.eular_response import eular_response
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import number


def score(record: Record) -> dict[str, Any]:
    """Classify one record: ``response`` (good, moderate or none)."""
    result = eular_response(number(record, "das28_baseline"), number(record, "das28_followup"))
    return {"response": result.response.value}


INSTRUMENT = Instrument(
    id="eular-response",
    version="EULAR response criteria (van Gestel 1996)",
    citation=(
        "van Gestel AM, et al. Development and validation of the European League Against "
        "Rheumatism response criteria for rheumatoid arthritis. Arthritis Rheum 1996;39:34-40. "
        "doi:10.1002/art.1780390105"
    ),
    flat=True,
    score=score,
)
