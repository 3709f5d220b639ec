"""Request context: the platform, the signed-in principal, the session cookie and CSRF."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

from lupus_sct.bootstrap import Platform
from lupus_sct.domain.access.permissions import Principal
from lupus_sct.domain.eligibility.protocol import Protocol
from lupus_sct.services.accounts import sign_in as auth

SESSION_COOKIE = "lsct_session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def platform_of(request: Request) -> Platform:
    """The platform the app was built with."""
    platform: Platform = request.app.state.platform
    return platform


def protocols_of(request: Request) -> dict[str, Protocol]:
    """The loaded protocols, read from their files once per application (restart to reload)."""
    state = request.app.state
    if getattr(state, "protocols", None) is None:
        state.protocols = platform_of(request).protocols()
    loaded: dict[str, Protocol] = state.protocols
    return loaded


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def resolve_principal(request: Request) -> Principal | None:
    """The user behind the request's token or session cookie, cached on the request."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    platform = platform_of(request)
    now = platform.clock.now()
    principal: Principal | None = None
    request.state.via_cookie = False
    try:
        token = _bearer(request)
        if token is not None:
            principal = auth.token_principal(platform.uow(), token, now=now)
        elif secret := request.cookies.get(SESSION_COOKIE):
            principal = auth.session_principal(platform.uow(), secret, now=now)
            request.state.via_cookie = True
    except auth.AuthenticationError:
        principal = None
    request.state.principal = principal
    return principal


def session_secret(request: Request) -> str | None:
    """The raw session cookie, if any."""
    return request.cookies.get(SESSION_COOKIE)


def check_csrf(request: Request, presented: str | None) -> None:
    """Refuse a cookie-authenticated unsafe request without the session's CSRF token."""
    secret = session_secret(request)
    if secret is None or not presented:
        raise HTTPException(403, "missing CSRF token")
    if not hmac.compare_digest(
        auth.csrf_token(secret).encode(), presented.encode("utf-8", "surrogatepass")
    ):
        raise HTTPException(403, "CSRF token does not match the session")
