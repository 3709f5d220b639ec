"""Use case: read the audit log a page at a time (auditors and administrators), redacted."""

from __future__ import annotations

from contextlib import closing
from itertools import islice

from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.services.accounts.sign_in import PermissionDeniedError
from lupus_sct.services.audit.chain import AuditEntry
from lupus_sct.services.audit.redaction import redact_entries
from lupus_sct.services.clinic.access import MAX_PAGE_SIZE, Page
from lupus_sct.services.ports import UnitOfWork


def audit_page(
    uow: UnitOfWork, principal: Principal, *, offset: int, limit: int, entity: str | None = None
) -> Page[AuditEntry]:
    """Entries in sequence order from ``offset``; ``entity`` filters by entity name.

    Secrets are hidden and identifiers shown only as :func:`redact_entries` allows.
    """
    if not principal.may(Scope.AUDIT):
        raise PermissionDeniedError("reading the audit log needs the 'audit' scope")
    limit = min(limit, MAX_PAGE_SIZE)
    with uow, closing(uow.audit.entries()) as entries:
        chosen = (e for e in entries if entity is None or e.entity == entity)
        items = tuple(islice(chosen, offset, offset + limit))
        total = offset + len(items) + sum(1 for _ in chosen)
        items = redact_entries(uow, principal, items)
    return Page(items, total, offset, limit)
