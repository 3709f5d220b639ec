"""The vectorised SDI ``total`` shape (analytics) equals the scalar domain function row by row.

Expected values come from :func:`lupus_sct.domain.instruments.lupus.slicc_acr_di.score_sdi_total`
(docs/spec/instruments.md
§2 and §12.3): ESRD replacing the other renal items, count items capped at 2 and the organ
maxima. Random subsets of the item columns are left out, as absent keys are in the batch shape.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.slicc_acr_di import (
    SDI_COLUMN,
    check_sdi_cohort,
    item_column,
    organ_column,
    score_sdi_total,
)
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.slicc_acr_di import (
    COUNT_ITEMS,
    RENAL_ITEMS_REPLACED_BY_ESRD,
    SdiItem,
)
from lupus_sct.domain.instruments.lupus.slicc_acr_di import score_sdi_total as score_one

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def item_value(item: SdiItem) -> st.SearchStrategy[Any]:
    if item in COUNT_ITEMS:
        return st.integers(0, 4)
    return st.booleans()


@PROPERTY_SETTINGS
@given(st.frozensets(st.sampled_from(SdiItem), min_size=1), st.booleans(), st.data())
def test_vectorised_sdi_equals_the_domain_score_on_every_row(
    items: frozenset[SdiItem], with_renal: bool, data: st.DataObject
) -> None:
    # Pitfall 1 (ESRD replaces the other renal items) needs all three renal columns together.
    renal = RENAL_ITEMS_REPLACED_BY_ESRD | {SdiItem.RENAL_ESRD} if with_renal else frozenset()
    chosen = [i for i in SdiItem if i in items | renal]
    rows = data.draw(
        st.lists(st.fixed_dictionaries({i: item_value(i) for i in chosen}), max_size=40)
    )
    schema = {item_column(i): pl.Int64 if i in COUNT_ITEMS else pl.Boolean for i in chosen}
    frame = pl.DataFrame([{item_column(i): r[i] for i in chosen} for r in rows], schema=schema)
    scored = score_sdi_total(frame)
    for record, row in zip(rows, scored.iter_rows(named=True), strict=True):
        expected = score_one({item: int(value) for item, value in record.items()})
        assert row[SDI_COLUMN] == expected.score
        for organ, subtotal in expected.organ_scores:
            assert row[organ_column(organ)] == subtotal


def test_the_cohort_check_refuses_a_negative_count() -> None:
    # docs/spec/instruments.md §12.3: integer keys are >= 0.
    frame = pl.DataFrame({"np_cva_count": [1, -1]})
    with pytest.raises(InvalidValueError, match="np_cva"):
        check_sdi_cohort(frame)
