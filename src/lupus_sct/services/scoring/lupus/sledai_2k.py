"""Batch adapter for ``sledai-2k`` (docs/spec/instruments.md §12.3): shapes ``total`` and
``descriptor_threshold``."""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.instruments.lupus.sledai_2k import (
    DEFAULT_SLEDAI_WINDOW_DAYS,
    DESCRIPTOR_THRESHOLDS,
    DescriptorThreshold,
    SledaiAssessment,
    SledaiDescriptor,
    SledaiMeasurements,
    meets_descriptor_threshold,
    score_sledai_2k,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import UnknownIdError, choice, id_list, integer, number

DESCRIPTOR_LABEL = "SLEDAI-2K descriptor"
DESCRIPTOR_IDS = tuple(d.value for d in SledaiDescriptor)
_KINDS = ("total", "descriptor_threshold")


def read_descriptors(record: Record, field: str, **default: Any) -> frozenset[SledaiDescriptor]:
    """A list of SLEDAI-2K descriptor ids; an unknown id gives "unknown SLEDAI-2K descriptor"."""
    ids = id_list(record, field, DESCRIPTOR_IDS, label=DESCRIPTOR_LABEL, **default)
    return frozenset(SledaiDescriptor(i) for i in ids)


def _measurement(record: Record, threshold: DescriptorThreshold, **default: Any) -> Any:
    if threshold.descriptor is SledaiDescriptor.ARTHRITIS:
        return integer(record, threshold.field, int(threshold.low), int(threshold.high), **default)
    return number(
        record, threshold.field, threshold.low, threshold.high, unit=threshold.unit, **default
    )


def _score_total(record: Record) -> dict[str, Any]:
    measured = {
        t.descriptor: _measurement(record, t, default=None) for t in DESCRIPTOR_THRESHOLDS.values()
    }
    d = SledaiDescriptor
    assessment = SledaiAssessment(
        descriptors=read_descriptors(record, "descriptors"),
        measurements=SledaiMeasurements(
            wbc_x10e9_per_l=measured[d.LEUKOPENIA],
            platelets_x10e9_per_l=measured[d.THROMBOCYTOPENIA],
            temp_c=measured[d.FEVER],
            protein_g_per_24h=measured[d.PROTEINURIA],
            rbc_per_hpf=measured[d.HEMATURIA],
            wbc_per_hpf=measured[d.PYURIA],
            arthritis_joint_count=measured[d.ARTHRITIS],
        ),
        not_attributed_to_sle=read_descriptors(record, "not_attributed_to_sle", default=[]),
        window_days=integer(record, "window_days", default=DEFAULT_SLEDAI_WINDOW_DAYS),
    )
    result = score_sledai_2k(assessment)
    return {
        "score": result.score,
        "descriptors": [descriptor.value for descriptor in result.descriptors],
        "clinical_score": result.clinical_score,
        "window_days": result.window_days,
    }


def _score_descriptor_threshold(record: Record) -> dict[str, Any]:
    raw = record.get("descriptor")
    if raw is not None and raw not in DESCRIPTOR_IDS:
        raise UnknownIdError(DESCRIPTOR_LABEL, raw)
    allowed = [t.descriptor.value for t in DESCRIPTOR_THRESHOLDS.values()]
    descriptor = SledaiDescriptor(choice(record, "descriptor", allowed))
    value = _measurement(record, DESCRIPTOR_THRESHOLDS[descriptor])
    return {"present": meets_descriptor_threshold(descriptor, value)}


def score(record: Record) -> dict[str, Any]:
    """Score one ``sledai-2k`` record; the shape is ``kind``, else inferred from ``descriptor``."""
    inferred = "descriptor_threshold" if record.get("descriptor") is not None else "total"
    if choice(record, "kind", _KINDS, default=inferred) == "total":
        return _score_total(record)
    return _score_descriptor_threshold(record)


INSTRUMENT = Instrument(
    id="sledai-2k",
    version="SLEDAI-2K",
    citation=(
        "Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-91; "
        "30-day window: Touma Z, Urowitz MB, Gladman DD. Lupus 2010;19:49-51"
    ),
    flat=False,
    score=score,
)
