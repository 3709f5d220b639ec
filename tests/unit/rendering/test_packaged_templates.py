"""Templates and stylesheets are read from the installed package, whatever the working folder."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from lupus_sct.rendering import decision_aid, programme_report


def test_every_template_and_stylesheet_is_a_package_resource() -> None:
    package = files("lupus_sct.rendering")
    for resource in (
        "templates/reports/programme.html",
        "templates/decision_aid/page.html",
        "templates/decision_aid/macros.html",
        "static/decision_aid/decision_aid.css",
    ):
        assert package.joinpath(resource).is_file(), resource


def test_templates_load_from_any_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (programme_report.TEMPLATES / programme_report.TEMPLATE).is_file()
    assert decision_aid.stylesheet_text().startswith("/* Decision aid styles.")
    assert "{% macro icon_array_figure" in (
        files("lupus_sct.rendering").joinpath("templates/decision_aid/macros.html").read_text()
    )
