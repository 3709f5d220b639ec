"""The clinical journey in a real headless Chromium: sign in, enrol, assess with live SLEDAI-2K,
start a course, record the infusion and see day numbers, read an eligibility report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clinic_app_support import PASSWORD, Clinic, sqlite_clinic
from clinic_browser_support import CHROMIUM, CHROMIUM_ARGS, Screenshots, require_chromium, serving
from lupus_sct.domain.records.people import Role

pytestmark = pytest.mark.slow


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[tuple[object, str, Clinic, list[str]]]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    clinic = sqlite_clinic(tmp_path)
    problems: list[str] = []
    with serving(clinic) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        try:
            yield page, base, clinic, problems
        finally:
            browser.close()


def test_a_clinician_records_a_patient_journey_end_to_end(
    browser_page: tuple,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    page, base, clinic, problems = browser_page
    shots = Screenshots(tmp_path, "journey")

    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(clinic.usernames[Role.CLINICIAN])
    page.get_by_label("Password").fill(PASSWORD)
    shots.take(page, "login")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/worklist")
    assert page.get_by_role("heading", name="Worklist: North West Unit").is_visible()
    shots.take(page, "worklist")

    page.goto(f"{base}/patients/new")
    page.get_by_label("Birth date").fill("1985-07-01")
    page.get_by_label("Pseudonym (leave empty to generate)").fill("NWU-BRW01")
    page.get_by_label("Family name").fill("Browserova")
    page.get_by_label("Given name").fill("Synthia")
    page.get_by_label("Hospital number").fill("HN-SYN-0099")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url("**/patients/*")
    assert page.get_by_role("heading", name="Patient NWU-BRW01").is_visible()
    patient_url = page.url

    page.get_by_role("link", name="Record an assessment").click()
    live = page.locator("#sledai-live")
    expect(live).to_have_text("0")
    page.get_by_label("seizure (8)").check()
    # Gladman 2002 (J Rheumatol 29:288), SLEDAI-2K weights: seizure 8
    expect(live).to_have_text("8")
    page.get_by_label("rash (2)").check()
    # seizure 8 + rash 2
    expect(live).to_have_text("10")
    assert live.text_content() == "10"
    shots.take(page, "assessment-live-sledai")
    page.get_by_role("button", name="Save assessment").click()
    page.wait_for_url(patient_url)
    assert page.locator("#current-sledai").text_content() == "10"

    page.get_by_label("Therapy").select_option("autologous_hsct")
    page.get_by_label("Protocol", exact=True).select_option("auto-hsct-sle")
    page.get_by_label("Start date").fill("2026-05-01")
    page.get_by_role("button", name="Start course").click()
    page.wait_for_url("**/courses/*")
    assert page.locator("#day0").text_content() == "not yet infused"

    page.get_by_label("Event", exact=True).select_option("infusion")
    page.get_by_label("Date", exact=True).fill("2026-05-20")
    page.get_by_label("Infusion CD34+ x10^6/kg (optional)").fill("4.5")
    page.get_by_role("button", name="Record event").click()
    page.wait_for_selector("#events td.day")
    assert page.locator("#day0").text_content() == "2026-05-20"
    # The fixed clock says 2026-06-01: 12 days after the 2026-05-20 infusion
    # (docs/spec/pathway.md §4.4).
    assert page.locator("#today-day").text_content() == "day +12"
    page.get_by_label("Event", exact=True).select_option("discharge")
    page.get_by_label("Date", exact=True).fill("2026-05-30")
    page.get_by_role("button", name="Record event").click()
    page.wait_for_selector("text=day +10")
    days = page.locator("#events td.day").all_text_contents()
    assert days == ["day 0", "day +10"]
    shots.take(page, "course-day-numbers")

    page.goto(patient_url)
    assert page.locator("svg.timeline").is_visible()
    shots.take(page, "patient-timeline")
    page.get_by_label("Eligibility for").select_option("auto-hsct-sle")
    page.get_by_role("button", name="Check eligibility").click()
    page.wait_for_url("**/eligibility?protocol=auto-hsct-sle")
    reasons = page.locator("td.reason").all_text_contents()
    assert len(reasons) >= 5
    assert all(reason.strip() for reason in reasons)
    assert page.locator("#overall").is_visible()
    shots.take(page, "eligibility-report")

    page.goto(f"{base}/screening")
    page.get_by_role("button", name="Screen").click()
    expect(page.locator("#job-status")).to_contain_text("(done)")
    assert page.locator("#job-rows tbody tr").count() >= 2
    shots.take(page, "screening-progress")

    assert problems == []  # no script error and no CSP violation in the console
    assert all(path.stat().st_size > 0 for path in shots.saved)


def test_the_keyboard_reaches_the_main_content_and_every_input_has_a_label(
    browser_page: tuple,
    tmp_path: Path,  # type: ignore[type-arg]
) -> None:
    page, base, clinic, problems = browser_page
    page.goto(f"{base}/login")
    expect(page.get_by_label("User name")).to_be_focused()  # autofocus: no mouse needed
    page.keyboard.type(clinic.usernames[Role.CLINICIAN])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/worklist")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(f"{base}/patients/{clinic.patient_a}/assessments/new")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select')]
             .filter(el => !(el.labels && el.labels.length)).map(el => el.name)"""
    )
    assert unlabelled == []
    Screenshots(tmp_path, "keyboard").take(page, "assessment-form")
    assert problems == []
