"""ASGI middleware: security headers on every answer, and idempotency keys on API POSTs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lupus_sct.api.context import platform_of, resolve_principal
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services import idempotency

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)  # no 'unsafe-inline': every script and style is a file under /static
HSTS = "max-age=63072000; includeSubDomains"  # two years (hstspreload.org minimum is one)
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Adds CSP, nosniff, referrer policy and (over HTTPS) HSTS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += _HEADERS
                if secure:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class IdempotencyKeys:
    """Replays the stored answer of an API POST sent again with the same ``Idempotency-Key``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        key = request.headers.get("idempotency-key")
        if (
            scope["type"] != "http"
            or request.method != "POST"
            or not request.url.path.startswith("/api/v1/")
            or key is None
        ):
            await self.app(scope, receive, send)
            return
        principal = await anyio.to_thread.run_sync(resolve_principal, request)
        if principal is None:
            await self.app(scope, receive, send)
            return
        body = await request.body()
        await self._keyed(scope, send, request, key, principal.user_id, body)

    async def _keyed(
        self, scope: Scope, send: Send, request: Request, key: str, owner: str, body: bytes
    ) -> None:
        platform = platform_of(request)
        where = f"POST {request.url.path}"
        fields: dict[str, Any] = {
            "owner": owner,
            "key": key,
            "method_and_path": where,
            "request_sha256": hashlib.sha256(body).hexdigest(),
        }
        try:
            stored = await anyio.to_thread.run_sync(
                lambda: idempotency.recall(platform.uow(), **fields)
            )
        except InvalidValueError as exc:
            error = {
                "field": exc.field,
                "value": key,
                "accepted": exc.accepted,
                "message": str(exc),
            }
            await _send_json(send, 422, json.dumps(error).encode(), replayed=False)
            return
        if stored is not None:
            await _send_json(send, stored.status_code, stored.response_json.encode(), replayed=True)
            return
        await self._forward_and_store(scope, send, request, body, fields)

    async def _forward_and_store(
        self, scope: Scope, send: Send, request: Request, body: bytes, fields: dict[str, Any]
    ) -> None:
        platform = platform_of(request)
        sent = False

        async def replay_body() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 0
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay_body, capture)
        if 200 <= status < 300:
            text = b"".join(chunks).decode("utf-8")
            now = platform.clock.now()
            await anyio.to_thread.run_sync(
                lambda: idempotency.remember(
                    platform.uow(), **fields, status_code=status, response_json=text, now=now
                )
            )


async def _send_json(send: Send, status: int, body: bytes, *, replayed: bool) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
