"""The account page in a real headless Chromium: set up TOTP, then sign-in asks for its code."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clinic_app_support import PASSWORD, sqlite_clinic
from clinic_browser_support import CHROMIUM, CHROMIUM_ARGS, Screenshots, require_chromium, serving
from lupus_sct.domain.records.people import Role
from lupus_sct.services.accounts.totp_rfc6238 import STEP_SECONDS, secret_bytes, totp

pytestmark = pytest.mark.slow


def test_a_clinician_sets_up_an_authenticator_app_on_the_account_page(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    clinic = sqlite_clinic(tmp_path)
    problems: list[str] = []
    shots = Screenshots(tmp_path, "account")
    with serving(clinic) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{base}/login")
            page.get_by_label("User name").fill(clinic.usernames[Role.CLINICIAN])
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/worklist")

            page.get_by_role("link", name="Test clinician").click()
            page.wait_for_url(f"{base}/account")
            expect(page.get_by_role("heading", name="Your account")).to_be_visible()
            page.locator("#totp-password").fill(PASSWORD)
            page.get_by_role("button", name="Set up an authenticator app").click()
            secret = page.locator("p.caution code").first.inner_text()
            now = int(clinic.platform.clock.now().timestamp())
            page.get_by_label("Code").fill(totp(secret_bytes(secret), now))
            page.locator("#totp-confirm-password").fill(PASSWORD)
            shots.take(page, "totp-secret")
            page.get_by_role("button", name="Turn on").click()
            expect(page.get_by_role("status")).to_contain_text("authenticator app is set up")
            shots.take(page, "totp-on")

            page.get_by_role("button", name="Sign out", exact=True).click()
            page.wait_for_url(f"{base}/login")
            clinic.platform.clock.current += timedelta(seconds=STEP_SECONDS)  # type: ignore[attr-defined]
            page.get_by_label("User name").fill(clinic.usernames[Role.CLINICIAN])
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/login/code")
            expect(page.get_by_role("heading", name="Authenticator code")).to_be_visible()
        finally:
            browser.close()
    assert problems == []  # no script error and no CSP violation in the console
