"""The one PDF builder renders offline: every URL, remote or local, is refused (issue 16)."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from lupus_sct.rendering.errors import RenderingError
from lupus_sct.rendering.pdf import _refusing_fetcher, html_to_pdf, refuse_fetch


def test_the_fetcher_refuses_a_url_and_names_it() -> None:
    with pytest.raises(RenderingError, match=r"fetches nothing .*https://example\.invalid/a\.png"):
        refuse_fetch("https://example.invalid/a.png")


def test_a_weasyprint_before_68_gets_the_refusing_function_itself() -> None:
    assert _refusing_fetcher(SimpleNamespace()) is refuse_fetch  # no URLFetcher class before 68


@pytest.mark.slow
def test_a_pdf_fetches_no_image_stylesheet_or_local_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    local = tmp_path / "local.css"
    local.write_text("p { color: #ff0000 }", encoding="utf-8")
    html = (
        f'<link rel="stylesheet" href="{local.as_uri()}">'
        '<p>offline</p><img src="http://example.invalid/a.png" alt="">'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = html_to_pdf(html, stylesheets=["@import url(http://example.invalid/i.css);"])
    assert pdf.startswith(b"%PDF-")
    refused = [r.getMessage() for r in caplog.records if "fetches nothing" in r.getMessage()]
    assert len(refused) == 3, refused  # the local stylesheet, the image and the @import
    assert any(local.as_uri() in message for message in refused)
