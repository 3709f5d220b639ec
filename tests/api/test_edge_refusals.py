"""Issue 15, findings 6, 11 and 12: bad input is a 4xx naming the field, on SQLite and PostgreSQL.

Each case below answered 500 (and dropped the connection) or echoed a 20 MB value before the fix.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from datetime import datetime
from typing import Annotated, Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter, ValidationError

from clinic_app_support import PASSWORD, Clinic
from lupus_sct.domain.records.people import Role
from lupus_sct.http.echo import MAX_ECHOED_CHARS
from lupus_sct.http.limits import MAX_BODY_BYTES

FAMILY, HOSPITAL = "Zqedgefamily", "HN-ZQEDGE-1"
NAIVE = datetime(2027, 1, 1, 8, 0)  # noqa: DTZ001 (the naive time under test)


@pytest.fixture
def clinic(clinic_on_each_database: Clinic) -> Clinic:
    return clinic_on_each_database


def _client(clinic: Clinic, role: Role = Role.CLINICIAN) -> TestClient:
    signed_in = clinic.client(role)
    return TestClient(
        clinic.app,
        raise_server_exceptions=False,
        cookies=signed_in.cookies,
        headers=signed_in.headers,
    )


def _patient(clinic: Clinic, family: str = FAMILY, hospital: str = HOSPITAL) -> dict[str, Any]:
    identity = {"family_name": family, "given_name": "Zq", "hospital_number": hospital}
    return {
        "centre_id": clinic.centre_a,
        "sex": "female",
        "birth_date": "1990-01-01",
        "identity": identity,
    }


def _refused(response: Any, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["field"] == field
    assert set(body) == {"field", "value", "accepted", "message"}
    return body


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800", "\\udfff"])
def test_unstorable_text_in_a_family_name_is_refused_naming_the_field_and_never_logged(
    clinic: Clinic, escape: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = _patient(clinic)
    text = str(body).replace("'", '"').replace(FAMILY, FAMILY + escape).replace("None", "null")
    response = _client(clinic).post(
        "/api/v1/patients", content=text.encode(), headers={"content-type": "application/json"}
    )
    refusal = _refused(response, 422, "identity.family_name")
    assert refusal["value"] is None
    assert FAMILY not in response.text
    assert HOSPITAL not in response.text
    assert FAMILY not in caplog.text
    assert HOSPITAL not in caplog.text


def test_a_nul_in_a_web_form_field_is_refused_naming_the_field(clinic: Clinic) -> None:
    client = _client(clinic)
    form = {
        "csrf_token": client.headers["X-CSRF-Token"],
        "centre_id": clinic.centre_a,
        "sex": "female",
        "birth_date": "1990-01-01",
        "family_name": f"{FAMILY}\x00",
        "given_name": "Zq",
        "hospital_number": HOSPITAL,
    }
    response = client.post("/patients/new", data=form)
    _refused(response, 422, "family_name")
    assert FAMILY not in response.text


def test_a_form_that_is_not_utf8_is_refused_naming_the_field(clinic: Clinic) -> None:
    response = _client(clinic).post(
        "/patients/new",
        content=b"csrf_token=x&family_name=%ED%A0%80",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    _refused(response, 422, "family_name")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/patients/abc%00def", "path"),
        ("/api/v1/patients?pseudonym_prefix=a%00b", "pseudonym_prefix"),
    ],
)
def test_a_nul_in_the_path_or_the_query_string_is_refused_naming_it(
    clinic: Clinic, url: str, field: str
) -> None:
    _refused(_client(clinic).get(url), 422, field)


@pytest.mark.parametrize("version", ["9" * 30, "9" * 12, "2147483648"])
def test_an_if_match_beyond_the_stored_version_range_is_refused_naming_if_match(
    clinic: Clinic, version: str
) -> None:
    response = _client(clinic).put(
        f"/api/v1/patients/{clinic.patient_a}",
        json={"sex": "female", "birth_date": "1990-04-12", "reason": "typo"},
        headers={"If-Match": f'"{version}"'},
    )
    _refused(response, 422, "If-Match")


def test_a_token_expiry_without_a_utc_offset_is_refused_naming_expires_at(clinic: Clinic) -> None:
    response = _client(clinic).post(
        "/api/v1/me/tokens",
        json={
            "name": "lab system",
            "scopes": ["read"],
            "expires_at": NAIVE.isoformat(),
            "password": PASSWORD,
        },
    )
    _refused(response, 422, "expires_at")


def test_every_date_time_of_every_request_body_must_carry_a_utc_offset() -> None:
    checked = 0
    for name in ("schemas_clinical", "schemas_courses", "schemas_people"):
        module = importlib.import_module(f"lupus_sct.api.{name}")
        for model in vars(module).values():
            if not (inspect.isclass(model) and issubclass(model, BaseModel)):
                continue
            if model.model_config.get("extra") != "forbid":
                continue  # a response body: only request bodies forbid unknown fields
            for field in model.model_fields.values():
                annotation = field.annotation
                if field.metadata:
                    annotation = Annotated[annotation, *field.metadata]
                try:
                    accepted = TypeAdapter(annotation).validate_python(NAIVE)
                except ValidationError as exc:
                    checked += "timezone" in str(exc)
                    continue
                assert not isinstance(accepted, datetime), f"{model.__name__} takes naive times"
    assert checked >= 2  # a lab's collected_at and a token's expires_at


def test_an_unknown_therapy_kind_from_the_web_form_is_refused_naming_the_field(
    clinic: Clinic,
) -> None:
    client = _client(clinic)
    form = {
        "csrf_token": client.headers["X-CSRF-Token"],
        "kind": "bogus_therapy",
        "protocol_id": "auto-hsct-sle",
        "start_date": "2026-05-01",
    }
    response = client.post(f"/patients/{clinic.patient_a}/courses", data=form)
    _refused(response, 422, "course.kind")


def test_a_body_over_the_limit_is_refused_with_413_and_not_echoed(clinic: Clinic) -> None:
    huge = "A" * (20 * 1024 * 1024)
    response = _client(clinic).post("/api/v1/patients", json=_patient(clinic, family=huge))
    refusal = _refused(response, 413, "body")
    assert str(MAX_BODY_BYTES) in refusal["accepted"]
    assert len(response.content) < 1_000


def test_a_refusal_shows_a_short_prefix_of_a_long_value_and_its_length(clinic: Clinic) -> None:
    long_pseudonym = "P" * 5_000
    body = {**_patient(clinic), "pseudonym": long_pseudonym}
    refusal = _refused(_client(clinic).post("/api/v1/patients", json=body), 422, "pseudonym")
    assert refusal["value"].startswith("P" * MAX_ECHOED_CHARS)
    assert "5000 characters" in refusal["value"]
    assert long_pseudonym not in str(refusal)


def test_a_refusal_never_echoes_an_identity_value(clinic: Clinic) -> None:
    too_long = FAMILY * 30
    response = _client(clinic).post("/api/v1/patients", json=_patient(clinic, family=too_long))
    refusal = _refused(response, 422, "identity.family_name")
    assert refusal["value"] is None
    assert FAMILY not in response.text


def test_a_deeply_nested_body_is_refused_naming_the_body(clinic: Clinic) -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    response = _client(clinic).post(
        "/api/v1/patients", content=nested, headers={"content-type": "application/json"}
    )
    _refused(response, 422, "body")
