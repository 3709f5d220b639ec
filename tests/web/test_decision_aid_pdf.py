"""The printable handout: GET /decision-aid.pdf is a valid PDF holding the aid's key sections."""

from __future__ import annotations

import logging
import shutil
import subprocess

import pytest

from web.decision_aid_html import client

KEY_SECTIONS = (
    "What lupus is",
    "The decision you face",
    "Your options",
    "What each option involves, step by step",
    "Benefits and harms: out of 100 people like you",
    "How sure are these numbers?",
    "What matters most to you?",
    "Questions to ask your doctor or a treatment centre",
    "Sources of the numbers",
    "Update policy",
    "Funding and competing interests",
)


@pytest.mark.slow
def test_the_pdf_handout_is_a_valid_pdf_with_the_key_sections(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed for this test"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = client().get("/decision-aid.pdf?kidney=yes&values=1&v_safety=5")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]  # warnings are errors
    text = subprocess.run(
        [pdftotext, "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    for heading in KEY_SECTIONS:
        assert heading in flat, heading
    assert "people whose lupus affects the kidneys (lupus nephritis)" in flat
    assert "Out of 100 people like you, about" in flat
    assert "Produced on 2026-06-01" in flat
