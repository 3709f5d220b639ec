"""Batch adapter ``eular-acr-2019`` (docs/spec/instruments.md §12.3).

EULAR/ACR SLE classification.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.lupus.eular_acr_2019 import (
    CRITERION_IDS,
    VERSION,
    EularAcrCriterion,
    classify_eular_acr_2019,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import boolean, id_list


def score(record: Record) -> dict[str, Any]:
    """Classify one record: ``entry_met``, ``score`` and ``classified``."""
    ana = boolean(record, "ana_ge_1_80")
    ids = id_list(record, "criteria", CRITERION_IDS, label="EULAR/ACR 2019 criterion")
    result = classify_eular_acr_2019(ana, [EularAcrCriterion.from_id(i) for i in ids])
    return {"entry_met": result.entry_met, "score": result.score, "classified": result.classified}


INSTRUMENT = Instrument(
    id="eular-acr-2019",
    version=VERSION,
    citation=(
        "Aringer M, et al. Ann Rheum Dis 2019;78:1151-9. doi:10.1136/annrheumdis-2018-214819"
    ),
    flat=False,
    score=score,
)
