"""Use cases for sign-in accounts."""

from __future__ import annotations

import secrets
from datetime import datetime

from lupus_sct.domain.records.people import Role, User
from lupus_sct.services.clinic.patients import create_user
from lupus_sct.services.errors import DuplicateError
from lupus_sct.services.ports import PasswordHasher, UnitOfWork

GENERATED_PASSWORD_BYTES = 15  # 120 bits of entropy, 20 URL-safe characters


def generate_password() -> str:
    """A random password for a first sign-in."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def create_first_admin(
    uow: UnitOfWork,
    *,
    username: str,
    password: str,
    hasher: PasswordHasher,
    by: str,
    now: datetime,
) -> User:
    """Create the first administrator; refused once any administrator exists."""
    existing = uow.users.find(role=Role.ADMIN)
    if existing:
        raise DuplicateError("administrator", "username", existing[0].username)
    return create_user(
        uow,
        username=username,
        display_name="Administrator",
        role=Role.ADMIN,
        centre_ids=(),
        password_hash=hasher.hash(password),
        by=by,
        now=now,
    )


def has_admin(uow: UnitOfWork) -> bool:
    """Whether an administrator account exists."""
    return bool(uow.users.find(role=Role.ADMIN))
