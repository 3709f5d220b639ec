"""Use case: check the whole audit chain."""

from __future__ import annotations

from contextlib import closing

from lupus_sct.services.audit import ChainVerification, verify_chain
from lupus_sct.services.ports import UnitOfWork


def verify_audit_trail(uow: UnitOfWork) -> ChainVerification:
    """Verify every audit entry in order and name the first that does not verify."""
    with uow, closing(uow.audit.entries()) as entries:
        return verify_chain(entries)
