"""Log records are cleaned as they are created: no SQL parameters, no exception messages."""

from __future__ import annotations

import logging

import pytest

from lupus_sct import log_privacy

FAMILY, HOSPITAL = "Zqlogfamily", "HN-ZQLOG-1"


@pytest.fixture
def installed() -> object:
    previous = logging.getLogRecordFactory()
    log_privacy.install()
    log_privacy.install()  # a second call changes nothing
    yield None
    logging.setLogRecordFactory(previous)


def test_sqlalchemy_statement_parameters_never_reach_a_log_line(
    installed: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine.Engine")
    logging.getLogger("sqlalchemy.engine.Engine").info("[generated] %r", (FAMILY, HOSPITAL))
    assert FAMILY not in caplog.text
    assert "[parameters hidden]" in caplog.text


def test_an_exception_and_its_traceback_are_logged_without_their_message(
    installed: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    logger = logging.getLogger("uvicorn.error")
    try:
        raise ValueError(f"row ({FAMILY}, {HOSPITAL}) refused")
    except ValueError as exc:
        logger.exception("Exception in ASGI application: %s", exc)
    assert FAMILY not in caplog.text
    assert HOSPITAL not in caplog.text
    assert "ValueError" in caplog.text
    assert "test_log_privacy.py" in caplog.text  # the frames stay, for the administrator


def test_records_of_other_packages_are_left_as_they_are(
    installed: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("somelibrary").info("value %s", "kept")
    assert "value kept" in caplog.text
