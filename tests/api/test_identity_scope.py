"""Issue 16: identifiers sent without the identity scope are refused by the use case (403 here).

The same rule answers a 'forbidden' page in the web (tests/web/test_identity_scope_pages.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from clinic_app_support import PASSWORD, Clinic
from lupus_sct.domain.records.people import Role

FAMILY, HOSPITAL = "Zqscopefamily", "HN-ZQSCOPE-1"


@pytest.fixture
def clinic(clinic_on_each_database: Clinic) -> Clinic:
    return clinic_on_each_database


def _bearer(clinic: Clinic, scopes: list[str]) -> dict[str, str]:
    issued = clinic.client(Role.CLINICIAN).post(
        "/api/v1/me/tokens", json={"name": "lab feed", "scopes": scopes, "password": PASSWORD}
    )
    assert issued.status_code == 201, issued.text
    return {"Authorization": f"Bearer {issued.json()['token']}"}


def _enrolment(clinic: Clinic, pseudonym: str, *, with_identity: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "centre_id": clinic.centre_a,
        "sex": "female",
        "birth_date": "1990-01-01",
        "pseudonym": pseudonym,
    }
    if with_identity:
        body["identity"] = {"family_name": FAMILY, "given_name": "Zq", "hospital_number": HOSPITAL}
    return body


def _pseudonyms(clinic: Clinic) -> set[str]:
    listed = clinic.client(Role.ADMIN).get("/api/v1/patients?limit=200").json()["items"]
    return {patient["pseudonym"] for patient in listed}


def test_enrolling_with_identifiers_without_the_identity_scope_is_refused_and_stores_nothing(
    clinic: Clinic,
) -> None:
    bearer = _bearer(clinic, ["read", "write"])
    refused = clinic.client(None).post(
        "/api/v1/patients",
        json=_enrolment(clinic, "NWU-ZQ0001", with_identity=True),
        headers=bearer,
    )
    assert refused.status_code == 403, refused.text
    assert "'identity' scope" in refused.json()["message"]
    assert FAMILY not in refused.text
    assert "NWU-ZQ0001" not in _pseudonyms(clinic)


def test_the_same_token_enrols_a_patient_without_identifiers(clinic: Clinic) -> None:
    bearer = _bearer(clinic, ["read", "write"])
    enrolled = clinic.client(None).post(
        "/api/v1/patients",
        json=_enrolment(clinic, "NWU-ZQ0002", with_identity=False),
        headers=bearer,
    )
    assert enrolled.status_code == 201, enrolled.text
    assert "NWU-ZQ0002" in _pseudonyms(clinic)


def test_a_token_with_the_identity_scope_enrols_with_identifiers(clinic: Clinic) -> None:
    bearer = _bearer(clinic, ["read", "write", "identity"])
    anonymous = clinic.client(None)
    enrolled = anonymous.post(
        "/api/v1/patients",
        json=_enrolment(clinic, "NWU-ZQ0003", with_identity=True),
        headers=bearer,
    )
    assert enrolled.status_code == 201, enrolled.text
    identity = anonymous.get(f"/api/v1/patients/{enrolled.json()['id']}/identity", headers=bearer)
    assert identity.json()["family_name"] == FAMILY
