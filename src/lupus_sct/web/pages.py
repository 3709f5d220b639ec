"""Pages: status, sign-in (password, then TOTP if set up), sign-out; mounts the clinical pages."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from lupus_sct import __version__
from lupus_sct.bootstrap import Platform
from lupus_sct.domain.access.sign_in import SESSION_LIFETIME
from lupus_sct.domain.records.people import Role
from lupus_sct.http.context import SESSION_COOKIE, platform_of, resolve_principal, session_secret
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.web import pages_account, pages_analytics, pages_clinic, pages_courses
from lupus_sct.web.forms import (
    HERE,
    PRELOGIN_COOKIE,
    ForbiddenPageError,
    Form,
    SignInNeededError,
    check_form,
    cookie_is_secure,
    new_prelogin_token,
    render,
)


def _set_cookie(response: Response, request: Request, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        httponly=True,
        samesite="strict",
        secure=cookie_is_secure(request),
        path="/",
    )


def _utf8(text: str) -> bytes:
    # hmac.compare_digest refuses non-ASCII str: a typed token is compared as bytes instead.
    return text.encode("utf-8", "surrogatepass")


def _login_page(request: Request, error: str = "", status: int = 200) -> HTMLResponse:
    token = new_prelogin_token()
    response = render(request, "login.html", {"prelogin": token, "error": error}, status)
    _set_cookie(response, request, PRELOGIN_COOKIE, token, 900)
    return response


router = APIRouter(include_in_schema=False)


def _to_login(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/login", status_code=303)


def _forbidden(request: Request, exc: Exception) -> Response:
    return render(request, "forbidden.html", {"scope": str(exc)}, 403)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    platform = platform_of(request)
    current, head = platform.schema_status()
    principal = resolve_principal(request)
    is_admin = principal is not None and principal.role is Role.ADMIN
    return render(
        request,
        "home.html",
        {
            "version": __version__,
            # where the data lives is configuration: administrators only (issue 15, finding 15)
            "database": platform.database_label() if is_admin else None,
            "schema": current if is_admin else None,
            "schema_ok": current == head,
        },
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    platform = platform_of(request)
    username, password, prelogin = form.get("username"), form.get("password"), form.get("prelogin")
    cookie = request.cookies.get(PRELOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(_utf8(cookie), _utf8(prelogin)):
        return _login_page(request, "The form expired; please sign in again.", 403)
    try:
        result = auth.sign_in(
            platform.uow(),
            username=username,
            password=password,
            hasher=platform.hasher,
            now=platform.clock.now(),
            client_address=request.client.host if request.client else "",
        )
    except auth.AuthenticationError as exc:
        status = 429 if isinstance(exc, auth.LockedOutError) else 401
        return _login_page(request, str(exc).capitalize() + ".", status)
    target = "/login/code" if result.needs_second_factor else "/worklist"
    response = RedirectResponse(target, status_code=303)
    age = int(SESSION_LIFETIME.total_seconds())
    _set_cookie(response, request, SESSION_COOKIE, result.session_secret, age)
    response.delete_cookie(PRELOGIN_COOKIE, path="/")
    return response


@router.get("/login/code", response_class=HTMLResponse)
def code_form(request: Request) -> HTMLResponse:
    secret = session_secret(request) or ""
    return render(request, "login_code.html", {"code_csrf": auth.csrf_token(secret)})


@router.post("/login/code")
def code(request: Request, form: Form) -> Response:
    platform = platform_of(request)
    code, csrf_token = form.get("code"), form.get("csrf_token")
    secret = session_secret(request) or ""
    check = auth.csrf_token(secret)
    if not secret or not hmac.compare_digest(_utf8(check), _utf8(csrf_token)):
        return RedirectResponse("/login", status_code=303)
    try:
        auth.pass_second_factor(
            platform.uow(),
            session_secret=secret,
            code=code,
            now=platform.clock.now(),
            client_address=request.client.host if request.client else "",
        )
    except auth.AuthenticationError as exc:
        status = 429 if isinstance(exc, auth.LockedOutError) else 401
        return render(request, "login_code.html", {"code_csrf": check, "error": str(exc)}, status)
    return RedirectResponse("/worklist", status_code=303)


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    platform = platform_of(request)
    csrf_token = form.get("csrf_token")
    secret = session_secret(request)
    if secret:
        check_form(request, csrf_token)
        auth.sign_out(platform.uow(), secret, now=platform.clock.now())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def mount_web(app: FastAPI, platform: Platform) -> None:
    """Add the web pages and the packaged static files to ``app``."""
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(SignInNeededError, _to_login)
    app.add_exception_handler(ForbiddenPageError, _forbidden)
    app.include_router(router)
    app.include_router(pages_clinic.router)
    app.include_router(pages_courses.router)
    app.include_router(pages_analytics.router)
    app.include_router(pages_account.router)
