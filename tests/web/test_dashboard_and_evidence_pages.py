"""The cohort dashboard and the evidence explorer through the app: roles, centres, accessible SVG.

The seeded clinic (tests/clinic_app_support.py) has one patient per centre, each with one
autologous HSCT course infused on 2026-03-02; the fixed clock says 2026-06-01.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clinic_app_support import IDENTIFIERS, Clinic, sqlite_clinic
from lupus_sct.domain.evidence.studies import MEMORY_CAUTION
from lupus_sct.domain.records.people import Role

SVG_NS = "{http://www.w3.org/2000/svg}"
CLINICAL_ROLES = (Role.ADMIN, Role.CLINICIAN, Role.COORDINATOR, Role.DATA_MANAGER)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    return sqlite_clinic(Path(tmp_path_factory.mktemp("dashboard")))


def _svgs(html: str) -> list[ET.Element]:
    found = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    return [ET.fromstring(svg) for svg in found]  # noqa: S314 - our own app's output


def _text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)<', html, flags=re.S)
    assert found is not None, element_id
    return found.group(1).strip()


def _assert_no_inline_code(html: str) -> None:
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # CSP: no inline script
    assert " style=" not in html  # CSP: no inline style
    assert "<style" not in html


@pytest.mark.parametrize("role", CLINICAL_ROLES, ids=lambda r: r.value)
def test_clinical_roles_open_both_pages(clinic: Clinic, role: Role) -> None:
    client = clinic.client(role)
    dashboard = client.get("/dashboard")
    evidence = client.get("/evidence")
    assert dashboard.status_code == 200
    assert evidence.status_code == 200
    for page in (dashboard.text, evidence.text):
        assert 'href="/dashboard"' in page
        assert 'href="/evidence"' in page
        _assert_no_inline_code(page)


def test_a_researcher_is_refused_the_dashboard_but_reads_the_evidence(clinic: Clinic) -> None:
    client = clinic.client(Role.RESEARCHER)
    assert client.get("/dashboard").status_code == 403
    evidence = client.get("/evidence")
    assert evidence.status_code == 200  # as GET /api/v1/evidence: no patient data in it
    assert 'href="/dashboard"' not in evidence.text


def test_an_auditor_is_refused_both_pages(clinic: Clinic) -> None:
    client = clinic.client(Role.AUDITOR)
    assert client.get("/dashboard").status_code == 403
    assert client.get("/evidence").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(clinic: Clinic) -> None:
    client = clinic.client(None)
    for path in ("/dashboard", "/evidence"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login"


def test_a_centre_user_never_counts_another_centres_patients(clinic: Clinic) -> None:
    page = clinic.client(Role.CLINICIAN).get("/dashboard").text
    # Seed: one treated patient in each centre; the clinician belongs to centre A only.
    assert _text_of(page, "n-patients") == "1"
    assert "South East Lupus" not in page
    assert [value for value in IDENTIFIERS if value in page] == []
    assert "SEL-SYN02" not in page
    everyone = clinic.client(Role.ADMIN).get("/dashboard").text
    assert _text_of(everyone, "n-patients") == "2"  # the administrator sees every centre


def test_choosing_another_centre_by_id_is_refused_without_its_numbers(clinic: Clinic) -> None:
    response = clinic.client(Role.CLINICIAN).get(f"/dashboard?centre_id={clinic.centre_b}")
    assert response.status_code == 404  # as the API: another centre is "not found"
    assert f"no centre with id {clinic.centre_b!r}" in response.text.replace("&#39;", "'")
    assert 'id="n-patients"' not in response.text


def test_the_therapy_counts_cover_the_users_courses(clinic: Clinic) -> None:
    page = clinic.client(Role.COORDINATOR).get("/dashboard").text
    row = re.search(r"<th scope=\"row\">autologous hsct</th><td>(\d+)</td><td>(\d+)</td>", page)
    assert row is not None
    assert row.groups() == ("1", "1")  # the seeded course: started 2026-01-05, infused 2026-03-02


def test_the_dashboard_draws_the_report_curves_with_title_desc_and_numbers_at_risk(
    clinic: Clinic,
) -> None:
    page = clinic.client(Role.CLINICIAN).get("/dashboard").text
    svgs = _svgs(page)
    assert len(svgs) == 2
    titles = [svg.findtext(f"{SVG_NS}title") or "" for svg in svgs]
    assert "Overall and progression-free survival" in titles[0]
    assert "relapse" in titles[1]
    assert "non-relapse mortality" in titles[1]
    for svg in svgs:
        assert svg.get("role") == "img"
        assert (svg.findtext(f"{SVG_NS}desc") or "").strip()
        assert svg.get("aria-labelledby")
        texts = [t.text for t in svg.iter(f"{SVG_NS}text")]
        assert "Number at risk" in texts
        assert svg.iter(f"{SVG_NS}polygon")  # the confidence band
    assert 'id="landmark-rates"' in page


def test_the_period_filter_is_labelled_and_can_exclude_every_course(clinic: Clinic) -> None:
    client = clinic.client(Role.CLINICIAN)
    page = client.get("/dashboard").text
    for field in ("period_from", "period_to"):
        assert f'<label for="{field}">' in page
    before = client.get("/dashboard?period_from=2020-01-01&period_to=2025-12-31")
    assert before.status_code == 200
    assert 'id="no-cohort"' in before.text  # the seeded infusions are in 2026
    assert _svgs(before.text) == []
    wrong = client.get("/dashboard?period_from=2026-05-01&period_to=2026-01-01")
    assert wrong.status_code == 422
    assert "period.to" in wrong.text


def test_the_evidence_rows_carry_provenance_and_the_memory_caution(clinic: Clinic) -> None:
    page = (
        clinic.client(Role.CLINICIAN)
        .get("/evidence?therapy=autologous+HSCT&outcome=overall_survival")
        .text
    )
    assert 'id="evidence-rows"' in page
    assert "Not verified against the source" in MEMORY_CAUTION
    assert MEMORY_CAUTION in page
    assert "caution-row" in page
    for label in ("therapy", "outcome", "measure"):
        assert f'<label for="{label}">' in page


def test_the_explorer_pools_with_reml_and_draws_an_accessible_forest_plot(clinic: Clinic) -> None:
    page = clinic.client(Role.CLINICIAN).get("/evidence?therapy=MSC&outcome=remission&measure=PLO")
    assert page.status_code == 200
    assert "random effects (REML)" in page.text
    assert _text_of(page.text, "pooled-estimate").endswith("%")
    svgs = _svgs(page.text)
    assert len(svgs) == 1
    forest = svgs[0]
    assert forest.get("role") == "img"
    assert (forest.findtext(f"{SVG_NS}title") or "").startswith("Forest plot")
    assert "REML" in (forest.findtext(f"{SVG_NS}desc") or "")
    _assert_no_inline_code(page.text)


def test_the_explorer_never_pools_nested_cohorts_and_shows_why(clinic: Clinic) -> None:
    page = clinic.client(Role.CLINICIAN).get(
        "/evidence?therapy=autologous+HSCT&outcome=treatment_related_mortality"
    )
    assert page.status_code == 200
    refusal = _text_of(page.text, "refusal")
    # evidence README, "Overlapping cohorts": the Northwestern reports share patients.
    assert "never pooled together" in refusal
    assert "Northwestern programme" in refusal
    assert _svgs(page.text) == []
    assert 'id="pooled-estimate"' not in page.text


def test_leaving_out_the_overlapping_reports_allows_a_pool(clinic: Clinic) -> None:
    page = clinic.client(Role.CLINICIAN).get(
        "/evidence?therapy=autologous+HSCT&outcome=treatment_related_mortality"
        "&exclude=BURT2006&exclude=STATKUTE2005&exclude=LISUKOV2004"
    )
    assert page.status_code == 200
    assert 'id="refusal"' not in page.text
    assert 'id="pooled-estimate"' in page.text
    assert "study excluded on request" in page.text
