"""What every page shares: templates, the signed-in user, CSRF on forms, refusals as messages."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.http.context import check_csrf, resolve_principal, session_secret
from lupus_sct.services.accounts.sign_in import csrf_token

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
PRELOGIN_COOKIE = "lsct_prelogin"


class SignInNeededError(Exception):
    """The page needs a signed-in user: the handler redirects to the login page."""


class ForbiddenPageError(Exception):
    """The user's role does not include this page."""


def page_user(request: Request, scope: Scope = Scope.READ) -> Principal:
    """The signed-in user, if they have ``scope``; else a redirect or a 403 page."""
    principal = resolve_principal(request)
    if principal is None:
        raise SignInNeededError
    if not principal.may(scope):
        raise ForbiddenPageError(scope.value)
    return principal


def check_form(request: Request, presented: str) -> None:
    """The CSRF check of a form posted by a signed-in browser."""
    check_csrf(request, presented)


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    """A page with the user, their CSRF token and the navigation filled in."""
    principal = resolve_principal(request)
    secret = session_secret(request)
    full = {
        "user": principal,
        "csrf": csrf_token(secret) if secret and principal else "",
        "may_read": bool(principal and principal.may(Scope.READ)),
        "may_evidence": bool(
            principal and (principal.may(Scope.READ) or principal.may(Scope.RESEARCH))
        ),
        **context,
    }
    return templates.TemplateResponse(request, template, full, status_code=status)


def new_prelogin_token() -> str:
    """A random value for the login form's double-submit CSRF cookie."""
    return secrets.token_urlsafe(24)


def cookie_is_secure(request: Request) -> bool:
    """Cookies are Secure when the request came over TLS (directly or via the proxy)."""
    return request.url.scheme == "https"


MAX_FORM_BYTES = 64 * 1024  # the largest form (an assessment) is under 2 kB


class Posted:
    """The fields of an application/x-www-form-urlencoded form (parsed without extra packages)."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self._fields = fields

    def get(self, name: str, default: str = "") -> str:
        """The first value of a field, or ``default``."""
        values = self._fields.get(name)
        return values[0] if values else default

    def getlist(self, name: str) -> list[str]:
        """Every value of a repeated field (checkboxes)."""
        return list(self._fields.get(name, []))


async def posted(request: Request) -> Posted:
    """Read a posted form; refuse other encodings and oversized bodies."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/x-www-form-urlencoded":
        raise HTTPException(415, "forms are sent as application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(413, "the form is too large")
    return Posted(parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True))


Form = Annotated[Posted, Depends(posted)]
