"""Every API endpoint x every role x own/other centre: access only where it belongs.

A user of centre A gets 404 for centre B's records (never 403: existence is not revealed);
a role without the endpoint's scope gets 403; no credential gets 401; a researcher never
receives a direct identifier.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clinic_app_support import IDENTIFIERS, PASSWORD, Clinic, sqlite_clinic
from lupus_sct.domain.access.permissions import ROLE_SCOPES, Scope
from lupus_sct.domain.records.people import Role

ANY_SIGNED_IN = "signed-in"
READ_OR_RESEARCH = "read|research"
EVIDENCE_EDITORS = "admin|data_manager"  # roles, not a scope: curating the evidence table

# (method, path template) -> what the request needs; a new route without a row fails the suite.
ENDPOINTS: dict[tuple[str, str], Scope | str] = {
    ("GET", "/api/v1/patients"): Scope.READ,
    ("POST", "/api/v1/patients"): Scope.WRITE,
    ("GET", "/api/v1/patients/{patient_id}"): Scope.READ,
    ("PUT", "/api/v1/patients/{patient_id}"): Scope.WRITE,
    ("GET", "/api/v1/patients/{patient_id}/identity"): Scope.IDENTITY,
    ("PUT", "/api/v1/patients/{patient_id}/identity"): Scope.IDENTITY,
    ("GET", "/api/v1/patients/{patient_id}/assessments"): Scope.READ,
    ("POST", "/api/v1/patients/{patient_id}/assessments"): Scope.WRITE,
    ("POST", "/api/v1/scores/sledai-2k"): Scope.READ,
    ("GET", "/api/v1/patients/{patient_id}/labs"): Scope.READ,
    ("POST", "/api/v1/patients/{patient_id}/labs"): Scope.WRITE,
    ("PUT", "/api/v1/labs/{lab_id}"): Scope.WRITE,
    ("GET", "/api/v1/patients/{patient_id}/medications"): Scope.READ,
    ("POST", "/api/v1/patients/{patient_id}/medications"): Scope.WRITE,
    ("GET", "/api/v1/patients/{patient_id}/adverse-events"): Scope.READ,
    ("POST", "/api/v1/patients/{patient_id}/adverse-events"): Scope.WRITE,
    ("GET", "/api/v1/patients/{patient_id}/courses"): Scope.READ,
    ("POST", "/api/v1/patients/{patient_id}/courses"): Scope.WRITE,
    ("GET", "/api/v1/courses/{course_id}"): Scope.READ,
    ("POST", "/api/v1/courses/{course_id}/events"): Scope.WRITE,
    ("GET", "/api/v1/courses/{course_id}/events"): Scope.READ,
    ("GET", "/api/v1/courses/{course_id}/phases"): Scope.READ,
    ("POST", "/api/v1/courses/{course_id}/phases"): Scope.WRITE,
    ("GET", "/api/v1/courses/{course_id}/schedule"): Scope.READ,
    ("GET", "/api/v1/protocols"): Scope.READ,
    ("GET", "/api/v1/patients/{patient_id}/eligibility"): Scope.READ,
    ("POST", "/api/v1/screenings"): Scope.READ,
    ("GET", "/api/v1/screenings/{job_id}"): Scope.READ,
    ("GET", "/api/v1/worklist"): Scope.READ,
    ("GET", "/api/v1/patients/{patient_id}/disease-course"): Scope.READ,
    ("GET", "/api/v1/evidence"): READ_OR_RESEARCH,
    ("POST", "/api/v1/evidence"): EVIDENCE_EDITORS,
    ("PATCH", "/api/v1/evidence/{evidence_id}"): EVIDENCE_EDITORS,
    ("GET", "/api/v1/me"): ANY_SIGNED_IN,
    ("GET", "/api/v1/me/tokens"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/tokens"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/tokens/{token_id}/revoke"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/totp"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/totp/confirm"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/totp/remove"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/password"): ANY_SIGNED_IN,
    ("GET", "/api/v1/centres"): ANY_SIGNED_IN,
    ("POST", "/api/v1/centres"): Scope.ADMIN,
    ("GET", "/api/v1/users"): Scope.ADMIN,
    ("POST", "/api/v1/users"): Scope.ADMIN,
    ("GET", "/api/v1/users/{username}/tokens"): Scope.ADMIN,
    ("POST", "/api/v1/users/{username}/tokens/{token_id}/revoke"): Scope.ADMIN,
    ("POST", "/api/v1/users/{username}/disable"): Scope.ADMIN,
    ("POST", "/api/v1/users/{username}/enable"): Scope.ADMIN,
    ("POST", "/api/v1/users/{username}/password"): Scope.ADMIN,
    ("GET", "/api/v1/audit"): Scope.AUDIT,
    ("GET", "/api/v1/research/patients"): Scope.RESEARCH,
    ("GET", "/api/v1/research/patients/{pseudonym}"): Scope.RESEARCH,
    ("POST", "/api/v1/me/sign-out-everywhere"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/sign-out"): ANY_SIGNED_IN,
}
SESSION_ENDING = {("POST", "/api/v1/me/sign-out-everywhere"), ("POST", "/api/v1/me/sign-out")}
PUBLIC = {("GET", "/api/v1/health")}
CENTRE_BOUND = ("{patient_id}", "{course_id}", "{lab_id}", "{pseudonym}")


def _bodies(clinic: Clinic, centre: str) -> dict[tuple[str, str], Any]:
    return {
        "/api/v1/patients": {"centre_id": centre, "sex": "male", "birth_date": "1980-01-01"},
        "/api/v1/patients/{patient_id}": {
            "sex": "female",
            "birth_date": "1990-04-12",
            "reason": "matrix",
        },
        "/api/v1/patients/{patient_id}/identity": {
            "family_name": "Synthetica",
            "given_name": "Alicia",
            "hospital_number": "HN-SYN-0001",
            "reason": "matrix",
        },
        "/api/v1/patients/{patient_id}/assessments": {
            "visit_date": "2026-05-01",
            "sledai_descriptors": ["rash"],
        },
        "/api/v1/scores/sledai-2k": {"descriptors": ["rash"]},
        "/api/v1/patients/{patient_id}/labs": {
            "loinc_code": "777-3",
            "value": 200,
            "unit": "10*3/uL",
            "collected_at": "2026-05-01T08:00:00Z",
        },
        "/api/v1/labs/{lab_id}": {
            "loinc_code": "777-3",
            "value": 181,
            "unit": "10*3/uL",
            "collected_at": "2026-03-20T08:00:00Z",
            "reason": "matrix",
        },
        "/api/v1/patients/{patient_id}/medications": {
            "drug_name": "prednisone",
            "rxnorm_code": "8640",
            "drug_class": "glucocorticoid",
            "dose": 5,
            "dose_unit": "mg",
            "route": "oral",
            "frequency": "daily",
            "start_date": "2026-04-01",
        },
        "/api/v1/patients/{patient_id}/adverse-events": {
            "ctcae_term": "Febrile neutropenia",
            "grade": 3,
            "onset_date": "2026-03-05",
            "serious": True,
            "attribution": "probable",
        },
        "/api/v1/patients/{patient_id}/courses": {
            "kind": "msc",
            "protocol_id": "uc-msc-sle",
            "start_date": "2026-05-01",
        },
        "/api/v1/courses/{course_id}/events": {
            "kind": "discharge",
            "event_date": "2026-04-01",
            "details": {"destination": "home"},
        },
        "/api/v1/courses/{course_id}/phases": {
            "phase": "withdrawn",
            "entered_on": "2026-05-01",
            "reason": "matrix",
        },
        "/api/v1/screenings": {"protocol_ids": ["auto-hsct-sle"]},
        "/api/v1/evidence": {
            "study_id": "MATRIX2026",
            "year": 2026,
            "therapy": "autologous HSCT",
            "outcome": "remission",
            "events": 1,
            "total": 2,
            "notes": "[read] synthetic row for the matrix",
        },
        "/api/v1/evidence/{evidence_id}": {"changes": {"events": 6}, "reason": "matrix"},
        "/api/v1/me/tokens": {"name": "matrix", "scopes": ["read"], "password": PASSWORD},
        "/api/v1/me/tokens/{token_id}/revoke": {"password": PASSWORD},
        "/api/v1/me/totp": {"password": PASSWORD},
        "/api/v1/me/totp/confirm": {"code": "000000", "password": PASSWORD},
        "/api/v1/me/totp/remove": {"password": PASSWORD},
        "/api/v1/me/password": {"current_password": PASSWORD, "new_password": PASSWORD},
        "/api/v1/users/{username}/tokens/{token_id}/revoke": {"password": PASSWORD},
        "/api/v1/users/{username}/disable": {"password": PASSWORD},
        "/api/v1/users/{username}/enable": {"password": PASSWORD},
        "/api/v1/users/{username}/password": {"password": PASSWORD},
        "/api/v1/centres": {"code": "NEW", "name": "New", "country": "GB"},
        "/api/v1/users": {
            "username": "matrix-user",
            "display_name": "M",
            "role": "clinician",
            "centre_ids": [centre],
            "password": "a long enough password",
        },
    }


def _path(template: str, clinic: Clinic, own: bool, job_id: str) -> str:
    values = {
        "{patient_id}": clinic.patient_a if own else clinic.patient_b,
        "{course_id}": clinic.course_a if own else clinic.course_b,
        "{lab_id}": clinic.lab_a if own else clinic.lab_b,
        "{pseudonym}": "NWU-SYN01" if own else "SEL-SYN02",
        "{job_id}": job_id,
        "{evidence_id}": "csv-0001",  # TRAYNOR2000 n_treated, 7/9; seeded by the first write
        "{username}": "matrix-user",  # created by the administrator's POST /api/v1/users
        "{token_id}": "no-such-token",
    }
    for key, value in values.items():
        template = template.replace(key, value)
    if template.endswith("/eligibility"):
        template += "?protocol=auto-hsct-sle"
    return template


def _allowed(role: Role, need: Scope | str) -> bool:
    scopes = ROLE_SCOPES[role]
    if need == ANY_SIGNED_IN:
        return True
    if need == READ_OR_RESEARCH:
        return Scope.READ in scopes or Scope.RESEARCH in scopes
    if need == EVIDENCE_EDITORS:
        return role in (Role.ADMIN, Role.DATA_MANAGER)
    return need in scopes


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    return sqlite_clinic(Path(tmp_path_factory.mktemp("matrix")))


def test_the_matrix_lists_every_api_route(clinic: Clinic) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in clinic.app.openapi()["paths"].items()
        for method in operations
    }
    assert routes - PUBLIC == set(ENDPOINTS)


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_each_role_reaches_exactly_its_endpoints_and_only_its_centres(
    clinic: Clinic, role: Role | None
) -> None:
    client = clinic.client(role)
    job = clinic.client(Role.CLINICIAN).post(
        "/api/v1/screenings", json={"protocol_ids": ["auto-hsct-sle"]}
    )
    job_id = job.json()["id"] if role is Role.CLINICIAN else "no-such-job"
    failures = []
    for (method, template), need in ENDPOINTS.items():
        for own in (True, False):
            if not own and not any(key in template for key in CENTRE_BOUND):
                continue
            body = _bodies(clinic, clinic.centre_a if own else clinic.centre_b).get(template)
            requester = clinic.client(role) if (method, template) in SESSION_ENDING else client
            response = requester.request(
                method,
                _path(template, clinic, own, job_id),
                json=body,
                headers={"If-Match": '"1"'} if method in ("PUT", "PATCH") else {},
            )
            expected = _expected(role, need, own, template)
            if not expected(response.status_code):
                failures.append((method, template, own, response.status_code, response.text[:120]))
    assert failures == []


def _expected(role: Role | None, need: Scope | str, own: bool, template: str) -> Any:
    if role is None:
        return lambda status: status == 401
    if not _allowed(role, need):
        return lambda status: status == 403
    if not own and role not in (Role.ADMIN, Role.AUDITOR):
        return lambda status: status == 404
    if template == "/api/v1/screenings/{job_id}" and role is not Role.CLINICIAN:
        return lambda status: status == 404  # a job belongs to the user who started it
    if "{token_id}" in template:
        return lambda status: status == 404  # no such token of this user
    return lambda status: status not in (401, 403, 404, 500)


def _identifiers_in(text: str) -> list[str]:
    return [value for value in IDENTIFIERS if value in text]


def test_a_researcher_never_receives_a_direct_identifier_or_a_date(clinic: Clinic) -> None:
    client = clinic.client(Role.RESEARCHER)
    seen = []
    for (method, template), _ in ENDPOINTS.items():
        if method != "GET":
            continue
        for own in (True, False):
            response = client.get(_path(template, clinic, own, "none"))
            seen.append(response.text)
    timeline = client.get("/api/v1/research/patients/NWU-SYN01")
    assert timeline.status_code == 200
    seen.append(timeline.text)
    assert _identifiers_in("\n".join(seen)) == []
    body = json.dumps(timeline.json())
    assert "2026-" not in body  # day offsets only, no calendar dates
    assert "1990-" not in body
    assert timeline.json()["events"][0]["day"] == 0  # the seeded infusion is day 0


def test_centre_lists_hold_only_the_users_centres(clinic: Clinic) -> None:
    listed = clinic.client(Role.CLINICIAN).get("/api/v1/patients").json()["items"]
    assert {p["pseudonym"] for p in listed} >= {"NWU-SYN01"}
    assert "SEL-SYN02" not in {p["pseudonym"] for p in listed}
    research = clinic.client(Role.RESEARCHER).get("/api/v1/research/patients").text
    assert "SEL-SYN02" not in research
    everyone = clinic.client(Role.ADMIN).get("/api/v1/patients?limit=200").json()["items"]
    assert {"NWU-SYN01", "SEL-SYN02"} <= {p["pseudonym"] for p in everyone}


def test_an_api_token_carries_only_its_scopes(clinic: Clinic) -> None:
    issued = clinic.client(Role.CLINICIAN).post(
        "/api/v1/me/tokens", json={"name": "lab system", "scopes": ["read"], "password": PASSWORD}
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    anonymous = clinic.client(None)
    assert anonymous.get("/api/v1/patients", headers=bearer).status_code == 200
    identity = anonymous.get(f"/api/v1/patients/{clinic.patient_a}/identity", headers=bearer)
    assert identity.status_code == 403
    write = anonymous.post(
        f"/api/v1/patients/{clinic.patient_a}/assessments",
        json={"visit_date": "2026-05-02"},
        headers=bearer,
    )
    assert write.status_code == 403
    refused = clinic.client(Role.RESEARCHER).post(
        "/api/v1/me/tokens", json={"name": "x", "scopes": ["read"], "password": PASSWORD}
    )
    assert refused.status_code == 422  # a researcher cannot mint a scope the role lacks
