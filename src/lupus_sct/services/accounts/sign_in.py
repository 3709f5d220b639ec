"""Use cases of signing in: passwords, lockout, sessions, TOTP second factor and API tokens.

Notes
-----
Secrets handed to clients (session cookies, API tokens) are 256-bit random values; the store keeps
their SHA-256 only. The CSRF token of a session is an HMAC of its secret, so it is never stored
and cannot be derived from the database. Failed and successful password checks are kept in
``login_attempts`` (no password, no patient data) with the client address and the stage
(password or TOTP code); throttling per address and per account uses :func:`locked_until`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import NoReturn

from lupus_sct.domain.access.permissions import ROLE_SCOPES, Principal, Scope, parse_scopes
from lupus_sct.domain.access.sign_in import (
    ACCOUNT_THROTTLE_WINDOW,
    DEFAULT_TOKEN_LIFETIME,
    MAX_CODES_PER_PENDING_SIGN_IN,
    MAX_FAILED_CODES_PER_ACCOUNT,
    MAX_FAILED_LOGINS_PER_ACCOUNT,
    MAX_TOKEN_LIFETIME,
    SECOND_FACTOR_PENDING_LIFETIME,
    SESSION_LIFETIME,
    ApiToken,
    LoginAttempt,
    SecondFactor,
    Session,
    locked_until,
)
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.people import Role, User
from lupus_sct.services.accounts.password_policy import check_password
from lupus_sct.services.accounts.totp_rfc6238 import matching_step, new_secret
from lupus_sct.services.audit.chain import audited_add, audited_update
from lupus_sct.services.clinic.patients import create_user, new_id
from lupus_sct.services.errors import NotFoundError, ServiceError
from lupus_sct.services.ports import PasswordHasher, UnitOfWork

SECRET_BYTES = 32  # 256-bit session and token secrets (OWASP Session Management: >= 64 bits)
PASSWORD_STAGE, CODE_STAGE = "password", "code"  # LoginAttempt.stage values
TOKEN_PREFIX = "lsct_"  # noqa: S105 (a label that lets secret scanners spot leaked tokens)


class AuthenticationError(ServiceError):
    """Sign-in refused; the message never says whether the user name exists."""

    def __init__(self, message: str = "user name or password not accepted") -> None:
        super().__init__(message)


class LockedOutError(AuthenticationError):
    """Too many failed sign-ins for this user name from this address, or for this account."""

    def __init__(self, until: datetime, what: str = "sign-ins") -> None:
        super().__init__(f"too many failed {what}: try again after {until:%H:%M} UTC")
        self.until = until


class SecondFactorRequiredError(AuthenticationError):
    """The password was right but the TOTP code is still to be given."""


class PermissionDeniedError(ServiceError):
    """The signed-in user's role or token lacks the scope the request needs."""


@dataclasses.dataclass(frozen=True, slots=True)
class SignIn:
    """A new session: the secret for the cookie and whether a TOTP code is still needed."""

    session_secret: str
    needs_second_factor: bool


def digest(secret: str) -> str:
    """SHA-256 (hex) of a client secret: the id under which it is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def csrf_token(session_secret: str) -> str:
    """The CSRF token of a session: HMAC-SHA-256 of a fixed label under the session secret."""
    return hmac.new(session_secret.encode(), b"csrf", hashlib.sha256).hexdigest()


def principal_of(user: User, scopes: Iterable[Scope] | None = None) -> Principal:
    """The principal of a user (with all role scopes, or the given subset)."""
    granted = ROLE_SCOPES[user.role]
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        centre_ids=user.centre_ids,
        scopes=granted if scopes is None else granted & frozenset(scopes),
    )


def _confirmed_factor(uow: UnitOfWork, user_id: str) -> SecondFactor | None:
    found = [f for f in uow.second_factors.find(user_id=user_id) if f.confirmed]
    return found[0] if found else None


def _throttle(uow: UnitOfWork, username: str, client_address: str, now: datetime) -> None:
    """Refuse a guess from an address that failed too often, or for a much-attacked account.

    The low limit counts one address only, so anonymous failures elsewhere never stop the
    owner; across addresses the account is slowed only at the OWASP ASVS 4.0.3 s2.2.1 bound.
    """
    tried = uow.login_attempts.find(username=username, stage=PASSWORD_STAGE)
    from_here = [a for a in tried if a.client_address == client_address]
    until = locked_until(from_here, now) or locked_until(
        tried, now, limit=MAX_FAILED_LOGINS_PER_ACCOUNT, window=ACCOUNT_THROTTLE_WINDOW
    )
    if until is not None:
        raise LockedOutError(until)


def _check_password(
    uow: UnitOfWork,
    username: str,
    password: str,
    hasher: PasswordHasher,
    now: datetime,
    client_address: str = "",
) -> User:
    _throttle(uow, username, client_address, now)
    users = uow.users.find(username=username)
    user = users[0] if users else None
    if user is None:
        hasher.hash(password)  # spend the same time as a real check: no user-name oracle
    ok = user is not None and user.active and hasher.verify(user.password_hash, password)
    uow.login_attempts.add(LoginAttempt(new_id(), username, now, ok, client_address))
    if not ok or user is None:
        uow.commit()
        raise AuthenticationError
    return user


def check_password_again(
    uow: UnitOfWork,
    username: str,
    password: str,
    hasher: PasswordHasher,
    now: datetime,
    client_address: str = "",
) -> User:
    """Re-check a signed-in user's password (throttled and recorded like a sign-in; in uow)."""
    return _check_password(uow, username, password, hasher, now, client_address)


