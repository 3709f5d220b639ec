"""ETag / If-Match (409 on a stale write), idempotency keys, the 422 shape and pagination."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app_support import Clinic, sqlite_clinic
from lupus_sct.domain.records.people import Role


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    return sqlite_clinic(Path(tmp_path_factory.mktemp("api")))


def _correction(reason: str) -> dict[str, str]:
    return {"sex": "female", "birth_date": "1990-04-12", "reason": reason}


def test_a_write_with_a_stale_etag_is_refused_with_409(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    url = f"/api/v1/patients/{clinic.patient_a}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag == f'"{first.json()["version"]}"'
    changed = client.put(url, json=_correction("typo"), headers={"If-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    stale = client.put(url, json=_correction("second edit"), headers={"If-Match": etag})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["message"]


def test_a_write_without_if_match_is_refused_with_428(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    response = client.put(f"/api/v1/patients/{clinic.patient_a}", json=_correction("x"))
    assert response.status_code == 428


def test_a_repeated_post_with_the_same_idempotency_key_creates_one_record(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    url = f"/api/v1/patients/{clinic.patient_a}/assessments"
    body = {"visit_date": "2026-05-10", "sledai_descriptors": ["seizure"]}
    before = client.get(url).json()["total"]
    key = {"Idempotency-Key": "visit-2026-05-10"}
    first = client.post(url, json=body, headers=key)
    again = client.post(url, json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.get(url).json()["total"] == before + 1
    other_body = client.post(url, json={**body, "visit_date": "2026-05-11"}, headers=key)
    assert other_body.status_code == 422
    assert other_body.json()["field"] == "Idempotency-Key"


def test_a_domain_refusal_names_field_value_and_what_is_accepted(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/assessments",
        json={"visit_date": "2026-05-01", "pga": 7},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "assessment.pga"
    assert body["value"] == 7
    assert body["accepted"]
    assert body["message"]


def test_a_malformed_body_has_the_same_error_shape(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/assessments", json={"visit_date": "soon"}
    )
    assert response.status_code == 422
    assert set(response.json()) == {"field", "value", "accepted", "message"}
    assert response.json()["field"] == "visit_date"


def test_the_assessment_answer_carries_its_sledai_2k(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/assessments",
        json={"visit_date": "2026-05-20", "sledai_descriptors": ["seizure", "rash"]},
    )
    # Gladman 2002 (J Rheumatol 29:288), SLEDAI-2K weights: seizure 8 + rash 2
    assert response.json()["sledai_2k"]["score"] == 10


def test_lists_are_paged_and_filtered(clinic: Clinic) -> None:
    client = clinic.client(Role.ADMIN)
    for n in range(3):
        client.post(
            "/api/v1/patients",
            json={
                "centre_id": clinic.centre_a,
                "sex": "male",
                "birth_date": "1980-01-01",
                "pseudonym": f"PAGE-{n}",
            },
        )
    page = client.get("/api/v1/patients?pseudonym_prefix=PAGE-&limit=2&offset=1").json()
    assert page["total"] == 3
    assert [p["pseudonym"] for p in page["items"]] == ["PAGE-1", "PAGE-2"]
    assert client.get("/api/v1/patients?limit=0").status_code == 422


def test_the_day_number_of_a_course_event_counts_from_the_infusion(clinic: Clinic) -> None:
    course = clinic.client(Role.CLINICIAN).get(f"/api/v1/courses/{clinic.course_a}").json()
    infusion = next(e for e in course["events"] if e["kind"] == "infusion")
    assert course["day0"] == infusion["event_date"]
    assert infusion["day"] == 0  # docs/spec/pathway.md §4.4: the infusion day is day 0


def test_a_cookie_write_without_the_csrf_header_is_refused(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    del client.headers["X-CSRF-Token"]
    response = client.post("/api/v1/scores/sledai-2k", json={"descriptors": []})
    assert response.status_code == 403


def test_security_headers_are_on_every_answer_and_hsts_only_over_https(clinic: Clinic) -> None:
    plain = clinic.client(None).get("/login")
    csp = plain.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert plain.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in plain.headers
    secure = clinic.client(None, secure=True).get("/api/v1/health")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def _login(clinic: Clinic, password: str, *, secure: bool = False):  # type: ignore[no-untyped-def]
    client = clinic.client(None, secure=secure)
    form = client.get("/login")
    prelogin = form.text.split('name="prelogin" value="')[1].split('"')[0]
    return client.post(
        "/login",
        data={
            "username": clinic.usernames[Role.COORDINATOR],
            "password": password,
            "prelogin": prelogin,
        },
        follow_redirects=False,
    )


def test_the_session_cookie_is_httponly_samesite_strict_and_secure_over_tls(clinic: Clinic) -> None:
    from clinic_app_support import PASSWORD

    response = _login(clinic, PASSWORD, secure=True)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" in cookie


def test_repeated_failed_sign_ins_lock_the_account(tmp_path: Path) -> None:
    from clinic_app_support import PASSWORD

    fresh = sqlite_clinic(tmp_path)
    statuses = [_login(fresh, "wrong password!").status_code for _ in range(5)]
    assert statuses == [401] * 5
    assert _login(fresh, PASSWORD).status_code == 429  # locked even with the right password
