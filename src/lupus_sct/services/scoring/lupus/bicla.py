"""Batch adapter for ``bicla`` (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.lupus.bicla import BiclaAssessment, assess_bicla
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.lupus.sri_4 import read_visit_pair


def score(record: Record) -> dict[str, Any]:
    """Decide BICLA response for one record."""
    return {"responder": assess_bicla(BiclaAssessment(**read_visit_pair(record))).responder}


INSTRUMENT = Instrument(
    id="bicla",
    version="BICLA (BILAG-2004)",
    citation=(
        "Wallace DJ et al. Arthritis Rheum 2011;63(Suppl 10):S894; "
        "EMBLEM, Ann Rheum Dis 2014;73:183-90"
    ),
    flat=False,
    score=score,
)
