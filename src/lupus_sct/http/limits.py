"""The edge of every request: size limits, unstorable text refused, and no 500 that leaks.

One ASGI middleware in front of the API and the web pages, so a new route is covered without
doing anything: bodies over :data:`MAX_BODY_BYTES` answer 413; a NUL or a lone surrogate in the
path, the query string, a JSON body or a form answers 422 naming the field (the same on SQLite and
PostgreSQL, see :mod:`lupus_sct.services.storable_text`); and an exception no handler knew is
answered with a 500 here, logged by its type only, instead of reaching the server, which would
print its traceback (SQL parameters included) and drop the connection.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lupus_sct.services.storable_text import (
    ACCEPTED_DEPTH,
    ACCEPTED_TEXT,
    find_unstorable,
    unstorable_reason,
)

logger = logging.getLogger("lupus_sct.api")

MAX_BODY_BYTES = 1_048_576  # OWASP API Security Top 10 2019, API4 (maximum request payload size)
MAX_DRAIN_BYTES = 32 * MAX_BODY_BYTES  # read and dropped before a 413, so the client hears it
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NOT_UTF8 = "is not UTF-8 text"
ACCEPTED_FORM = "a form encoded as UTF-8 (WHATWG URL Standard, application/x-www-form-urlencoded)"


class RequestTooLargeError(Exception):
    """The body is larger than the limit."""


class EdgeChecks:
    """413 over the size limit, 422 on unstorable text, a quiet 500 on anything unexpected."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _refuse_address(scope)
        if refusal is not None:
            await _answer(send, 422, refusal)
            return
        if scope["method"] in _WRITES:
            body = await self._body(scope, receive, send)
            if body is None:
                return
            refusal = _refuse_body(_header(scope, b"content-type"), body)
            if refusal is not None:
                await _answer(send, 422, refusal)
                return
            receive = _replay(body, receive)
        await self._run(scope, receive, send)

    async def _body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        declared = _header(scope, b"content-length")
        try:
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise RequestTooLargeError
            return await _read_body(receive, self.max_body_bytes)
        except RequestTooLargeError:
            await _drain(receive)
            await _answer(send, 413, _too_large(self.max_body_bytes))
            return None

    async def _run(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as exc:  # the last line of defence: no traceback, no dropped connection
            logger.error("unexpected %s while handling a request", type(exc).__name__)
            if not started:
                message = "internal error; the administrator can find it in the server log"
                await _answer(send, 500, {"message": message})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1")).strip()
    return ""


def _refuse_address(scope: Scope) -> dict[str, Any] | None:
    reason = unstorable_reason(str(scope.get("path", "")))
    if reason is not None:
        return _unstorable("path", reason)
    query = bytes(scope.get("query_string", b"")).decode("utf-8", errors="replace")
    for name, value in parse_qsl(query, keep_blank_values=True):
        for text in (name, value):
            reason = unstorable_reason(text)
            if reason is not None:
                field = name if unstorable_reason(name) is None else "query"
                return _unstorable(field, reason)
    return None


def _refuse_body(content_type: str, body: bytes) -> dict[str, Any] | None:
    if not body:
        return None
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        return _refuse_form(body)
    try:
        parsed = json.loads(body)
    except RecursionError:
        return _unstorable("body", "nests too deeply", ACCEPTED_DEPTH)
    except ValueError:
        return None  # not JSON: the route's own parsing refuses it with a 422
    found = find_unstorable(parsed)
    return None if found is None else _unstorable(*found)


def _refuse_form(body: bytes) -> dict[str, Any] | None:
    for pair in body.split(b"&"):
        raw_name, _, raw_value = pair.partition(b"=")
        try:
            name = _form_text(raw_name)
        except UnicodeDecodeError:
            return _unstorable("form", NOT_UTF8, ACCEPTED_FORM)
        try:
            value = _form_text(raw_value)
        except UnicodeDecodeError:
            return _unstorable(_shown_name(name), NOT_UTF8, ACCEPTED_FORM)
        reason = unstorable_reason(name) or unstorable_reason(value)
        if reason is not None:
            return _unstorable(_shown_name(name), reason)
    return None


def _form_text(raw: bytes) -> str:
    # WHATWG URL Standard, 5.1 (application/x-www-form-urlencoded parsing): UTF-8 only.
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")


def _shown_name(name: str) -> str:
    return name if unstorable_reason(name) is None else "form"


def _unstorable(field: str, reason: str, accepted: str = ACCEPTED_TEXT) -> dict[str, Any]:
    # The value itself is never echoed: it may be a name or a hospital number.
    return {
        "field": field,
        "value": None,
        "accepted": accepted,
        "message": f"{field} {reason}",
    }


def _too_large(limit: int) -> dict[str, Any]:
    return {
        "field": "body",
        "value": None,
        "accepted": f"a request body of at most {limit} bytes",
        "message": f"the request body is larger than {limit} bytes",
    }


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RequestTooLargeError
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _drain(receive: Receive) -> None:
    drained = 0
    while drained <= MAX_DRAIN_BYTES:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        drained += len(message.get("body", b""))


def _replay(body: bytes, original: Receive) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()  # waits for the client to go, as the server's own would
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _answer(send: Send, status: int, error: dict[str, Any]) -> None:
    body = json.dumps({"field": None, "value": None, "accepted": None, **error}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
