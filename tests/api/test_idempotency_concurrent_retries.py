"""Issue 15 finding 5: concurrent retries with one Idempotency-Key create exactly one record.

The probe sent 20 concurrent POSTs of one lab with one key, 5 rounds: 30 labs on SQLite and 35 on
PostgreSQL instead of 5. Here the 20 requests of a round are sent to the app at once from 20
threads (each with its own event loop, so the app runs them truly concurrently) and the labs are
counted in the database.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from clinic_app_support import PASSWORD, Clinic
from lupus_sct.domain.records.people import Role
from lupus_sct.http.context import SESSION_COOKIE
from lupus_sct.services.accounts import sign_in as auth

ROUNDS = 5  # the probe's figures (issue 15, finding 5)
RETRIES_PER_ROUND = 20


@pytest.fixture
def clinic(clinic_on_each_database: Clinic) -> Clinic:
    return clinic_on_each_database


def _signed_in_headers(clinic: Clinic) -> dict[str, str]:
    result = auth.sign_in(
        clinic.platform.uow(),
        username=clinic.usernames[Role.CLINICIAN],
        password=PASSWORD,
        hasher=clinic.platform.hasher,
        now=clinic.platform.clock.now(),
    )
    return {
        "Cookie": f"{SESSION_COOKIE}={result.session_secret}",
        "X-CSRF-Token": auth.csrf_token(result.session_secret),
    }


def _round(clinic: Clinic, headers: dict[str, str], key: str) -> list[Response]:
    url = f"/api/v1/patients/{clinic.patient_a}/labs"
    lab = {"loinc_code": "777-3", "value": 210.0, "unit": "10*3/uL"}
    body = {**lab, "collected_at": "2026-05-02T08:00:00Z"}
    start_together = threading.Barrier(RETRIES_PER_ROUND)

    def post(_: int) -> Response:
        with TestClient(clinic.app) as client:
            start_together.wait()
            return client.post(url, json=body, headers={**headers, "Idempotency-Key": key})

    with ThreadPoolExecutor(max_workers=RETRIES_PER_ROUND) as pool:
        return list(pool.map(post, range(RETRIES_PER_ROUND)))


def _lab_count(clinic: Clinic) -> int:
    with clinic.platform.uow() as uow:
        return len(uow.labs.find(patient_id=clinic.patient_a))


def test_twenty_concurrent_retries_in_five_rounds_create_exactly_five_labs(clinic: Clinic) -> None:
    headers = _signed_in_headers(clinic)
    before = _lab_count(clinic)
    for round_number in range(ROUNDS):
        answers = _round(clinic, headers, f"lab-round-{round_number}")
        statuses = sorted({answer.status_code for answer in answers})
        assert set(statuses) <= {201, 409}, statuses
        created = {answer.json()["id"] for answer in answers if answer.status_code == 201}
        assert len(created) == 1  # replays carry the first answer's id
        in_progress = [answer.json() for answer in answers if answer.status_code == 409]
        assert all(error["field"] == "Idempotency-Key" for error in in_progress)
    assert _lab_count(clinic) == before + ROUNDS
