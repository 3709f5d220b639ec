"""Issue 16: the new-patient form refuses identifiers without the identity scope, as the API does.

Before, the page dropped them silently and enrolled the patient without the names it was sent.
A browser session carries every scope of its role, so the request here signs in with an API token
of the same clinician without the identity scope, the session cookie giving the form its CSRF.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from clinic_app_support import PASSWORD, Clinic
from lupus_sct.domain.records.people import Role

FAMILY, HOSPITAL = "Zqpagefamily", "HN-ZQPAGE-1"


@pytest.fixture
def clinic(clinic_on_each_database: Clinic) -> Clinic:
    return clinic_on_each_database


def _browser_with_token(clinic: Clinic, scopes: list[str]) -> TestClient:
    browser = clinic.client(Role.CLINICIAN)
    issued = browser.post(
        "/api/v1/me/tokens", json={"name": "kiosk", "scopes": scopes, "password": PASSWORD}
    )
    assert issued.status_code == 201, issued.text
    browser.headers["Authorization"] = f"Bearer {issued.json()['token']}"
    return browser


def _post_new_patient(browser: TestClient, clinic: Clinic, pseudonym: str) -> str:
    form = {
        "csrf_token": browser.headers["X-CSRF-Token"],
        "centre_id": clinic.centre_a,
        "sex": "female",
        "birth_date": "1990-01-01",
        "pseudonym": pseudonym,
        "family_name": FAMILY,
        "given_name": "Zq",
        "hospital_number": HOSPITAL,
    }
    answer = browser.post("/patients/new", data=form, follow_redirects=False)
    return f"{answer.status_code} {answer.text}"


def _pseudonyms(clinic: Clinic) -> set[str]:
    listed = clinic.client(Role.ADMIN).get("/api/v1/patients?limit=200").json()["items"]
    return {patient["pseudonym"] for patient in listed}


def test_the_form_refuses_identifiers_without_the_identity_scope_and_stores_nothing(
    clinic: Clinic,
) -> None:
    answer = _post_new_patient(_browser_with_token(clinic, ["read", "write"]), clinic, "NWU-ZQ0101")
    assert answer.startswith("403")
    assert "recording identifiers needs the &#39;identity&#39; scope" in answer
    assert "NWU-ZQ0101" not in _pseudonyms(clinic)


def test_the_form_enrols_with_identifiers_given_the_identity_scope(clinic: Clinic) -> None:
    answer = _post_new_patient(
        _browser_with_token(clinic, ["read", "write", "identity"]), clinic, "NWU-ZQ0102"
    )
    assert answer.startswith("303")
    assert "NWU-ZQ0102" in _pseudonyms(clinic)
