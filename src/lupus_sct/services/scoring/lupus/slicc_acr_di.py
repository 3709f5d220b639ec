"""Batch adapter ``slicc-acr-di`` (docs/spec/instruments.md §12.3).

``total`` and ``persistence`` shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.slicc_acr_di import (
    COUNT_ITEMS,
    VERSION,
    SdiItem,
    SdiPersistenceItem,
    score_sdi_persistence,
    score_sdi_total,
)
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import UnknownIdError, boolean, choice, integer, number

KINDS = ("total", "persistence")
LABEL = "SDI item"
BOOLEAN_KEYS = {item.value: item for item in SdiItem if item not in COUNT_ITEMS}
COUNT_KEYS = {
    "np_cva_count": SdiItem.NP_CVA,
    "cv_mi_count": SdiItem.CV_MI,
    "pv_significant_tissue_loss_sites": SdiItem.PV_SIGNIFICANT_TISSUE_LOSS,
    "gi_infarction_or_resection_sites": SdiItem.GI_INFARCTION_OR_RESECTION,
    "msk_avascular_necrosis_count": SdiItem.MSK_AVASCULAR_NECROSIS,
    "malignancy_sites": SdiItem.MALIGNANCY,
}
PERSISTENCE_IDS = {item.value: item for item in SdiItem}


def _kind(record: Record) -> str:
    if record.get("kind") is not None:
        kind: str = choice(record, "kind", KINDS)
        return kind
    items = record.get("items")
    if isinstance(items, list):
        return "persistence"
    if isinstance(items, dict) or items is None:
        return "total"
    raise InvalidValueError("items", items, "an object (kind 'total') or a list ('persistence')")


def _total(items: Any) -> dict[str, Any]:
    if not isinstance(items, Mapping):
        raise InvalidValueError("items", items, "an object of SDI item keys for kind 'total'")
    counts: dict[SdiItem, int] = {}
    for key in items:
        if key in BOOLEAN_KEYS:
            counts[BOOLEAN_KEYS[key]] = int(boolean(items, key))
        elif key in COUNT_KEYS:
            counts[COUNT_KEYS[key]] = integer(items, key, 0, None)
        else:
            raise UnknownIdError(LABEL, key)
    return {"score": score_sdi_total(counts).score}


def _persistence_item(index: int, entry: Any) -> SdiPersistenceItem:
    where = f"items[{index}]"
    if not isinstance(entry, Mapping):
        raise InvalidValueError(where, entry, "an object with item and months_present")
    fields = {f"{where}.{key}": value for key, value in entry.items()}
    item_id = fields.get(f"{where}.item")
    if item_id is None:
        raise InvalidValueError(f"{where}.item", None, "a value (this field is required)")
    if not isinstance(item_id, str) or item_id not in PERSISTENCE_IDS:
        raise UnknownIdError(LABEL, item_id)
    return SdiPersistenceItem(
        item=PERSISTENCE_IDS[item_id],
        months_present=number(fields, f"{where}.months_present", 0, None, unit="months"),
        episodes=integer(fields, f"{where}.episodes", 1, None, default=1),
    )


def _persistence(items: Any) -> dict[str, Any]:
    if not isinstance(items, list):
        raise InvalidValueError("items", items, "a list of item objects for kind 'persistence'")
    parsed = [_persistence_item(i, entry) for i, entry in enumerate(items)]
    return {"score": score_sdi_persistence(parsed).score}


def score(record: Record) -> dict[str, Any]:
    """Score one SDI record: ``{"score": 0-47}``."""
    kind = _kind(record)
    if record.get("items") is None:
        raise InvalidValueError("items", None, "a value (this field is required)")
    return _total(record["items"]) if kind == "total" else _persistence(record["items"])


INSTRUMENT = Instrument(
    id="slicc-acr-di",
    version=VERSION,
    citation="Gladman D, et al. Arthritis Rheum 1996;39:363-9. doi:10.1002/art.1780390303",
    flat=False,
    score=score,
)
