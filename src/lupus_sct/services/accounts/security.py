"""Use cases that change how an account signs in: re-authentication, passwords, tokens, TOTP.

Notes
-----
Every change to a security setting asks for the account's password again (OWASP ASVS 4.0.3
V3.7.1: re-authentication before sensitive changes); the entrypoints also refuse API tokens, so
a leaked token cannot take over an account. Ending access (password change or reset, disabling
a user, "sign out everywhere") ends every open session and revokes every token of the user
(ASVS 4.0.3 V3.3.3 and V3.3.4). Re-authentication failures count towards the sign-in throttle
of :mod:`lupus_sct.services.accounts.sign_in`. No password, token or TOTP secret is put in a
message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from lupus_sct.domain.access.permissions import Principal
from lupus_sct.domain.access.sign_in import ApiToken
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.people import User
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.accounts.password_policy import check_password
from lupus_sct.services.accounts.totp_rfc6238 import new_secret
from lupus_sct.services.accounts.users import generate_password
from lupus_sct.services.audit.chain import audited_update
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import PasswordHasher, UnitOfWork


class ReauthenticationError(auth.PermissionDeniedError):
    """The password typed to confirm a security change is not the account's password."""

    def __init__(self) -> None:
        super().__init__("the password confirmation does not match: the change was not made")


@dataclasses.dataclass(frozen=True, slots=True)
class Confirmation:
    """A fresh password confirmation: what was typed, where from, and how to check it."""

    password: str
    hasher: PasswordHasher
    client_address: str = ""


def _reauthenticate(
    uow: UnitOfWork, principal: Principal, confirm: Confirmation, now: datetime
) -> User:
    """The principal's account, once ``confirm.password`` is its password (inside ``uow``)."""
    try:
        return auth.check_password_again(
            uow, principal.username, confirm.password, confirm.hasher, now, confirm.client_address
        )
    except auth.LockedOutError:
        raise
    except auth.AuthenticationError:
        raise ReauthenticationError from None


def user_named(uow: UnitOfWork, username: str) -> User:
    """The account called ``username`` (inside ``uow``)."""
    found = uow.users.find(username=username.strip().lower())
    if not found:
        raise NotFoundError("user", username)
    return found[0]


def end_access(uow: UnitOfWork, user_id: str, *, by: str, now: datetime) -> int:
    """End every open session and revoke every usable token of a user; how many (inside uow)."""
    ended = 0
    for session in uow.sessions.find(user_id=user_id):
        if session.is_open(now):
            closed = dataclasses.replace(session, ended_at=now)
            audited_update(uow.sessions, uow.audit, closed, entity="session", by=by, now=now)
            ended += 1
    for token in uow.api_tokens.find(user_id=user_id):
        if token.is_usable(now):
            revoked = dataclasses.replace(token, revoked_at=now)
            audited_update(uow.api_tokens, uow.audit, revoked, entity="api_token", by=by, now=now)
            ended += 1
    return ended


def sign_out_everywhere(uow: UnitOfWork, principal: Principal, *, now: datetime) -> int:
    """End all the user's sessions (this one too) and revoke all their tokens."""
    with uow:
        ended = end_access(uow, principal.user_id, by=principal.actor, now=now)
        uow.commit()
    return ended


def change_password(
    uow: UnitOfWork,
    principal: Principal,
    *,
    new_password: str,
    confirm: Confirmation,
    now: datetime,
) -> None:
    """Set a new password (the current one confirms it); every session and token ends."""
    check_password(new_password, username=principal.username, field="new_password")
    with uow:
        user = _reauthenticate(uow, principal, confirm, now)
        if confirm.hasher.verify(user.password_hash, new_password):
            raise InvalidValueError(
                "new_password", "the current password", "a password other than the current one"
            )
        _store_password(uow, user, confirm.hasher.hash(new_password), by=principal.actor, now=now)
        uow.commit()


def reset_password(
    uow: UnitOfWork,
    username: str,
    *,
    hasher: PasswordHasher,
    by: str,
    now: datetime,
    new_password: str | None = None,
) -> str:
    """An administrator sets a user's password (generated if not given); all access ends.

    Returns the new password, to hand to the user once; it is stored only as its hash.
    """
    password = generate_password() if new_password is None else new_password
    check_password(password, username=username, field="new_password")
    with uow:
        user = user_named(uow, username)
        _store_password(uow, user, hasher.hash(password), by=by, now=now)
        uow.commit()
    return password


