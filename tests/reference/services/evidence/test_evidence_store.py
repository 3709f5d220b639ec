"""The shipped evidence table against its own README (../shared/data/evidence/README.md).

Expected counts come from the README ("147 rows covering 35 study entries") and from reading
studies.csv: 3 rows carry a memory marker in ``notes`` (BURT2006 x2 [recall of abstract],
SUN2010 [recall]) and 1 row is ``[not retrieved]`` (CAO2017).
"""

from __future__ import annotations

import pytest

from lupus_sct.analytics.meta_analysis import Measure, Model
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.evidence.studies import Provenance, evidence_row, parse_provenance
from lupus_sct.services.evidence.studies import (
    NestedCohortError,
    PoolingOptions,
    load_evidence,
    pool_evidence,
    select_evidence,
)


def test_all_147_rows_of_35_studies_load() -> None:
    rows = load_evidence()
    assert len(rows) == 147  # README
    assert len({row.study_id for row in rows}) == 35  # README


def test_provenance_is_parsed_from_the_notes_marker() -> None:
    rows = load_evidence()
    memory = sorted(row.study_id for row in rows if row.provenance is Provenance.MEMORY)
    assert memory == ["BURT2006", "BURT2006", "SUN2010"]
    assert [r.study_id for r in rows if r.provenance is Provenance.NOT_RETRIEVED] == ["CAO2017"]
    kamen = next(r for r in rows if r.outcome == "sri4_with_taper")
    assert kamen.provenance is Provenance.READ
    farge = next(r for r in rows if r.study_id == "FARGE2010_EBMT")
    assert farge.provenance is Provenance.SECONDARY  # "[read, secondary source]"


def test_recalled_rows_carry_the_caution_and_verify_flags_are_set() -> None:
    rows = load_evidence()
    assert all(row.needs_caution for row in rows if row.provenance is Provenance.MEMORY)
    traynor = next(row for row in rows if row.study_id == "TRAYNOR2002")
    assert traynor.needs_verification  # notes: "title/ids from recall"


def test_unknown_markers_are_refused_naming_row_and_field() -> None:
    assert parse_provenance("[derived] CI from SE") is Provenance.DERIVED
    record = {column: "" for column in ("first_author", "journal", "pmid_or_doi", "cell_source")}
    record |= {"design": "", "n": "5", "median_followup_months": "", "definition": ""}
    record |= {"timepoint_months": "", "estimate": "", "ci_low": "", "ci_high": ""}
    record |= {"study_id": "X2020", "year": "2020", "therapy": "MSC", "outcome": "remission"}
    record |= {"events": "3", "total": "5", "notes": "[guess] made up"}
    with pytest.raises(InvalidValueError, match=r"row 7 \(X2020\)\.notes"):
        evidence_row(record, 7)
    with pytest.raises(InvalidValueError, match=r"row 7 \(X2020\)\.events"):
        evidence_row(record | {"events": "6", "notes": "[read]"}, 7)


def test_nested_cohorts_are_refused_in_one_pool_with_a_clear_error() -> None:
    # README: TRAYNOR2002 and STATKUTE2005 and BURT2006 are one Northwestern programme.
    rows = select_evidence(
        load_evidence(), therapy="autologous HSCT", outcome="treatment_related_mortality"
    )
    with pytest.raises(NestedCohortError, match="Northwestern programme"):
        pool_evidence(rows, PoolingOptions(Measure.PLO), exclude_studies=["LISUKOV2004"])


def test_one_study_twice_is_refused() -> None:
    rows = select_evidence(load_evidence(), therapy="MSC", outcome="relapse")
    with pytest.raises(NestedCohortError, match="WANG2013_CT has 4 rows"):
        pool_evidence(rows, PoolingOptions(Measure.PLO), exclude_studies=["WANG2017_EULAR"])


def test_not_retrieved_rows_are_never_analysed() -> None:
    rows = load_evidence()
    cao = [row for row in rows if row.study_id == "CAO2017"]
    kamen = [row for row in rows if row.outcome == "sri4_with_taper"]
    pooled = pool_evidence([*cao, *kamen], PoolingOptions(Measure.PLO, Model.FE))
    assert [row.study_id for row in pooled.rows] == ["KAMEN2022"]
    assert "never analysed" in pooled.excluded[0].reason


def test_placebo_arms_are_not_pooled_as_the_therapy() -> None:
    rows = select_evidence(load_evidence(), therapy="MSC", outcome="remission")
    pooled = pool_evidence(rows, PoolingOptions(Measure.PFT, Model.DL))
    assert sorted(row.study_id for row in pooled.rows) == [
        "CARRION2010",
        "DENG2017",
        "WANG2017_EULAR",
    ]
    assert any("placebo" in item.reason for item in pooled.excluded)
