"""POST and PATCH /api/v1/evidence: audited writes by admins and data managers, If-Match versions.

Expected rows come from the shipped studies.csv: TRAYNOR2000 reports 7 of 9 patients treated
(Traynor 2000, Lancet, abstract). Synthetic rows only otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clinic_app_support import Clinic, sqlite_clinic
from lupus_sct.domain.evidence.studies import MEMORY_CAUTION
from lupus_sct.domain.records.people import Role
from lupus_sct.services.evidence.studies import load_evidence

NEW_ROW: dict[str, Any] = {
    "study_id": "SYNTH2026",
    "year": 2026,
    "therapy": "autologous HSCT",
    "outcome": "remission",
    "timepoint_months": 12,
    "events": 3,
    "total": 10,
    "notes": "[recall] synthetic row",
}
TRAYNOR = "csv-0001"  # the first shipped row: TRAYNOR2000 n_treated, 7/9


@pytest.fixture
def clinic(tmp_path: Path) -> Clinic:
    return sqlite_clinic(tmp_path)


def test_a_data_manager_adds_a_row_that_is_listed_with_its_caution(clinic: Clinic) -> None:
    client = clinic.client(Role.DATA_MANAGER)
    created = client.post("/api/v1/evidence", json=NEW_ROW)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    assert created.json()["caution"] == MEMORY_CAUTION
    listed = client.get("/api/v1/evidence", params={"outcome": "remission", "limit": 200}).json()
    assert "SYNTH2026" in {item["study_id"] for item in listed["items"]}
    everything = client.get("/api/v1/evidence", params={"limit": 1}).json()
    assert everything["total"] == len(load_evidence()) + 1
    assert everything["items"][0]["id"] == TRAYNOR


def test_a_row_the_table_would_refuse_is_422_naming_the_field(clinic: Clinic) -> None:
    client = clinic.client(Role.ADMIN)
    response = client.post("/api/v1/evidence", json={**NEW_ROW, "events": 11})
    assert response.status_code == 422
    assert "events" in response.text


def test_patch_needs_if_match_and_refuses_a_stale_version(clinic: Clinic) -> None:
    client = clinic.client(Role.ADMIN)
    client.post("/api/v1/evidence", json=NEW_ROW)
    body = {"changes": {"events": 6}, "reason": "re-read the full text"}
    assert client.patch(f"/api/v1/evidence/{TRAYNOR}", json=body).status_code == 428
    edited = client.patch(f"/api/v1/evidence/{TRAYNOR}", json=body, headers={"If-Match": '"1"'})
    assert edited.status_code == 200, edited.text
    assert edited.headers["ETag"] == '"2"'
    assert (edited.json()["events"], edited.json()["total"]) == (6, 9)
    stale = client.patch(f"/api/v1/evidence/{TRAYNOR}", json=body, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    audit = clinic.client(Role.ADMIN).get("/api/v1/audit", params={"limit": 200})
    assert audit.status_code == 200
    assert "re-read the full text" in audit.text


def test_a_clinician_cannot_change_the_evidence(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    assert client.post("/api/v1/evidence", json=NEW_ROW).status_code == 403
    body = {"changes": {"events": 6}, "reason": "x"}
    headers = {"If-Match": '"1"'}
    assert (
        client.patch(f"/api/v1/evidence/{TRAYNOR}", json=body, headers=headers).status_code == 403
    )


def test_an_unknown_row_is_404(clinic: Clinic) -> None:
    client = clinic.client(Role.ADMIN)
    body = {"changes": {"events": 6}, "reason": "x"}
    response = client.patch("/api/v1/evidence/nope", json=body, headers={"If-Match": '"1"'})
    assert response.status_code == 404
