"""Instants, plausibility and coded terms through the API, on SQLite and PostgreSQL (#15).

Findings 13 (a time with an offset read back shifted), 15 (a prednisone dose of 1e12 mg and a
lab value ``true`` accepted) and 10 (an adverse-event term typed as free text).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from clinic_app_support import Clinic, build_clinic, sqlite_clinic
from lupus_sct.domain.records.people import Role
from lupus_sct.store import database


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def clinic(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Clinic]:
    if request.param == "sqlite":
        yield sqlite_clinic(Path(tmp_path_factory.mktemp("integrity")))
        return
    server: str = request.getfixturevalue("postgres_server")
    schema = f"t_{secrets.token_hex(6)}"
    admin = database.create_engine(server)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    # A session time zone other than UTC: what is read back must still be UTC.
    options = quote(f"-csearch_path={schema} -ctimezone=America/Chicago")
    separator = "&" if "?" in server else "?"
    try:
        yield build_clinic(f"{server}{separator}options={options}")
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _lab(**changes: object) -> dict[str, object]:
    return {
        "loinc_code": "2160-0",
        "value": 1.2,
        "unit": "mg/dL",
        "collected_at": "2026-05-04T10:30:00+01:00",
        **changes,
    }


def _prednisone(dose: object) -> dict[str, object]:
    return {
        "drug_name": "prednisone",
        "rxnorm_code": "8640",
        "drug_class": "glucocorticoid",
        "dose": dose,
        "dose_unit": "mg",
        "route": "oral",
        "frequency": "daily",
        "start_date": "2026-05-01",
    }


def test_a_lab_time_posted_with_an_offset_is_read_back_as_the_same_instant(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    url = f"/api/v1/patients/{clinic.patient_a}/labs"
    created = client.post(url, json=_lab())
    assert created.status_code == 201
    listed = client.get(url).json()["items"]
    (read,) = [lab for lab in listed if lab["id"] == created.json()["id"]]
    assert read["collected_at"] == "2026-05-04T09:30:00Z"


def test_a_lab_value_of_true_is_refused_naming_the_field(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    response = client.post(f"/api/v1/patients/{clinic.patient_a}/labs", json=_lab(value=True))
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "value"
    assert body["value"] is True
    assert body["accepted"]


def test_a_prednisone_dose_of_a_trillion_mg_is_refused_naming_the_field(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    url = f"/api/v1/patients/{clinic.patient_a}/medications"
    response = client.post(url, json=_prednisone(1e12))
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "medication.dose"
    assert "1250" in body["accepted"]


def test_a_methylprednisolone_pulse_of_one_gram_a_day_is_accepted(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    pulse = {
        **_prednisone(1000),
        "drug_name": "methylprednisolone",
        "rxnorm_code": "6902",
        "route": "intravenous",
    }
    response = client.post(f"/api/v1/patients/{clinic.patient_a}/medications", json=pulse)
    assert response.status_code == 201


def test_a_dose_of_true_is_refused(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    url = f"/api/v1/patients/{clinic.patient_a}/medications"
    response = client.post(url, json=_prednisone(True))
    assert response.status_code == 422
    assert response.json()["field"] == "dose"


def test_an_adverse_event_term_outside_ctcae_v5_is_refused(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    url = f"/api/v1/patients/{clinic.patient_a}/adverse-events"
    event = {
        "ctcae_term": "Nausea - wife Maria Lopez informed",
        "grade": 1,
        "onset_date": "2026-05-02",
        "serious": False,
        "attribution": "unrelated",
    }
    refused = client.post(url, json=event)
    assert refused.status_code == 422
    assert refused.json()["field"] == "adverse_event.ctcae_term"
    assert "CTCAE v5.0 term" in refused.json()["accepted"]
    assert client.post(url, json={**event, "ctcae_term": "Nausea"}).status_code == 201
