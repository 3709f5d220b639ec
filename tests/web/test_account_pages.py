"""The account and users pages (issue 15, findings 2 and 8): forms with CSRF and the password."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from clinic_app_support import PASSWORD, Clinic
from lupus_sct.domain.records.people import Role
from lupus_sct.services.accounts import sign_in as auth

NEW_PASSWORD = "violet kestrel under marble"


@pytest.fixture
def clinic(clinic_on_each_database: Clinic) -> Clinic:
    return clinic_on_each_database


def _post(browser: TestClient, path: str, **fields: str | list[str]) -> str:
    csrf = browser.headers["X-CSRF-Token"]
    answer = browser.post(path, data={"csrf_token": csrf, **fields})
    return f"{answer.status_code} {answer.text}"


def test_the_account_page_issues_a_token_once_and_revokes_it(clinic: Clinic) -> None:
    browser = clinic.client(Role.CLINICIAN)
    page = browser.get("/account")
    assert page.status_code == 200
    assert "Change password" in page.text
    issued = _post(browser, "/account/tokens", name="lab feed", scopes=["read"], password=PASSWORD)
    assert issued.startswith("200")
    secret = issued.split("shown this once: <code>")[1].split("</code>")[0]
    assert secret.startswith(auth.TOKEN_PREFIX)
    assert secret not in browser.get("/account").text  # shown once only
    token_id = issued.split('action="/account/tokens/')[1].split("/revoke")[0]
    refused = _post(browser, f"/account/tokens/{token_id}/revoke", password="not my password")
    assert refused.startswith("403")
    revoked = _post(browser, f"/account/tokens/{token_id}/revoke", password=PASSWORD)
    assert revoked.startswith("200")
    assert "was revoked" in revoked
    bearer = clinic.client(None)
    bearer.headers["Authorization"] = f"Bearer {secret}"
    assert bearer.get("/api/v1/me").status_code == 401


def test_a_weak_new_password_is_refused_on_the_page_without_repeating_it(clinic: Clinic) -> None:
    browser = clinic.client(Role.CLINICIAN)
    weak = _post(
        browser, "/account/password", current_password=PASSWORD, new_password="aaaaaaaaaaaa"
    )
    assert weak.startswith("422")
    assert "aaaaaaaaaaaa" not in weak


def test_changing_the_password_on_the_page_signs_out_everywhere(clinic: Clinic) -> None:
    browser, other = clinic.client(Role.CLINICIAN), clinic.client(Role.CLINICIAN)
    changed = _post(
        browser, "/account/password", current_password=PASSWORD, new_password=NEW_PASSWORD
    )
    assert changed.startswith("200")
    assert "Signed out" in changed
    assert other.get("/api/v1/me").status_code == 401
    assert browser.get("/account", follow_redirects=False).status_code == 303


def test_an_api_token_cannot_open_the_account_forms(clinic: Clinic) -> None:
    issued = clinic.client(Role.CLINICIAN).post(
        "/api/v1/me/tokens", json={"name": "x", "scopes": ["read"], "password": PASSWORD}
    )
    bearer = clinic.client(None)
    bearer.headers["Authorization"] = f"Bearer {issued.json()['token']}"
    answer = bearer.post("/account/totp", data={"password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"


def test_an_administrator_disables_and_resets_a_user_on_the_users_page(clinic: Clinic) -> None:
    victim = clinic.client(Role.COORDINATOR)
    admin = clinic.client(Role.ADMIN)
    name = clinic.usernames[Role.COORDINATOR]
    assert name in admin.get("/admin/users").text
    disabled = _post(admin, f"/admin/users/{name}/disable", password=PASSWORD)
    assert disabled.startswith("200")
    assert victim.get("/api/v1/me").status_code == 401
    assert _post(admin, f"/admin/users/{name}/enable", password=PASSWORD).startswith("200")
    reset = _post(admin, f"/admin/users/{name}/password", password=PASSWORD)
    new_password = reset.split("shown this once: <code>")[1].split("</code>")[0]
    signed = auth.sign_in(
        clinic.platform.uow(),
        username=name,
        password=new_password,
        hasher=clinic.platform.hasher,
        now=clinic.platform.clock.now(),
    )
    assert signed.session_secret


def test_only_an_administrator_sees_the_users_page(clinic: Clinic) -> None:
    assert clinic.client(Role.CLINICIAN).get("/admin/users").status_code == 403


def test_the_users_page_offers_no_disable_or_reset_of_the_administrators_own_account(
    clinic: Clinic,
) -> None:
    admin = clinic.client(Role.ADMIN)
    own = clinic.usernames[Role.ADMIN]
    other = clinic.usernames[Role.COORDINATOR]
    page = admin.get("/admin/users").text
    assert f"/admin/users/{own}/disable" not in page
    assert f"/admin/users/{own}/password" not in page
    assert f"/admin/users/{other}/disable" in page
    # the service refuses it too: a locked-out last administrator could not be undone in the UI
    refused = _post(admin, f"/admin/users/{own}/disable", password=PASSWORD)
    assert refused.startswith("422")
