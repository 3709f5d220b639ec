"""The account's security settings: API tokens, TOTP, password, signing out; user lifecycle.

Every change here needs a signed-in browser session (never an API token: 403) and, except
signing out, a fresh password confirmation in the body (OWASP ASVS 4.0.3 V3.7.1). Reading the
token lists works with a token too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request

from lupus_sct.api.context import Admin, Now, SignedIn, Uow
from lupus_sct.api.schemas_account import (
    AccessEnded,
    PasswordChange,
    PasswordConfirmation,
    PasswordReset,
    PasswordResetOut,
    TokenIssue,
    TokenListed,
    TotpConfirmation,
)
from lupus_sct.api.schemas_people import TokenOut, TotpStart, UserOut
from lupus_sct.domain.access.permissions import Principal
from lupus_sct.domain.access.sign_in import ApiToken
from lupus_sct.http.context import platform_of, session_secret
from lupus_sct.http.errors import ERROR_RESPONSES
from lupus_sct.services.accounts import security
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.accounts.totp_rfc6238 import provisioning_uri
from lupus_sct.services.ports import UnitOfWork

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
API_CREDENTIAL_REFUSAL = (
    "security settings change only from a signed-in browser session with the password, "
    "never with an API token"
)


def _browser_only(request: Request) -> None:
    if not request.state.via_cookie:
        raise HTTPException(403, API_CREDENTIAL_REFUSAL)


def browser_user(request: Request, principal: SignedIn) -> Principal:
    """The signed-in user, refused (403) when the request came with an API token."""
    _browser_only(request)
    return principal


def browser_admin(request: Request, principal: Admin) -> Principal:
    """A signed-in administrator, refused (403) when the request came with an API token."""
    _browser_only(request)
    return principal


BrowserUser = Annotated[Principal, Depends(browser_user)]
BrowserAdmin = Annotated[Principal, Depends(browser_admin)]


def client_address(request: Request) -> str:
    """The peer address of the request (keys the sign-in throttle)."""
    return request.client.host if request.client else ""


def _confirm(request: Request, password: str) -> security.Confirmation:
    return security.Confirmation(password, platform_of(request).hasher, client_address(request))


def _listed(token: ApiToken, now_usable: bool) -> TokenListed:
    return TokenListed(
        id=token.id,
        name=token.name,
        scopes=list(token.scopes),
        created_at=token.created_at,
        expires_at=token.ends_at,
        revoked_at=token.revoked_at,
        usable=now_usable,
    )


@router.get("/me/tokens", response_model=list[TokenListed], tags=["account"])
def list_own_tokens(principal: SignedIn, uow: Uow, now: Now) -> list[TokenListed]:
    """The signed-in user's API tokens (never their secrets)."""
    tokens = security.tokens_of(uow(), principal.user_id)
    return [_listed(t, t.is_usable(now)) for t in tokens]


@router.post("/me/tokens", status_code=201, response_model=TokenOut, tags=["account"])
def issue_token(
    body: TokenIssue, principal: BrowserUser, uow: Uow, now: Now, request: Request
) -> TokenOut:
    """Issue an API token (browser session and password); the token is shown once."""
    secret, token = security.issue_token(
        uow(),
        principal,
        name=body.name,
        scopes=body.scopes,
        expires_at=body.expires_at,
        confirm=_confirm(request, body.password),
        now=now,
    )
    return TokenOut(
        id=token.id,
        name=token.name,
        scopes=list(token.scopes),
        token=secret,
        expires_at=token.ends_at,
    )


@router.post("/me/tokens/{token_id}/revoke", response_model=TokenListed, tags=["account"])
def revoke_own_token(
    token_id: str,
    body: PasswordConfirmation,
    principal: BrowserUser,
    uow: Uow,
    now: Now,
    request: Request,
) -> TokenListed:
    """Revoke one of the signed-in user's tokens (404 for anyone else's)."""
    token = security.revoke_own_token(
        uow(), principal, token_id, confirm=_confirm(request, body.password), now=now
    )
    return _listed(token, False)


@router.post("/me/totp", status_code=201, response_model=TotpStart, tags=["account"])
def start_totp(
    body: PasswordConfirmation, principal: BrowserUser, uow: Uow, now: Now, request: Request
) -> TotpStart:
    """Start setting up a TOTP second factor: enter the secret in an authenticator app."""
    secret = security.start_totp(
        uow(), principal, confirm=_confirm(request, body.password), now=now
    )
    return TotpStart(
        secret_base32=secret, otpauth_uri=provisioning_uri(secret, username=principal.username)
    )


