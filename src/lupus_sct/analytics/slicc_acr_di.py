"""Vectorised SLICC/ACR Damage Index (SDI), ``total`` shape, over a cohort table.

References
----------
Gladman D, Ginzler E, Goldsmith C, et al. The development and initial validation of the Systemic
Lupus International Collaborating Clinics/American College of Rheumatology damage index for
systemic lupus erythematosus. Arthritis Rheum 1996;39:363-9. doi:10.1002/art.1780390303

Notes
-----
Vectorises :func:`lupus_sct.domain.instruments.lupus.slicc_acr_di.score_sdi_total`
(docs/spec/instruments.md §2 and
§12.3, shape ``total``: every item given has already met its persistence requirement). Item points,
the ESRD rule, the organ of each item and the organ maxima come from
:mod:`lupus_sct.domain.instruments.lupus.slicc_acr_di`.

Cohort table, one row per assessment, with the ``total``-shape keys of docs/spec/instruments.md
§12.3 as columns:

- one boolean column per item that is not a count item (``ocular_cataract`` ...
  ``diabetes``; true = present);
- one integer column per count item: ``np_cva_count``, ``cv_mi_count``,
  ``pv_significant_tissue_loss_sites``, ``gi_infarction_or_resection_sites``,
  ``msk_avascular_necrosis_count``, ``malignancy_sites`` (0 scores 0, 1 scores 1, >=2 scores 2).

An absent column means "not present" for every row, as an absent key does in the batch shape.
A null cell gives a null score (never a silent zero). :func:`check_sdi_cohort` rejects negative
counts, as the scalar function does.

Not vectorised: the ``persistence`` shape and the longitudinal ``score_sdi_as_of`` (decision D4),
which carry item onset dates across assessments.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TypeVar

import polars as pl

from lupus_sct.analytics.validation import Frame, column_names, first_value_where
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.slicc_acr_di import (
    COUNT_ITEM_MAX_POINTS,
    COUNT_ITEMS,
    ESRD_POINTS,
    RENAL_ITEMS_REPLACED_BY_ESRD,
    SdiItem,
    SdiOrgan,
    organ_of,
)

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

SDI_COLUMN = "sdi"
COUNT_ITEM_COLUMNS: Mapping[SdiItem, str] = {
    SdiItem.NP_CVA: "np_cva_count",
    SdiItem.CV_MI: "cv_mi_count",
    SdiItem.PV_SIGNIFICANT_TISSUE_LOSS: "pv_significant_tissue_loss_sites",
    SdiItem.GI_INFARCTION_OR_RESECTION: "gi_infarction_or_resection_sites",
    SdiItem.MSK_AVASCULAR_NECROSIS: "msk_avascular_necrosis_count",
    SdiItem.MALIGNANCY: "malignancy_sites",
}  # docs/spec/instruments.md §12.3, slicc-acr-di shape total: integer keys


def item_column(item: SdiItem) -> str:
    """The cohort-table column of an item (``_count``/``_sites`` for count items)."""
    return COUNT_ITEM_COLUMNS.get(item, item.value)


def organ_column(organ: SdiOrgan) -> str:
    """The result column of an organ subtotal, for example ``sdi_renal``."""
    return f"sdi_{organ.value[0]}"


def _item_points(item: SdiItem) -> pl.Expr:
    """The scalar ``item_points`` of one present item; 0 when absent."""
    value = pl.col(item_column(item))
    if item in COUNT_ITEMS:
        return value.cast(pl.Int32).clip(upper_bound=COUNT_ITEM_MAX_POINTS)
    points = ESRD_POINTS if item is SdiItem.RENAL_ESRD else 1
    return value.cast(pl.Int32) * points


def _organ_subtotal(organ: SdiOrgan, names: Collection[str]) -> pl.Expr:
    items = [i for i in SdiItem if organ_of(i) is organ and item_column(i) in names]
    esrd_present = SdiItem.RENAL_ESRD in items
    terms = []
    for item in items:
        points = _item_points(item)
        if esrd_present and item in RENAL_ITEMS_REPLACED_BY_ESRD:
            points = pl.when(pl.col(item_column(SdiItem.RENAL_ESRD))).then(0).otherwise(points)
        terms.append(points)
    if not terms:
        return pl.lit(0, pl.Int32)
    total = pl.sum_horizontal(terms, ignore_nulls=False)
    return total.clip(upper_bound=organ.maximum).cast(pl.Int32)


def sdi_organ_exprs(names: Collection[str]) -> dict[str, pl.Expr]:
    """``{organ column: Int32 subtotal}`` for the 12 organs, each capped at its maximum."""
    return {organ_column(organ): _organ_subtotal(organ, names) for organ in SdiOrgan}


def score_sdi_total(frame: FrameT) -> FrameT:
    """Add ``sdi`` (0-47) and the 12 ``sdi_<organ>`` subtotals to an SDI cohort table.

    Parameters
    ----------
    frame
        A DataFrame or LazyFrame with the columns described in the module docstring.

    Returns
    -------
    polars.DataFrame or polars.LazyFrame
        The input with the organ subtotals and the total, all Int32.

    References
    ----------
    Gladman D et al. Arthritis Rheum 1996;39:363-9. doi:10.1002/art.1780390303

    Notes
    ----- ESRD (3 points) replaces the other renal items (docs/spec/instruments.md §2, pitfall 1);
    count items are capped
    at 2 (pitfall 6); each organ is capped at its published maximum, as in the scalar function.
    Equals :func:`lupus_sct.domain.instruments.lupus.slicc_acr_di.score_sdi_total` row by row
    (tests/property/analytics/test_analytics_slicc_acr_di_agrees.py). Input is not validated here;
    see
    :func:`check_sdi_cohort`.
    """
    organs = sdi_organ_exprs(column_names(frame))
    total = pl.sum_horizontal(list(organs.values()), ignore_nulls=False).cast(pl.Int32)
    return frame.with_columns(**organs, **{SDI_COLUMN: total})


def check_sdi_cohort(frame: Frame) -> None:
    """Reject negative counts, as
    :func:`~lupus_sct.domain.instruments.lupus.slicc_acr_di.score_sdi_total` does.

    Raises
    ------
    InvalidValueError
        When a count column holds a negative value.
    """
    names = column_names(frame)
    for item, column in COUNT_ITEM_COLUMNS.items():
        if column in names:
            value = first_value_where(frame, pl.col(column) < 0, column)
            if value is not None:
                raise InvalidValueError(item.value, value, "a whole number >= 0")
