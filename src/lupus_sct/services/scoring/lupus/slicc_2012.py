"""Batch adapter ``slicc-2012``: 2012 SLICC SLE classification (docs/spec/instruments.md §12.3)."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.lupus.slicc_2012 import (
    VERSION,
    SliccClinical,
    SliccImmunologic,
    classify_slicc_2012,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import boolean, id_list

CLINICAL_IDS = tuple(c.value for c in SliccClinical)
IMMUNOLOGIC_IDS = tuple(c.value for c in SliccImmunologic)


def score(record: Record) -> dict[str, Any]:
    """Classify one record: criterion counts, ``classified`` and ``pathway``."""
    clinical = id_list(record, "clinical", CLINICAL_IDS, label="SLICC 2012 clinical criterion")
    immunologic = id_list(
        record, "immunologic", IMMUNOLOGIC_IDS, label="SLICC 2012 immunologic criterion"
    )
    biopsy = boolean(record, "biopsy_proven_lupus_nephritis", default=False)
    result = classify_slicc_2012(
        [SliccClinical(c) for c in clinical],
        [SliccImmunologic(i) for i in immunologic],
        biopsy_proven_lupus_nephritis=biopsy,
    )
    return {
        "n_clinical": result.n_clinical,
        "n_immunologic": result.n_immunologic,
        "classified": result.classified,
        "pathway": result.pathway.value if result.pathway is not None else None,
    }


INSTRUMENT = Instrument(
    id="slicc-2012",
    version=VERSION,
    citation="Petri M, et al. Arthritis Rheum 2012;64:2677-86. doi:10.1002/art.34473",
    flat=False,
    score=score,
)
