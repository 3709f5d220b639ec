"""Account pages: the signed-in user's password, API tokens, TOTP and sessions; administrators'
user list (disable, enable, reset a password).

Every form carries the session's CSRF token and the user's password typed again (OWASP ASVS
4.0.3 V3.7.1); a request with an API token instead of a session is refused. A token secret, a
TOTP secret or a reset password is shown on the answer page once and never again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from lupus_sct.domain.access.permissions import ROLE_SCOPES, Principal, Scope
from lupus_sct.domain.errors import DomainError, InvalidValueError
from lupus_sct.http.context import SESSION_COOKIE, platform_of, resolve_principal
from lupus_sct.services.accounts import security
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.accounts.totp_rfc6238 import provisioning_uri
from lupus_sct.services.errors import NotFoundError, ServiceError
from lupus_sct.web.forms import (
    ForbiddenPageError,
    Form,
    Posted,
    SignInNeededError,
    check_form,
    render,
)

router = APIRouter(include_in_schema=False)


def _session_user(request: Request, scope: Scope | None = None) -> Principal:
    principal = resolve_principal(request)
    if principal is None or not request.state.via_cookie:
        raise SignInNeededError
    if scope is not None and not principal.may(scope):
        raise ForbiddenPageError(scope.value)
    return principal


def _confirm(request: Request, form: Posted, field: str = "password") -> security.Confirmation:
    address = request.client.host if request.client else ""
    return security.Confirmation(form.get(field), platform_of(request).hasher, address)


def _account_page(
    request: Request, user: Principal, extra: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    platform = platform_of(request)
    now = platform.clock.now()
    tokens = security.tokens_of(platform.uow(), user.user_id)
    with platform.uow() as uow:
        factors = uow.second_factors.find(user_id=user.user_id)
    context = {
        "tokens": [(t, t.is_usable(now)) for t in tokens],
        "has_totp": any(f.confirmed for f in factors),
        "scopes": sorted(s.value for s in ROLE_SCOPES[user.role]),
        "is_admin": user.may(Scope.ADMIN),
        **(extra or {}),
    }
    return render(request, "account.html", context, status)


def _attempt(
    request: Request, user: Principal, action: Callable[[], dict[str, Any]]
) -> HTMLResponse:
    """Run ``action``; show its result on the account page, or the refusal with its status."""
    try:
        shown = action()
    except auth.LockedOutError as exc:
        return _account_page(request, user, {"error": str(exc).capitalize() + "."}, 429)
    except (auth.PermissionDeniedError, auth.AuthenticationError) as exc:
        return _account_page(request, user, {"error": str(exc).capitalize() + "."}, 403)
    except (DomainError, ServiceError) as exc:
        return _account_page(request, user, {"error": str(exc)}, 422)
    return _account_page(request, user, shown)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request) -> HTMLResponse:
    return _account_page(request, _session_user(request))


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, form: Form) -> HTMLResponse:
    user = _session_user(request)
    check_form(request, form.get("csrf_token"))
    platform = platform_of(request)

    def action() -> dict[str, Any]:
        security.change_password(
            platform.uow(),
            user,
            new_password=form.get("new_password"),
            confirm=_confirm(request, form, "current_password"),
            now=platform.clock.now(),
        )
        return {}

    answer = _attempt(request, user, action)
    if answer.status_code != 200:
        return answer
    return _signed_out(request, "Your password was changed: sign in with the new one.")


def _signed_out(request: Request, reason: str) -> HTMLResponse:
    request.state.principal = None  # the page is drawn as for a visitor: the session has ended
    response = render(request, "signed_out.html", {"reason": reason})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens", response_class=HTMLResponse)
def issue_token(request: Request, form: Form) -> HTMLResponse:
    user = _session_user(request)
    check_form(request, form.get("csrf_token"))
    platform = platform_of(request)

    def action() -> dict[str, Any]:
        secret, token = security.issue_token(
            platform.uow(),
            user,
            name=form.get("name"),
            scopes=form.getlist("scopes"),
            expires_at=_expiry(form.get("expires_on")),
            confirm=_confirm(request, form),
            now=platform.clock.now(),
        )
        return {"new_token": secret, "new_token_name": token.name}

    return _attempt(request, user, action)


def _expiry(text: str) -> datetime | None:
    """The end of the day chosen in the form, in UTC (none chosen: the default lifetime)."""
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidValueError("expires_on", text, "a date as YYYY-MM-DD") from None
    return day.replace(hour=23, minute=59, second=59)


@router.post("/account/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, token_id: str, form: Form) -> HTMLResponse:
    user = _session_user(request)
    check_form(request, form.get("csrf_token"))
    platform = platform_of(request)

    def action() -> dict[str, Any]:
        token = security.revoke_own_token(
            platform.uow(),
            user,
            token_id,
            confirm=_confirm(request, form),
            now=platform.clock.now(),
        )
        return {"message": f"The token '{token.name}' was revoked."}

    return _attempt(request, user, action)


@router.post("/account/totp", response_class=HTMLResponse)
def start_totp(request: Request, form: Form) -> HTMLResponse:
    user = _session_user(request)
    check_form(request, form.get("csrf_token"))
    platform = platform_of(request)

    def action() -> dict[str, Any]:
        secret = security.start_totp(
            platform.uow(), user, confirm=_confirm(request, form), now=platform.clock.now()
        )
        uri = provisioning_uri(secret, username=user.username)
        return {"totp_secret": secret, "totp_uri": uri}

    return _attempt(request, user, action)


@router.post("/account/totp/confirm", response_class=HTMLResponse)
def confirm_totp(request: Request, form: Form) -> HTMLResponse:
    user = _session_user(request)
    check_form(request, form.get("csrf_token"))
    platform = platform_of(request)

    def action() -> dict[str, Any]:
        security.confirm_totp(
            platform.uow(),
            user,
            form.get("code"),
            confirm=_confirm(request, form),
            now=platform.clock.now(),
        )
        return {"message": "The authenticator app is set up: sign-in now asks for its code."}

    return _attempt(request, user, action)


@router.post("/account/totp/remove", response_class=HTMLResponse)
def remove_totp(request: Request, form: Form) -> HTMLResponse:
    user = _session_user(request)
    check_form(request, form.get("csrf_token"))
    platform = platform_of(request)

    def action() -> dict[str, Any]:
        security.remove_totp(
            platform.uow(), user, confirm=_confirm(request, form), now=platform.clock.now()
        )
        return {"message": "The authenticator app was removed."}

    return _attempt(request, user, action)


@router.post("/account/sign-out-everywhere", response_class=HTMLResponse)
def sign_out_everywhere(request: Request, form: Form) -> HTMLResponse:
    user = _session_user(request)
    check_form(request, form.get("csrf_token"))
    platform = platform_of(request)
    security.sign_out_everywhere(platform.uow(), user, now=platform.clock.now())
    reason = "Every session of your account ended and every API token was revoked."
    return _signed_out(request, reason)


def _users_page(
    request: Request, extra: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    with platform_of(request).uow() as uow:
        users = sorted(uow.users.find(), key=lambda u: u.username)
    return render(request, "admin_users.html", {"users": users, **(extra or {})}, status)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request) -> HTMLResponse:
    _session_user(request, Scope.ADMIN)
    return _users_page(request)


@router.post("/admin/users/{username}/{change}", response_class=HTMLResponse)
def change_user(request: Request, username: str, change: str, form: Form) -> HTMLResponse:
    admin = _session_user(request, Scope.ADMIN)
    check_form(request, form.get("csrf_token"))
    platform = platform_of(request)
    now = platform.clock.now()
    try:
        security.confirm_password(platform.uow(), admin, _confirm(request, form), now=now)
        shown = _apply(request, change, username, admin, now)
    except auth.LockedOutError as exc:
        return _users_page(request, {"error": str(exc).capitalize() + "."}, 429)
    except auth.PermissionDeniedError as exc:
        return _users_page(request, {"error": str(exc).capitalize() + "."}, 403)
    except NotFoundError as exc:
        return _users_page(request, {"error": str(exc)}, 404)
    except (DomainError, ServiceError) as exc:
        return _users_page(request, {"error": str(exc)}, 422)
    return _users_page(request, shown)


def _apply(
    request: Request, change: str, username: str, admin: Principal, now: datetime
) -> dict[str, Any]:
    platform = platform_of(request)
    if change in ("disable", "enable"):
        active = change == "enable"
        security.set_user_active(platform.uow(), username, active=active, by=admin.actor, now=now)
        return {"message": f"'{username}' {change}d."}
    if change == "password":
        password = security.reset_password(
            platform.uow(), username, hasher=platform.hasher, by=admin.actor, now=now
        )
        return {"reset_user": username, "reset_password": password}
    raise NotFoundError("account change", change)
