"""The edge middleware at the ASGI level: streamed bodies, and an unexpected error answered quietly.

No server and no database: the middleware is driven with hand-made ASGI messages, as uvicorn would.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from lupus_sct.http.limits import MAX_BODY_BYTES, EdgeChecks

HOSPITAL = "HN-ZQUNIT-1"


def _drive(
    app: Any, chunks: list[bytes], headers: list[tuple[bytes, bytes]]
) -> list[dict[str, Any]]:
    """Send ``chunks`` as a streamed request body to ``EdgeChecks(app)``; the messages sent back."""
    incoming = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/patients",
        "query_string": b"",
        "headers": headers,
    }
    asyncio.run(EdgeChecks(app)(scope, receive, send))
    return sent


async def _never_called(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the request should have been refused before the application")


def test_a_streamed_body_without_a_length_is_refused_with_413_once_it_passes_the_limit() -> None:
    chunk = b" " * (MAX_BODY_BYTES // 2 + 1)
    sent = _drive(_never_called, [chunk, chunk, chunk], [(b"content-type", b"application/json")])
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["field"] == "body"


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read() -> None:
    length = str(MAX_BODY_BYTES + 1).encode()
    sent = _drive(_never_called, [b"{}"], [(b"content-length", length)])
    assert sent[0]["status"] == 413


def test_an_unexpected_error_answers_500_and_logs_only_its_type(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise ValueError(f"cannot store {HOSPITAL}")

    caplog.set_level(logging.DEBUG)
    sent = _drive(failing, [b'{"a": 1}'], [(b"content-type", b"application/json")])
    assert sent[0]["status"] == 500
    assert HOSPITAL not in sent[1]["body"].decode()
    assert "unexpected ValueError" in caplog.text
    assert HOSPITAL not in caplog.text