def sign_in(
    uow: UnitOfWork,
    *,
    username: str,
    password: str,
    hasher: PasswordHasher,
    now: datetime,
    client_address: str = "",
) -> SignIn:
    """Check a password and open a session (pending its TOTP code if the user has one).

    ``client_address`` (the request's peer address) keys the per-address throttle.
    """
    with uow:
        name = username.strip().lower()
        user = _check_password(uow, name, password, hasher, now, client_address)
        pending = _confirmed_factor(uow, user.id) is not None
        secret = secrets.token_urlsafe(SECRET_BYTES)
        lifetime = SECOND_FACTOR_PENDING_LIFETIME if pending else SESSION_LIFETIME
        session = Session(digest(secret), user.id, now, now + lifetime, not pending)
        audited_add(
            uow.sessions, uow.audit, session, entity="session", by=f"user:{user.username}", now=now
        )
        uow.commit()
    return SignIn(secret, pending)


def pass_second_factor(
    uow: UnitOfWork, *, session_secret: str, code: str, now: datetime, client_address: str = ""
) -> None:
    """Accept the TOTP code of a session opened with a password; refuse a wrong or used code.

    A pending sign-in ends after ``MAX_CODES_PER_PENDING_SIGN_IN`` wrong codes, and an account
    takes no code after ``MAX_FAILED_CODES_PER_ACCOUNT`` wrong ones within an hour, across its
    sessions (NIST SP 800-63B s5.2.2). A time step is accepted once (RFC 6238 s5.2).
    """
    with uow:
        session = _open_session(uow, session_secret, now)
        user = uow.users.get(session.user_id)
        _throttle_codes(uow, user.username, now)
        factor = _confirmed_factor(uow, user.id)
        step = None if factor is None else matching_step(factor.secret_base32, code, now)
        used = -1 if factor is None or factor.last_used_step is None else factor.last_used_step
        if factor is None or step is None or step <= used:
            _refuse_code(uow, session, user.username, now, client_address)
        used_now = dataclasses.replace(factor, last_used_step=step)
        by = f"user:{user.username}"
        audited_update(
            uow.second_factors, uow.audit, used_now, entity="second_factor", by=by, now=now
        )
        uow.login_attempts.add(
            LoginAttempt(new_id(), user.username, now, True, client_address, CODE_STAGE)
        )
        passed = dataclasses.replace(
            session, second_factor_passed=True, expires_at=now + SESSION_LIFETIME
        )
        audited_update(
            uow.sessions, uow.audit, passed, entity="session", by=f"user:{user.username}", now=now
        )
        uow.commit()


def _throttle_codes(uow: UnitOfWork, username: str, now: datetime) -> None:
    failed = uow.login_attempts.find(username=username, stage=CODE_STAGE)
    until = locked_until(
        failed, now, limit=MAX_FAILED_CODES_PER_ACCOUNT, window=ACCOUNT_THROTTLE_WINDOW
    )
    if until is not None:
        raise LockedOutError(until, "codes")


def _refuse_code(
    uow: UnitOfWork, session: Session, username: str, now: datetime, client_address: str
) -> NoReturn:
    uow.login_attempts.add(LoginAttempt(new_id(), username, now, False, client_address, CODE_STAGE))
    failed = session.failed_codes + 1
    ended = now if failed >= MAX_CODES_PER_PENDING_SIGN_IN else None
    counted = dataclasses.replace(session, failed_codes=failed, ended_at=ended)
    by = f"user:{username}"
    audited_update(uow.sessions, uow.audit, counted, entity="session", by=by, now=now)
    uow.commit()
    if ended is not None:
        raise AuthenticationError("too many wrong codes: sign in again with the password")
    raise AuthenticationError("the code is not valid or was already used; check the clock")


def _open_session(uow: UnitOfWork, session_secret: str, now: datetime) -> Session:
    try:
        session = uow.sessions.get(digest(session_secret))
    except NotFoundError:
        raise AuthenticationError("not signed in") from None
    if not session.is_open(now):
        raise AuthenticationError("the session has ended: sign in again")
    return session


