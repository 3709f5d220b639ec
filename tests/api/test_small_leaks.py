"""Issue 15 finding 15, small leaks: what an answer may tell a caller and what a cache keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app_support import Clinic, sqlite_clinic
from lupus_sct.domain.records.people import Role


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    return sqlite_clinic(Path(tmp_path_factory.mktemp("leaks")))


def _enrol(clinic: Clinic, role: Role, pseudonym: str) -> tuple[int, dict[str, object]]:
    response = clinic.client(role).post(
        "/api/v1/patients",
        json={
            "centre_id": clinic.centre_a,
            "sex": "female",
            "birth_date": "1991-02-03",
            "pseudonym": pseudonym,
        },
    )
    return response.status_code, response.json()


def test_a_researchers_404_for_another_centres_pseudonym_names_no_internal_id(
    clinic: Clinic,
) -> None:
    response = clinic.client(Role.RESEARCHER).get("/api/v1/research/patients/SEL-SYN02")
    assert response.status_code == 404
    assert clinic.patient_b not in response.text
    unknown = clinic.client(Role.RESEARCHER).get("/api/v1/research/patients/SEL-NONE99")
    assert (unknown.status_code, unknown.json()["message"]) == (
        404,
        response.json()["message"].replace("SEL-SYN02", "SEL-NONE99"),
    )


def test_a_404_still_names_the_id_the_caller_sent(clinic: Clinic) -> None:
    response = clinic.client(Role.CLINICIAN).get(f"/api/v1/patients/{clinic.patient_b}")
    assert response.status_code == 404
    assert clinic.patient_b in response.json()["message"]


def test_enrolling_with_another_centres_pseudonym_does_not_tell_whether_it_exists(
    clinic: Clinic,
) -> None:
    taken_status, taken = _enrol(clinic, Role.CLINICIAN, "SEL-SYN02")  # held by centre B
    free_status, free = _enrol(clinic, Role.CLINICIAN, "SEL-FREE77")  # held by nobody
    assert taken_status == free_status == 422
    assert taken["field"] == free["field"] == "patient.pseudonym"
    assert taken["accepted"] == free["accepted"]
    assert "exists" not in str(taken["message"])
    assert str(taken["message"]).replace("SEL-SYN02", "SEL-FREE77") == free["message"]


def test_a_pseudonym_in_the_centres_own_series_is_enrolled_and_a_repeat_is_refused(
    clinic: Clinic,
) -> None:
    assert _enrol(clinic, Role.CLINICIAN, "NWU-OWN01")[0] == 201
    status, body = _enrol(clinic, Role.CLINICIAN, "NWU-OWN01")
    assert status == 409
    assert "already exists" in str(body["message"])


def test_the_anonymous_home_page_shows_no_database_url_but_an_administrator_sees_it(
    clinic: Clinic,
) -> None:
    database_file = str(Path(clinic.platform.database_label().removeprefix("sqlite:///")))
    anonymous = clinic.client(None).get("/")
    assert anonymous.status_code == 200
    assert "sqlite" not in anonymous.text
    assert database_file not in anonymous.text
    assert "Database" not in anonymous.text
    clinician = clinic.client(Role.CLINICIAN).get("/")
    assert "sqlite" not in clinician.text
    assert database_file in clinic.client(Role.ADMIN).get("/").text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/patients",
        "/api/v1/patients/{patient}",
        "/api/v1/patients/{patient}/identity",
        "/api/v1/me",
        "/patients/{patient}",
        "/worklist",
    ],
)
def test_every_authenticated_answer_is_marked_no_store(clinic: Clinic, path: str) -> None:
    response = clinic.client(Role.CLINICIAN).get(path.format(patient=clinic.patient_a))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"


def test_static_files_and_the_public_decision_aid_may_be_cached(clinic: Clinic) -> None:
    anonymous = clinic.client(None)
    aid = anonymous.get("/decision-aid")
    assert aid.headers["cache-control"].startswith("public")
    stylesheet = anonymous.get("/decision-aid/static/decision_aid.css")
    assert stylesheet.status_code == 200
    assert stylesheet.headers.get("cache-control") != "no-store"
