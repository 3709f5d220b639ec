"""Who may do what: roles grant scopes, and every patient read is limited to the user's centres.

Notes
-----
Scopes are the unit of permission for both browser sessions and API tokens: a session has every
scope of the user's role; a token has the scopes it was issued with, and only those its owner's
role grants. Researchers read de-identified data only (issue #8); auditors read the audit log
only. Administrators and auditors see every centre; every other role sees its own centres.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.people import Role


class Scope(enum.Enum):
    """A permission a request may need."""

    READ = "read"  # clinical records, pseudonymous
    WRITE = "write"  # record and correct clinical data
    IDENTITY = "identity"  # direct identifiers (names, hospital numbers)
    RESEARCH = "research"  # de-identified views only
    AUDIT = "audit"  # the audit log
    ADMIN = "admin"  # centres, users


_CLINICAL = frozenset({Scope.READ, Scope.WRITE, Scope.IDENTITY})
ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.ADMIN: _CLINICAL | {Scope.AUDIT, Scope.ADMIN},
    Role.CLINICIAN: _CLINICAL,
    Role.COORDINATOR: _CLINICAL,
    Role.DATA_MANAGER: _CLINICAL,
    Role.RESEARCHER: frozenset({Scope.RESEARCH}),
    Role.AUDITOR: frozenset({Scope.AUDIT}),
}
ALL_CENTRE_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


def parse_scopes(names: Iterable[str], role: Role) -> tuple[Scope, ...]:
    """Scopes named by a token request; each must exist and be granted to ``role``."""
    scopes: list[Scope] = []
    for name in names:
        try:
            scope = Scope(name)
        except ValueError:
            accepted = ", ".join(s.value for s in Scope)
            raise InvalidValueError("api_token.scopes", name, f"one of {accepted}") from None
        if scope not in ROLE_SCOPES[role]:
            granted = ", ".join(sorted(s.value for s in ROLE_SCOPES[role]))
            raise InvalidValueError("api_token.scopes", name, f"a scope of the role: {granted}")
        if scope not in scopes:
            scopes.append(scope)
    return tuple(scopes)


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as one request sees them."""

    user_id: str
    username: str
    display_name: str
    role: Role
    centre_ids: tuple[str, ...]
    scopes: frozenset[Scope]

    @property
    def actor(self) -> str:
        """How the audit trail names this user."""
        return f"user:{self.username}"

    @property
    def sees_every_centre(self) -> bool:
        """Administrators and auditors are not limited to centres."""
        return self.role in ALL_CENTRE_ROLES

    def may(self, scope: Scope) -> bool:
        """Whether this request carries ``scope``."""
        return scope in self.scopes

    def sees_centre(self, centre_id: str) -> bool:
        """Whether records of ``centre_id`` are visible to this user."""
        return self.sees_every_centre or centre_id in self.centre_ids