def session_principal(uow: UnitOfWork, session_secret: str, *, now: datetime) -> Principal:
    """The user behind a session cookie; refused when ended, expired or awaiting its TOTP code."""
    with uow:
        session = _open_session(uow, session_secret, now)
        if not session.second_factor_passed:
            raise SecondFactorRequiredError("enter the code from the authenticator app")
        user = uow.users.get(session.user_id)
    if not user.active:
        raise AuthenticationError("the account is disabled")
    return principal_of(user)


def sign_out(uow: UnitOfWork, session_secret: str, *, now: datetime) -> None:
    """End a session (nothing happens for an unknown or ended one)."""
    with uow:
        try:
            session = _open_session(uow, session_secret, now)
        except AuthenticationError:
            return
        user = uow.users.get(session.user_id)
        ended = dataclasses.replace(session, ended_at=now)
        audited_update(
            uow.sessions, uow.audit, ended, entity="session", by=f"user:{user.username}", now=now
        )
        uow.commit()


def token_principal(uow: UnitOfWork, token: str, *, now: datetime) -> Principal:
    """The user and scopes behind an API token."""
    with uow:
        try:
            stored = uow.api_tokens.get(digest(token))
        except NotFoundError:
            raise AuthenticationError("the API token is not valid") from None
        user = uow.users.get(stored.user_id)
    if not stored.is_usable(now) or not user.active:
        raise AuthenticationError("the API token is revoked or expired")
    return principal_of(user, (Scope(s) for s in stored.scopes))


def issue_api_token(
    uow: UnitOfWork,
    principal: Principal,
    *,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None,
    now: datetime,
) -> tuple[str, ApiToken]:
    """A new token for the signed-in user, limited to ``scopes``; the secret is shown once."""
    parsed = parse_scopes(scopes, principal.role)
    if expires_at is None:
        expires_at = now + DEFAULT_TOKEN_LIFETIME
    if not now < expires_at <= now + MAX_TOKEN_LIFETIME:
        raise InvalidValueError(
            "api_token.expires_at",
            expires_at.isoformat(),
            f"a future time at most {MAX_TOKEN_LIFETIME.days} days ahead",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(
        digest(secret), principal.user_id, name, tuple(s.value for s in parsed), now, expires_at
    )
    with uow:
        stored = audited_add(
            uow.api_tokens, uow.audit, token, entity="api_token", by=principal.actor, now=now
        )
        uow.commit()
    return secret, stored


def start_second_factor(uow: UnitOfWork, principal: Principal, *, now: datetime) -> str:
    """A new TOTP secret for the user, to confirm with a code; replaces any unconfirmed one."""
    with uow:
        if _confirmed_factor(uow, principal.user_id) is not None:
            raise InvalidValueError("second_factor", "confirmed", "no second factor set up yet")
        factor = SecondFactor(new_id(), principal.user_id, new_secret(), False, now)
        audited_add(
            uow.second_factors,
            uow.audit,
            factor,
            entity="second_factor",
            by=principal.actor,
            now=now,
        )
        uow.commit()
    return factor.secret_base32


def confirm_second_factor(
    uow: UnitOfWork, principal: Principal, code: str, *, now: datetime
) -> None:
    """Turn on the second factor once the app shows a valid code for the newest secret."""
    with uow:
        pending = [f for f in uow.second_factors.find(user_id=principal.user_id) if not f.confirmed]
        newest = max(pending, key=lambda f: f.created_at, default=None)
        step = None if newest is None else matching_step(newest.secret_base32, code, now)
        if newest is None or step is None:
            raise InvalidValueError(
                "second_factor.code", code, "the 6-digit code the app shows now"
            )
        confirmed = dataclasses.replace(newest, confirmed=True, last_used_step=step)
        audited_update(
            uow.second_factors,
            uow.audit,
            confirmed,
            entity="second_factor",
            by=principal.actor,
            now=now,
        )
        uow.commit()


def create_account(
    uow: UnitOfWork,
    principal: Principal,
    *,
    username: str,
    display_name: str,
    role: Role,
    centre_ids: tuple[str, ...],
    password: str,
    hasher: PasswordHasher,
    now: datetime,
) -> User:
    """An administrator creates a user with an initial password."""
    if not principal.may(Scope.ADMIN):
        raise PermissionDeniedError("only an administrator creates accounts")
    check_password(password, username=username)
    with uow:
        user = create_user(
            uow,
            username=username,
            display_name=display_name,
            role=role,
            centre_ids=centre_ids,
            password_hash=hasher.hash(password),
            by=principal.actor,
            now=now,
        )
        uow.commit()
    return user