def _store_password(
    uow: UnitOfWork, user: User, password_hash: str, *, by: str, now: datetime
) -> None:
    changed = dataclasses.replace(user, password_hash=password_hash)
    audited_update(uow.users, uow.audit, changed, entity="user", by=by, now=now)
    end_access(uow, user.id, by=by, now=now)


def set_user_active(
    uow: UnitOfWork, username: str, *, active: bool, by: str, now: datetime
) -> User:
    """Enable or disable an account; disabling ends its sessions and revokes its tokens."""
    with uow:
        user = user_named(uow, username)
        if by == f"user:{user.username}" and not active:
            raise InvalidValueError("username", username, "another account than your own")
        stored = user
        if user.active != active:
            changed = dataclasses.replace(user, active=active)
            stored = audited_update(uow.users, uow.audit, changed, entity="user", by=by, now=now)
        if not active:
            end_access(uow, user.id, by=by, now=now)
        uow.commit()
    return stored


def tokens_of(uow: UnitOfWork, user_id: str) -> list[ApiToken]:
    """A user's tokens, newest first (ids and names only ever leave: no secret is stored)."""
    with uow:
        tokens = uow.api_tokens.find(user_id=user_id)
    return sorted(tokens, key=lambda t: t.created_at, reverse=True)


def revoke_token(
    uow: UnitOfWork, token_id: str, *, owner_id: str | None, by: str, now: datetime
) -> ApiToken:
    """Revoke a token; with ``owner_id``, only a token of that user (404 otherwise)."""
    with uow:
        found = uow.api_tokens.get_many([token_id])
        if not found or (owner_id is not None and found[0].user_id != owner_id):
            raise NotFoundError("api_token", token_id)
        token = found[0]
        if token.revoked_at is not None:
            return token
        revoked = dataclasses.replace(token, revoked_at=now)
        stored = audited_update(
            uow.api_tokens, uow.audit, revoked, entity="api_token", by=by, now=now
        )
        uow.commit()
    return stored


def revoke_own_token(
    uow: UnitOfWork, principal: Principal, token_id: str, *, confirm: Confirmation, now: datetime
) -> ApiToken:
    """The signed-in user revokes one of their tokens, confirming with the password."""
    confirm_password(uow, principal, confirm, now=now)
    return revoke_token(uow, token_id, owner_id=principal.user_id, by=principal.actor, now=now)


def issue_token(
    uow: UnitOfWork,
    principal: Principal,
    *,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None,
    confirm: Confirmation,
    now: datetime,
) -> tuple[str, ApiToken]:
    """Issue an API token after a password confirmation; the secret is shown once."""
    confirm_password(uow, principal, confirm, now=now)
    return auth.issue_api_token(
        uow, principal, name=name, scopes=scopes, expires_at=expires_at, now=now
    )


def start_totp(
    uow: UnitOfWork, principal: Principal, *, confirm: Confirmation, now: datetime
) -> str:
    """Start setting up TOTP after a password confirmation; the secret is shown once."""
    confirm_password(uow, principal, confirm, now=now)
    return auth.start_second_factor(uow, principal, now=now)


def confirm_totp(
    uow: UnitOfWork, principal: Principal, code: str, *, confirm: Confirmation, now: datetime
) -> None:
    """Turn TOTP on with a code from the app, after a password confirmation."""
    confirm_password(uow, principal, confirm, now=now)
    auth.confirm_second_factor(uow, principal, code, now=now)


def remove_totp(
    uow: UnitOfWork, principal: Principal, *, confirm: Confirmation, now: datetime
) -> None:
    """Turn TOTP off after a password confirmation.

    The store keeps no deletions: each confirmed factor is marked unconfirmed and its secret is
    replaced by a fresh random one nobody has seen, so the old app's codes never work again.
    """
    with uow:
        _reauthenticate(uow, principal, confirm, now)
        factors = [f for f in uow.second_factors.find(user_id=principal.user_id) if f.confirmed]
        if not factors:
            raise InvalidValueError("second_factor", "none", "a second factor to remove")
        for factor in factors:
            removed = dataclasses.replace(factor, confirmed=False, secret_base32=new_secret())
            audited_update(
                uow.second_factors,
                uow.audit,
                removed,
                entity="second_factor",
                by=principal.actor,
                now=now,
            )
        uow.commit()


def confirm_password(
    uow: UnitOfWork, principal: Principal, confirm: Confirmation, *, now: datetime
) -> None:
    """Refuse (403) unless ``confirm.password`` is the principal's password."""
    with uow:
        _reauthenticate(uow, principal, confirm, now)
        uow.commit()
