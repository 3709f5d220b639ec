"""Issue 15 findings 2, 3, 8 and the lockout leak of 15, probed through the API and sign-in pages.

Each test reproduces a measured finding (it failed before the fix) on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from clinic_app_support import PASSWORD, Clinic
from lupus_sct.domain.access.sign_in import (
    MAX_CODES_PER_PENDING_SIGN_IN,
    MAX_FAILED_CODES_PER_ACCOUNT,
    MAX_FAILED_LOGINS,
    MAX_TOKEN_LIFETIME,
)
from lupus_sct.domain.records.people import Role
from lupus_sct.http.context import SESSION_COOKIE
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.accounts.totp_rfc6238 import STEP_SECONDS, secret_bytes, totp

NEW_PASSWORD = "violet kestrel under marble"  # zxcvbn score 4


@pytest.fixture
def clinic(clinic_on_each_database: Clinic) -> Clinic:
    return clinic_on_each_database


def _token(clinic: Clinic, role: Role, scopes: list[str], **extra: str) -> str:
    issued = clinic.client(role).post(
        "/api/v1/me/tokens",
        json={"name": "lab system", "scopes": scopes, "password": PASSWORD, **extra},
    )
    assert issued.status_code == 201, issued.text
    return str(issued.json()["token"])


def _bearer(clinic: Clinic, token: str) -> TestClient:
    client = clinic.client(None)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _enrol_totp(clinic: Clinic, role: Role, client: TestClient | None = None) -> str:
    client = client or clinic.client(role)
    started = client.post("/api/v1/me/totp", json={"password": PASSWORD})
    secret = str(started.json()["secret_base32"])
    code = totp(secret_bytes(secret), int(clinic.platform.clock.now().timestamp()))
    confirmed = client.post("/api/v1/me/totp/confirm", json={"code": code, "password": PASSWORD})
    assert confirmed.status_code == 204, confirmed.text
    return secret


def _next_step(clinic: Clinic) -> None:
    clinic.platform.clock.current += timedelta(seconds=STEP_SECONDS)  # type: ignore[attr-defined]


def _pending_browser(clinic: Clinic, role: Role) -> TestClient:
    """A browser whose password was accepted and which now owes a TOTP code."""
    result = auth.sign_in(
        clinic.platform.uow(),
        username=clinic.usernames[role],
        password=PASSWORD,
        hasher=clinic.platform.hasher,
        now=clinic.platform.clock.now(),
    )
    assert result.needs_second_factor
    browser = clinic.client(None)
    browser.cookies.set(SESSION_COOKIE, result.session_secret)
    browser.headers["X-CSRF-Token"] = auth.csrf_token(result.session_secret)
    return browser


def _send_code(browser: TestClient, code: str) -> int:
    csrf = browser.headers["X-CSRF-Token"]
    answer = browser.post(
        "/login/code", data={"code": code, "csrf_token": csrf}, follow_redirects=False
    )
    return answer.status_code


def _right_code(clinic: Clinic, secret: str) -> str:
    return totp(secret_bytes(secret), int(clinic.platform.clock.now().timestamp()))


def _wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"


# Finding 2: a read token took over the second factor.


def test_a_read_token_cannot_enrol_a_second_factor(clinic: Clinic) -> None:
    thief = _bearer(clinic, _token(clinic, Role.CLINICIAN, ["read"]))
    started = thief.post("/api/v1/me/totp", json={"password": PASSWORD})
    assert started.status_code == 403
    assert "never with an API token" in started.json()["message"]
    confirm = thief.post("/api/v1/me/totp/confirm", json={"code": "123456", "password": PASSWORD})
    assert confirm.status_code == 403


def test_security_settings_need_the_password_typed_again(clinic: Clinic) -> None:
    browser = clinic.client(Role.CLINICIAN)
    assert browser.post("/api/v1/me/totp", json={}).status_code == 422
    wrong = browser.post("/api/v1/me/totp", json={"password": "not the password at all"})
    assert wrong.status_code == 403
    assert "not the password" not in wrong.text  # the typed value is never echoed
    tokens = browser.post(
        "/api/v1/me/tokens", json={"name": "x", "scopes": ["read"], "password": "wrong one"}
    )
    assert tokens.status_code == 403


# Finding 3: no attempt limit on the TOTP step.


def test_a_pending_sign_in_ends_after_five_wrong_codes(clinic: Clinic) -> None:
    secret = _enrol_totp(clinic, Role.CLINICIAN)
    _next_step(clinic)
    browser = _pending_browser(clinic, Role.CLINICIAN)
    right = _right_code(clinic, secret)
    wrong = [_send_code(browser, _wrong_code(right)) for _ in range(MAX_CODES_PER_PENDING_SIGN_IN)]
    assert wrong == [401] * MAX_CODES_PER_PENDING_SIGN_IN
    assert _send_code(browser, right) == 401  # the pending session was ended
    assert browser.get("/api/v1/me").status_code == 401


def test_wrong_codes_across_sessions_stop_the_account_taking_codes(clinic: Clinic) -> None:
    secret = _enrol_totp(clinic, Role.CLINICIAN)
    _next_step(clinic)
    right = _right_code(clinic, secret)
    for _ in range(MAX_FAILED_CODES_PER_ACCOUNT // 2):
        browser = _pending_browser(clinic, Role.CLINICIAN)
        assert [_send_code(browser, _wrong_code(right)) for _ in range(2)] == [401, 401]
    fresh = _pending_browser(clinic, Role.CLINICIAN)
    assert _send_code(fresh, right) == 429
    assert fresh.get("/api/v1/me").status_code == 401


def test_a_totp_code_is_accepted_once_only(clinic: Clinic) -> None:
    secret = _enrol_totp(clinic, Role.CLINICIAN)
    _next_step(clinic)
    code = _right_code(clinic, secret)
    first = _pending_browser(clinic, Role.CLINICIAN)
    assert _send_code(first, code) == 303
    replay = _pending_browser(clinic, Role.CLINICIAN)
    assert _send_code(replay, code) == 401  # RFC 6238 s5.2: the step was used
    assert replay.get("/api/v1/me").status_code == 401


def test_a_removed_second_factor_is_no_longer_asked_for(clinic: Clinic) -> None:
    browser = clinic.client(Role.CLINICIAN)
    _enrol_totp(clinic, Role.CLINICIAN, browser)
    assert browser.post("/api/v1/me/totp/remove", json={"password": PASSWORD}).status_code == 204
    result = auth.sign_in(
        clinic.platform.uow(),
        username=clinic.usernames[Role.CLINICIAN],
        password=PASSWORD,
        hasher=clinic.platform.hasher,
        now=clinic.platform.clock.now(),
    )
    assert not result.needs_second_factor


# Finding 8: access could not be ended.


def test_a_revoked_token_stops_working(clinic: Clinic) -> None:
    token = _token(clinic, Role.CLINICIAN, ["read"])
    assert _bearer(clinic, token).get("/api/v1/patients").status_code == 200
    browser = clinic.client(Role.CLINICIAN)
    listed = browser.get("/api/v1/me/tokens").json()
    assert [t["usable"] for t in listed] == [True]
    assert "token" not in listed[0]  # the secret is never listed
    revoked = browser.post(
        f"/api/v1/me/tokens/{listed[0]['id']}/revoke", json={"password": PASSWORD}
    )
    assert revoked.status_code == 200
    assert _bearer(clinic, token).get("/api/v1/patients").status_code == 401


def test_a_user_cannot_revoke_another_users_token(clinic: Clinic) -> None:
    _token(clinic, Role.COORDINATOR, ["read"])
    admin = clinic.client(Role.ADMIN)
    theirs = admin.get(f"/api/v1/users/{clinic.usernames[Role.COORDINATOR]}/tokens").json()[0]
    other = clinic.client(Role.CLINICIAN).post(
        f"/api/v1/me/tokens/{theirs['id']}/revoke", json={"password": PASSWORD}
    )
    assert other.status_code == 404


def test_an_administrator_revokes_any_token(clinic: Clinic) -> None:
    token = _token(clinic, Role.COORDINATOR, ["read"])
    admin = clinic.client(Role.ADMIN)
    path = f"/api/v1/users/{clinic.usernames[Role.COORDINATOR]}/tokens"
    token_id = admin.get(path).json()[0]["id"]
    revoked = admin.post(f"{path}/{token_id}/revoke", json={"password": PASSWORD})
    assert revoked.status_code == 200
    assert _bearer(clinic, token).get("/api/v1/patients").status_code == 401


def test_a_token_lives_thirty_days_by_default_and_never_beyond_ninety(clinic: Clinic) -> None:
    issued_at = clinic.platform.clock.now()
    token = _token(clinic, Role.CLINICIAN, ["read"])
    listed = clinic.client(Role.CLINICIAN).get("/api/v1/me/tokens").json()[0]
    assert listed["expires_at"].startswith((issued_at + timedelta(days=30)).date().isoformat())
    too_long = (issued_at + MAX_TOKEN_LIFETIME + timedelta(days=1)).isoformat()
    refused = clinic.client(Role.CLINICIAN).post(
        "/api/v1/me/tokens",
        json={"name": "x", "scopes": ["read"], "password": PASSWORD, "expires_at": too_long},
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "api_token.expires_at"
    clinic.platform.clock.current += timedelta(days=31)  # type: ignore[attr-defined]
    assert _bearer(clinic, token).get("/api/v1/patients").status_code == 401


def test_signing_out_everywhere_ends_sessions_and_tokens(clinic: Clinic) -> None:
    token = _token(clinic, Role.CLINICIAN, ["read"])
    other_browser = clinic.client(Role.CLINICIAN)
    browser = clinic.client(Role.CLINICIAN)
    ended = browser.post("/api/v1/me/sign-out-everywhere")
    assert ended.status_code == 200
    assert ended.json()["ended"] >= 3  # both browsers and the token (and the helper's sessions)
    assert browser.get("/api/v1/me").status_code == 401
    assert other_browser.get("/api/v1/me").status_code == 401
    assert _bearer(clinic, token).get("/api/v1/me").status_code == 401


def test_signing_out_ends_the_session(clinic: Clinic) -> None:
    browser = clinic.client(Role.CLINICIAN)
    assert browser.post("/api/v1/me/sign-out").status_code == 204
    assert browser.get("/api/v1/me").status_code == 401


def test_changing_the_password_ends_every_session_and_token(clinic: Clinic) -> None:
    token = _token(clinic, Role.CLINICIAN, ["read"])
    browser = clinic.client(Role.CLINICIAN)
    wrong = browser.post(
        "/api/v1/me/password",
        json={"current_password": "a wrong password", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 403
    changed = browser.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 204
    assert browser.get("/api/v1/me").status_code == 401
    assert _bearer(clinic, token).get("/api/v1/me").status_code == 401
    with pytest.raises(auth.AuthenticationError):
        _sign_in(clinic, Role.CLINICIAN, PASSWORD)
    assert _sign_in(clinic, Role.CLINICIAN, NEW_PASSWORD).session_secret


def test_a_new_password_must_pass_the_password_rules(clinic: Clinic) -> None:
    weak = clinic.client(Role.CLINICIAN).post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "password1234"},
    )
    assert weak.status_code == 422
    assert weak.json()["field"] == "new_password"
    assert "password1234" not in weak.text


def _sign_in(clinic: Clinic, role: Role, password: str) -> auth.SignIn:
    return auth.sign_in(
        clinic.platform.uow(),
        username=clinic.usernames[role],
        password=password,
        hasher=clinic.platform.hasher,
        now=clinic.platform.clock.now(),
    )


def test_disabling_a_user_ends_their_sessions_and_tokens(clinic: Clinic) -> None:
    token = _token(clinic, Role.CLINICIAN, ["read"])
    victim = clinic.client(Role.CLINICIAN)
    admin = clinic.client(Role.ADMIN)
    path = f"/api/v1/users/{clinic.usernames[Role.CLINICIAN]}"
    disabled = admin.post(f"{path}/disable", json={"password": PASSWORD})
    assert disabled.status_code == 200
    assert disabled.json()["active"] is False
    assert victim.get("/api/v1/me").status_code == 401
    assert _bearer(clinic, token).get("/api/v1/me").status_code == 401
    with pytest.raises(auth.AuthenticationError):
        _sign_in(clinic, Role.CLINICIAN, PASSWORD)
    assert admin.post(f"{path}/enable", json={"password": PASSWORD}).json()["active"] is True
    assert _sign_in(clinic, Role.CLINICIAN, PASSWORD).session_secret
    assert _bearer(clinic, token).get("/api/v1/me").status_code == 401  # tokens stay revoked


def test_an_administrator_token_cannot_disable_a_user(clinic: Clinic) -> None:
    admin_token = _bearer(clinic, _token(clinic, Role.ADMIN, ["admin"]))
    path = f"/api/v1/users/{clinic.usernames[Role.CLINICIAN]}/disable"
    assert admin_token.post(path, json={"password": PASSWORD}).status_code == 403


def test_an_administrator_reset_ends_access_and_hands_over_a_new_password(clinic: Clinic) -> None:
    victim = clinic.client(Role.CLINICIAN)
    admin = clinic.client(Role.ADMIN)
    reset = admin.post(
        f"/api/v1/users/{clinic.usernames[Role.CLINICIAN]}/password", json={"password": PASSWORD}
    )
    assert reset.status_code == 200
    assert victim.get("/api/v1/me").status_code == 401
    assert _sign_in(clinic, Role.CLINICIAN, reset.json()["new_password"]).session_secret


def test_an_administrator_cannot_disable_their_own_account(clinic: Clinic) -> None:
    admin = clinic.client(Role.ADMIN)
    own = admin.post(
        f"/api/v1/users/{clinic.usernames[Role.ADMIN]}/disable", json={"password": PASSWORD}
    )
    assert own.status_code == 422
    assert own.json()["field"] == "username"


# Finding 15 (part): anonymous failures locked any account.


def _web_login(clinic: Clinic, password: str, address: str) -> int:
    browser = TestClient(clinic.app, client=(address, 50000))
    prelogin = browser.get("/login").text.split('name="prelogin" value="')[1].split('"')[0]
    answer = browser.post(
        "/login",
        data={"username": clinic.usernames[Role.ADMIN], "password": password, "prelogin": prelogin},
        follow_redirects=False,
    )
    return answer.status_code


def test_an_attackers_failures_do_not_lock_the_owner_out(clinic: Clinic) -> None:
    attacker, owner = "203.0.113.9", "198.51.100.20"  # RFC 5737 documentation addresses
    failures = [_web_login(clinic, "guess number one", attacker) for _ in range(MAX_FAILED_LOGINS)]
    assert failures == [401] * MAX_FAILED_LOGINS
    assert _web_login(clinic, "guess number two", attacker) == 429  # the attacker is throttled
    assert _web_login(clinic, PASSWORD, attacker) == 429
    assert _web_login(clinic, PASSWORD, owner) == 303  # the owner signs in from elsewhere


# Finding 9: passwords were checked for length only.


@pytest.mark.parametrize("weak", ["            ", "password1234", "aaaaaaaaaaaa"])
def test_an_administrator_cannot_create_an_account_with_a_probed_weak_password(
    clinic: Clinic, weak: str
) -> None:
    created = clinic.client(Role.ADMIN).post(
        "/api/v1/users",
        json={
            "username": "new-clinician",
            "display_name": "New",
            "role": "clinician",
            "centre_ids": [clinic.centre_a],
            "password": weak,
        },
    )
    assert created.status_code == 422
    assert created.json()["field"] == "user.password"
    assert weak not in created.text  # never echoed
