"""The programme report end to end: a synthetic cohort seeded through the services into a
migrated SQLite file, the numbers, the HTML and PDF, the first page as PNG, and the CLI.

Expected values are worked by hand from the cohort table in ``tests/programme_cohort.py`` with
the published estimators: Kaplan & Meier 1958, Aalen & Johansen 1978, Clopper & Pearson 1934.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lupus_sct.analytics.programme_indicators import programme_indicators
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.cli.report import app
from lupus_sct.rendering.programme_report import (
    TEMPLATE,
    TEMPLATES,
    render_html,
    render_pdf,
    report_context,
)
from lupus_sct.services.views.programme_report import ProgrammeReport, programme_report
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from programme_cohort import AS_OF, PERIOD, seed_programme_cohort

INSTRUMENT_NAMES = re.compile(r"SLEDAI-2K|SRI-4|CTCAE|Kaplan-Meier|Aalen-Johansen|one-year")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    path = tmp_path_factory.mktemp("programme") / "programme.db"
    engine = database.create_engine(f"sqlite:///{path}")
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        seed_programme_cohort(uow)
        uow.commit()
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def report(engine: sa.Engine) -> ProgrammeReport:
    return programme_report(
        SqlUnitOfWork(engine),
        centre_code="NWU",
        period_from=PERIOD[0],
        period_to=PERIOD[1],
        as_of=AS_OF,
    )


def test_registry_indicators_match_the_hand_worked_cohort(report: ProgrammeReport) -> None:
    indicators = report.indicators
    assert indicators is not None
    # 4 patients; N2 dies on day 80 without relapse: NRM 0 at day 30, 1/4 at day 100 and 365
    assert [round(r.estimate, 4) for r in indicators.trm] == [0.0, 0.25, 0.25]
    # KM OS at 1 year: 1 death of 4 at risk on day 80 -> 3/4
    assert indicators.os_at[0].estimate == pytest.approx(0.75)
    # PFS at 1 year: death day 80 (4 at risk), relapse day 300 (3 at risk) -> 3/4 x 2/3 = 1/2
    assert indicators.pfs_at[0].estimate == pytest.approx(0.5)
    # 5-year estimates are beyond the longest follow-up (850 days): not estimated
    assert all(r.estimate != r.estimate for r in indicators.os_at[1:])
    # everyone engrafts on day 9: 4/4, Clopper-Pearson lower limit 0.025 ** (1/4)
    assert indicators.engraftment is not None
    assert (indicators.engraftment.events, indicators.engraftment.total) == (4, 4)
    assert indicators.engraftment.exact_lower == pytest.approx(0.025**0.25)
    # infections: days 10 and 20 in period 0-30 (2 of 4 patients), day 50 in 31-100 (1 of 4);
    # day 101-365 has 3 at risk (N2 died on day 80)
    assert [(p.infections, p.n_at_risk) for p in indicators.infections] == [(2, 4), (1, 4), (0, 3)]
    assert indicators.severe_by_grade == ((3, 1), (4, 1), (5, 0))


def test_benchmarking_compares_both_centres_with_the_pooled_cohort(report: ProgrammeReport) -> None:
    bench = report.benchmarking
    assert bench.reason is None
    # 9 pooled patients, all followed past day 365 or dead before it; O5 dies on day 370 and
    # O3 on day 366, so only N2 (day 80) and O4 (day 308) die within a year: 7/9 survive
    assert (bench.n_pooled, bench.n_not_evaluable) == (9, 0)
    assert bench.target == pytest.approx(7 / 9)
    ours = next(c for c in bench.centres if c.centre_id == report.centre.id)
    assert (ours.n, ours.observed_survivors) == (4, 3)


def test_the_report_shows_only_numbers_from_the_computed_context(report: ProgrammeReport) -> None:
    context = report_context(report)
    allowed = set(NUMBER.findall(" ".join(_strings(context))))
    shown = set(
        NUMBER.findall(INSTRUMENT_NAMES.sub("", _visible_text_outside_svg(render_html(report))))
    )
    assert shown <= allowed, shown - allowed
    # and the context's numbers are the tested functions' results
    recomputed = programme_indicators(report.rows)
    assert context["indicators"]["survival"][0]["estimate"] == (
        f"{100 * recomputed.os_at[0].estimate:.1f}%"
    )


def test_the_template_holds_no_number_outside_its_stylesheet() -> None:
    text = (TEMPLATES / TEMPLATE).read_text(encoding="utf-8")
    body = re.sub(r"<style>.*?</style>|\{#.*?#\}|<[^>]+>", "", text, flags=re.S)
    assert not re.findall(r"\d", INSTRUMENT_NAMES.sub("", body))


def test_numbers_at_risk_in_the_survival_chart_come_from_kaplan_meier(
    report: ProgrammeReport,
) -> None:
    svg = str(report_context(report)["indicators"]["survival_chart"])
    shown = re.findall(r'class="at-risk">(\d+)<', svg)
    assert report.indicators is not None
    at = report.indicators.overall_survival.at([0, 365, 730, 1095]).n_risk.tolist()
    # ticks 0, 365, 730 and 1095 days (the first tick after the longest follow-up, 850 days);
    # follow-up N1 850, N2 80 (died), N3 729, N4 637 days: 4, 3, 1 and 0 still followed
    assert [int(n) for n in shown[:4]] == at == [4, 3, 1, 0]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_pdf_first_page_renders_to_a_png(report: ProgrammeReport, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(render_html(report)))
    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pngs = list(tmp_path.glob("page*.png"))
    assert len(pngs) == 1
    png = pngs[0].read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 10_000  # a blank A4 page at 50 dpi compresses to far less


def test_cli_writes_pdf_and_html(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", str(engine.url))
    out, page = tmp_path / "report.pdf", tmp_path / "report.html"
    result = CliRunner().invoke(
        app,
        [
            "programme",
            "--centre",
            "NWU",
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
            "--as-of",
            AS_OF.isoformat(),
            "-o",
            str(out),
            "--html",
            str(page),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert "North West Unit (NWU)" in page.read_text(encoding="utf-8")


def test_cli_refuses_an_unknown_centre_in_one_line(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LUPUS_SCT_DATABASE_URL", str(engine.url))
    result = CliRunner().invoke(
        app,
        [
            "programme",
            "--centre",
            "XXX",
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
            "-o",
            str(tmp_path / "r.pdf"),
        ],
    )
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert "no centre with id 'XXX'" in str(result.exception)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


class _TextOutsideSvg(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("svg", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("svg", "style", "title"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _visible_text_outside_svg(html: str) -> str:
    parser = _TextOutsideSvg()
    parser.feed(html)
    return " ".join(parser.parts)
