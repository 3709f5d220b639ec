"""Batch adapter ``engraftment`` (docs/spec/instruments.md §12.3).

CIBMTR neutrophil, platelet recovery.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.cibmtr_engraftment import (
    ANC_ENGRAFTMENT_THRESHOLD_X10E9_PER_L,
    PLATELET_ENGRAFTMENT_THRESHOLD_X10E9_PER_L,
    CountValue,
    RecoveryKind,
    RecoveryResult,
    neutrophil_recovery,
    platelet_recovery,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import (
    choice,
    integer,
    integer_list,
    non_negative_number,
    object_list,
    positive_number,
)

KINDS = tuple(k.value for k in RecoveryKind)
VALUE_FIELDS = {
    RecoveryKind.NEUTROPHIL: "anc_x10e9_per_L",
    RecoveryKind.PLATELET: "plt_x10e9_per_L",
}
DEFAULT_THRESHOLDS = {
    RecoveryKind.NEUTROPHIL: ANC_ENGRAFTMENT_THRESHOLD_X10E9_PER_L,
    RecoveryKind.PLATELET: PLATELET_ENGRAFTMENT_THRESHOLD_X10E9_PER_L,
}


def _kind(record: Record, series: list[Any]) -> RecoveryKind:
    if record.get("kind") is not None:
        return RecoveryKind(choice(record, "kind", KINDS))
    found = {k for k, f in VALUE_FIELDS.items() for entry in series if entry.get(f) is not None}
    if len(found) != 1:
        raise InvalidValueError(
            "kind", None, "'neutrophil' or 'platelet' (series values are ambiguous or absent)"
        )
    return found.pop()


def _series(series: list[Any], kind: RecoveryKind) -> list[CountValue]:
    field = VALUE_FIELDS[kind]
    values = []
    for entry in series:
        day = integer(entry, "day")
        values.append(CountValue(day, non_negative_number(entry, field, unit="x10^9/L")))
    return values


def _recover(record: Record, kind: RecoveryKind, values: list[CountValue]) -> RecoveryResult:
    threshold = positive_number(
        record, "threshold_x10e9_per_L", default=DEFAULT_THRESHOLDS[kind], unit="x10^9/L"
    )
    if kind is RecoveryKind.NEUTROPHIL:
        if record.get("platelet_transfusion_days") is not None:
            raise InvalidValueError(
                "platelet_transfusion_days",
                record["platelet_transfusion_days"],
                "no platelet transfusion days in a neutrophil record",
            )
        return neutrophil_recovery(values, threshold)
    transfusions = integer_list(record, "platelet_transfusion_days", default=[])
    return platelet_recovery(values, transfusions, threshold)


def score(record: Record) -> dict[str, Any]:
    """Recovery day of one series: ``engraftment_day`` and ``never_below_threshold``."""
    series = object_list(record, "series", min_length=1)
    kind = _kind(record, series)
    result = _recover(record, kind, _series(series, kind))
    return {
        "engraftment_day": result.engraftment_day,
        "never_below_threshold": result.never_below_threshold,
    }


INSTRUMENT = Instrument(
    id="engraftment",
    version="CIBMTR Forms Instruction Manual; ASTCT 2021 (Kharfan-Dabaja)",
    citation=(
        "CIBMTR Forms Instruction Manual, neutrophil and platelet recovery; Kharfan-Dabaja MA, "
        "et al. Transplant Cell Ther 2021;27:642-9. doi:10.1016/j.jtct.2021.04.007"
    ),
    flat=False,
    score=score,
)
