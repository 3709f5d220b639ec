"""ASGI middleware: security headers on every answer, and idempotency keys on API POSTs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.http.context import platform_of, resolve_principal
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


# OWASP ASVS 4.0.3 s8.2.1: no browser or proxy keeps a copy of patient data. Answers that set their
# own Cache-Control (the public decision aid) and static files keep theirs.
NO_STORE = b"no-store"
CACHEABLE_PREFIXES = ("/static/", "/decision-aid/static/")


class SecurityHeaders:
    """Adds CSP, nosniff, referrer policy, ``Cache-Control: no-store`` and (HTTPS) HSTS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"
        cacheable = scope["path"].startswith(CACHEABLE_PREFIXES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += _HEADERS
                if not cacheable and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", NO_STORE))
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
        if scope["type"] != "http":  # lifespan and websocket scopes carry no request
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        key = request.headers.get("idempotency-key")
        if request.method != "POST" or not request.url.path.startswith("/api/v1/") or key is None:
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
        fields: dict[str, Any] = {"owner": owner, "key": key}
        claimed_at = platform.clock.now()
        try:
            stored = await anyio.to_thread.run_sync(
                lambda: idempotency.claim(
                    platform.uow,
                    **fields,
                    method_and_path=f"POST {request.url.path}",
                    request_sha256=hashlib.sha256(body).hexdigest(),
                    now=claimed_at,
                )
            )
        except InvalidValueError as exc:
            await _send_refusal(send, 422, key, exc.accepted, str(exc))
            return
        except idempotency.KeyInProgressError as exc:
            accepted = "the same key again once the first request has answered"
            await _send_refusal(send, 409, key, accepted, str(exc))
            return
        if stored is not None:
            await _send_json(send, stored.status_code, stored.response_json.encode(), replayed=True)
            return
        await self._run_holding_claim(
            scope, send, request, body, {**fields, "claimed_at": claimed_at}
        )

    async def _run_holding_claim(
        self, scope: Scope, send: Send, request: Request, body: bytes, fields: dict[str, Any]
    ) -> None:
        """Run the request, keep (2xx) or release (anything else) the claim, then answer.

        The answer is held back until it is kept, so a retry sent after it arrives is replayed.
        """
        platform = platform_of(request)
        sent = False

        async def replay_body() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, replay_body, hold)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(lambda: idempotency.release(platform.uow, **fields))
            raise
        status = next((m["status"] for m in messages if m["type"] == "http.response.start"), 0)
        if 200 <= status < 300:
            text = b"".join(
                m.get("body", b"") for m in messages if m["type"] == "http.response.body"
            )
            await anyio.to_thread.run_sync(
                lambda: idempotency.answer(
                    platform.uow, **fields, status_code=status, response_json=text.decode("utf-8")
                )
            )
        else:
            await anyio.to_thread.run_sync(lambda: idempotency.release(platform.uow, **fields))
        for message in messages:
            await send(message)


async def _send_refusal(send: Send, status: int, key: str, accepted: str, message: str) -> None:
    error = {"field": "Idempotency-Key", "value": key, "accepted": accepted, "message": message}
    await _send_json(send, status, json.dumps(error).encode(), replayed=False)


async def _send_json(send: Send, status: int, body: bytes, *, replayed: bool) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
