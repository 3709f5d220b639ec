"""The cohort dashboard and the evidence explorer in a real headless Chromium, by keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from clinic_app_support import PASSWORD, sqlite_clinic
from clinic_browser_support import CHROMIUM, CHROMIUM_ARGS, Screenshots, require_chromium, serving
from lupus_sct.domain.records.people import Role

pytestmark = pytest.mark.slow


def test_a_clinician_reads_the_dashboard_and_pools_evidence(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    clinic = sqlite_clinic(tmp_path)
    problems: list[str] = []
    shots = Screenshots(tmp_path, "dashboard")
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

            page.get_by_role("navigation", name="Main").get_by_role(
                "link", name="Dashboard"
            ).click()
            page.wait_for_url(f"{base}/dashboard")
            expect(page.get_by_role("heading", name="Cohort dashboard")).to_be_visible()
            # Seed: one treated patient per centre; the other centre's is not counted.
            expect(page.locator("#n-patients")).to_have_text("1")
            charts = page.locator("figure.chart svg")
            expect(charts).to_have_count(2)
            expect(charts.first).to_be_visible()
            shots.take(page, "cohort")

            page.get_by_label("Day 0 from").fill("2020-01-01")
            page.get_by_label("to", exact=True).fill("2025-12-31")
            page.get_by_label("to", exact=True).press("Enter")  # submit by keyboard
            page.wait_for_url("**/dashboard?period_from=2020-01-01*")
            expect(page.locator("#no-cohort")).to_be_visible()

            page.get_by_role("navigation", name="Main").get_by_role("link", name="Evidence").click()
            page.wait_for_url(f"{base}/evidence")
            page.get_by_label("Therapy").select_option("MSC")
            page.get_by_label("Outcome").select_option("remission")
            page.get_by_role("button", name="Show").press("Enter")  # by keyboard
            page.wait_for_url("**/evidence?therapy=MSC&outcome=remission*")
            expect(page.locator("#pooled-estimate")).to_contain_text("%")
            forest = page.locator("figure.forest svg")
            expect(forest).to_be_visible()
            assert (forest.locator("title").first.text_content() or "").startswith("Forest plot")
            shots.take(page, "evidence-forest")

            page.get_by_label("Therapy").select_option("autologous HSCT")
            page.get_by_label("Outcome").select_option("treatment_related_mortality")
            page.get_by_role("button", name="Show").click()
            expect(page.locator("#refusal")).to_contain_text("never pooled together")
            shots.take(page, "evidence-nested-refused")
        finally:
            browser.close()
    assert problems == []  # no script error and no CSP violation in the console
    assert all(path.stat().st_size > 0 for path in shots.saved)
