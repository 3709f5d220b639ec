"""A rate limit on requests that carry no valid sign-in, per client address (a token bucket).

OWASP API Security Top 10 2023, API4 (unrestricted resource consumption) asks for a limit on how
often a client may call; issue 15 finding 4 measured 45 anonymous requests at once starving a
clinician. Signed-in users (a valid session or API token) are never counted here, so anonymous
traffic cannot slow or block them. Static files are not counted (a page loads several), and a
request refused for want of a sign-in (401, or a page's redirect to the sign-in form) gets its
token back: it cost nothing, and the pages and endpoints open to all are what is limited.
"""

from __future__ import annotations

import collections
import json
import math
import threading

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lupus_sct.http.context import SESSION_COOKIE, platform_of, resolve_principal

ANONYMOUS_BURST = 45  # requests at once per address: the probe's 45 (issue 15 finding 4), API4:2023
ANONYMOUS_REFILL_PER_SECOND = 1.0  # then one a second per address (OWASP API4:2023 rate limiting)
MAX_TRACKED_ADDRESSES = 10_000  # buckets kept; the least recently seen address is forgotten
UNCOUNTED_PREFIXES = ("/static/", "/decision-aid/static/")


class TokenBuckets:
    """One bucket per key: ``burst`` tokens, refilled at ``per_second``; thread-safe."""

    def __init__(self, burst: int, per_second: float) -> None:
        self.burst = burst
        self.per_second = per_second
        self._lock = threading.Lock()
        self._buckets: collections.OrderedDict[str, tuple[float, float]] = collections.OrderedDict()

    def take(self, key: str, now: float) -> float | None:
        """Spend a token of ``key`` at ``now`` (s): ``None`` if one was left, else the wait."""
        with self._lock:
            tokens, seen = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - seen) * self.per_second)
            wait = None if tokens >= 1 else (1 - tokens) / self.per_second
            self._buckets[key] = (tokens - 1 if wait is None else tokens, now)
            self._forget_the_oldest()
            return wait

    def give_back(self, key: str) -> None:
        """Return the token of a request that turned out to cost nothing (up to ``burst``)."""
        with self._lock:
            if key in self._buckets:
                tokens, seen = self._buckets[key]
                self._buckets[key] = (min(float(self.burst), tokens + 1), seen)

    def _forget_the_oldest(self) -> None:
        while len(self._buckets) > MAX_TRACKED_ADDRESSES:
            self._buckets.popitem(last=False)


def _is_sign_in_refusal(start: Message) -> bool:
    """A 401, or a page's 303 to the sign-in form: answered before any work, so not counted."""
    if start["status"] == 401:
        return True
    location = dict(start.get("headers", [])).get(b"location", b"")
    return bool(start["status"] == 303 and location.startswith(b"/login"))


class AnonymousRateLimit:
    """429 with ``Retry-After`` for an address that sent too many requests without signing in."""

    def __init__(
        self,
        app: ASGIApp,
        burst: int = ANONYMOUS_BURST,
        per_second: float = ANONYMOUS_REFILL_PER_SECOND,
    ) -> None:
        self.app = app
        self.buckets = TokenBuckets(burst, per_second)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNCOUNTED_PREFIXES):
            await self.app(scope, receive, send)
            return
        if await self._is_signed_in(scope):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        wait = self.buckets.take(address, platform_of(Request(scope)).clock.now().timestamp())
        if wait is not None:
            await self._refuse(send, math.ceil(wait))
            return
        refused_at_the_door = False

        async def watching(message: Message) -> None:
            nonlocal refused_at_the_door
            if message["type"] == "http.response.start":
                refused_at_the_door = _is_sign_in_refusal(message)
            await send(message)

        await self.app(scope, receive, watching)
        if refused_at_the_door:
            self.buckets.give_back(address)

    async def _is_signed_in(self, scope: Scope) -> bool:
        request = Request(scope)
        has_credentials = "authorization" in request.headers or SESSION_COOKIE in request.cookies
        if not has_credentials:
            return False
        principal = await anyio.to_thread.run_sync(resolve_principal, request)
        return principal is not None

    async def _refuse(self, send: Send, retry_after_s: int) -> None:
        burst, per_minute = self.buckets.burst, round(self.buckets.per_second * 60)
        body = json.dumps(
            {
                "field": "request rate",
                "value": f"more than {burst} requests without signing in",
                "accepted": f"{burst} at once, then {per_minute} a minute; or sign in",
                "message": f"too many requests without signing in; retry in {retry_after_s} s",
            }
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(retry_after_s).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