@router.post("/me/totp/confirm", status_code=204, tags=["account"])
def confirm_totp(
    body: TotpConfirmation, principal: BrowserUser, uow: Uow, now: Now, request: Request
) -> None:
    """Turn the second factor on with a code the app shows."""
    security.confirm_totp(
        uow(), principal, body.code, confirm=_confirm(request, body.password), now=now
    )


@router.post("/me/totp/remove", status_code=204, tags=["account"])
def remove_totp(
    body: PasswordConfirmation, principal: BrowserUser, uow: Uow, now: Now, request: Request
) -> None:
    """Turn the second factor off."""
    security.remove_totp(uow(), principal, confirm=_confirm(request, body.password), now=now)


@router.post("/me/password", status_code=204, tags=["account"])
def change_password(
    body: PasswordChange, principal: BrowserUser, uow: Uow, now: Now, request: Request
) -> None:
    """Change the password; every session (this one too) and every token ends."""
    security.change_password(
        uow(),
        principal,
        new_password=body.new_password,
        confirm=_confirm(request, body.current_password),
        now=now,
    )


@router.post("/me/sign-out", status_code=204, tags=["account"])
def sign_out(principal: BrowserUser, uow: Uow, now: Now, request: Request) -> None:
    """End this browser session."""
    auth.sign_out(uow(), session_secret(request) or "", now=now)


@router.post("/me/sign-out-everywhere", response_model=AccessEnded, tags=["account"])
def sign_out_everywhere(principal: BrowserUser, uow: Uow, now: Now) -> AccessEnded:
    """End every session of the user (this one too) and revoke every token."""
    return AccessEnded(ended=security.sign_out_everywhere(uow(), principal, now=now))


@router.get("/users/{username}/tokens", response_model=list[TokenListed], tags=["administration"])
def list_user_tokens(username: str, principal: Admin, uow: Uow, now: Now) -> list[TokenListed]:
    """A user's API tokens (administrators)."""
    unit = uow()
    with unit:
        user = security.user_named(unit, username)
    return [_listed(t, t.is_usable(now)) for t in security.tokens_of(uow(), user.id)]


@router.post(
    "/users/{username}/tokens/{token_id}/revoke",
    response_model=TokenListed,
    tags=["administration"],
)
def revoke_user_token(
    username: str,
    token_id: str,
    body: PasswordConfirmation,
    principal: BrowserAdmin,
    uow: Uow,
    now: Now,
    request: Request,
) -> TokenListed:
    """Revoke any user's token (administrators, browser session and password)."""
    _admin_confirms(request, principal, uow, body.password, now)
    unit = uow()
    with unit:
        user = security.user_named(unit, username)
    token = security.revoke_token(uow(), token_id, owner_id=user.id, by=principal.actor, now=now)
    return _listed(token, False)


def _admin_confirms(
    request: Request,
    principal: Principal,
    uow: Callable[[], UnitOfWork],
    password: str,
    now: datetime,
) -> None:
    security.confirm_password(uow(), principal, _confirm(request, password), now=now)


@router.post("/users/{username}/disable", response_model=UserOut, tags=["administration"])
def disable_user(
    username: str,
    body: PasswordConfirmation,
    principal: BrowserAdmin,
    uow: Uow,
    now: Now,
    request: Request,
) -> UserOut:
    """Disable an account: its sessions end and its tokens are revoked."""
    _admin_confirms(request, principal, uow, body.password, now)
    user = security.set_user_active(uow(), username, active=False, by=principal.actor, now=now)
    return UserOut.model_validate(user, from_attributes=True)


@router.post("/users/{username}/enable", response_model=UserOut, tags=["administration"])
def enable_user(
    username: str,
    body: PasswordConfirmation,
    principal: BrowserAdmin,
    uow: Uow,
    now: Now,
    request: Request,
) -> UserOut:
    """Enable a disabled account again (it signs in with its password)."""
    _admin_confirms(request, principal, uow, body.password, now)
    user = security.set_user_active(uow(), username, active=True, by=principal.actor, now=now)
    return UserOut.model_validate(user, from_attributes=True)


@router.post("/users/{username}/password", response_model=PasswordResetOut, tags=["administration"])
def reset_password(
    username: str,
    body: PasswordReset,
    principal: BrowserAdmin,
    uow: Uow,
    now: Now,
    request: Request,
) -> PasswordResetOut:
    """Set a user's password (generated unless given), shown once; all their access ends."""
    _admin_confirms(request, principal, uow, body.password, now)
    password = security.reset_password(
        uow(),
        username,
        hasher=platform_of(request).hasher,
        by=principal.actor,
        now=now,
        new_password=body.new_password,
    )
    return PasswordResetOut(username=username.strip().lower(), new_password=password)
