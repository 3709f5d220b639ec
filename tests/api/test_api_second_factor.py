"""The optional TOTP second factor: set up with a code, then required at every sign-in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from clinic_app_support import PASSWORD, sqlite_clinic
from lupus_sct.domain.records.people import Role
from lupus_sct.services.accounts.totp_rfc6238 import STEP_SECONDS, secret_bytes, totp


def test_after_setting_up_totp_a_password_alone_does_not_sign_in(tmp_path: Path) -> None:
    clinic = sqlite_clinic(tmp_path)
    client = clinic.client(Role.CLINICIAN)
    secret = client.post("/api/v1/me/totp", json={"password": PASSWORD}).json()["secret_base32"]
    now = int(clinic.platform.clock.now().timestamp())
    wrong = {"code": "000000", "password": PASSWORD}
    assert client.post("/api/v1/me/totp/confirm", json=wrong).status_code == 422
    code = totp(secret_bytes(secret), now)
    right = {"code": code, "password": PASSWORD}
    assert client.post("/api/v1/me/totp/confirm", json=right).status_code == 204
    clinic.platform.clock.current += timedelta(seconds=STEP_SECONDS)  # type: ignore[attr-defined]
    code = totp(secret_bytes(secret), now + STEP_SECONDS)  # the confirming code is spent

    browser = clinic.client(None)
    prelogin = browser.get("/login").text.split('name="prelogin" value="')[1].split('"')[0]
    signed = browser.post(
        "/login",
        data={
            "username": clinic.usernames[Role.CLINICIAN],
            "password": PASSWORD,
            "prelogin": prelogin,
        },
        follow_redirects=False,
    )
    assert signed.headers["location"] == "/login/code"
    assert browser.get("/api/v1/me").status_code == 401  # pending its code
    page = browser.get("/login/code").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    wrong = browser.post("/login/code", data={"code": "123456", "csrf_token": csrf})
    assert wrong.status_code == 401
    right = browser.post(
        "/login/code", data={"code": code, "csrf_token": csrf}, follow_redirects=False
    )
    assert right.status_code == 303
    assert browser.get("/api/v1/me").json()["role"] == "clinician"
