"""Use cases: check the whole audit chain, and the chain against its anchor and the stored rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from contextlib import closing

from lupus_sct.services.audit.anchor import AuditAnchor, check_checkpoints, checkpoint_seqs
from lupus_sct.services.audit.chain import AuditEntry, ChainVerification, verify_chain
from lupus_sct.services.audit.replay import TrailReplay, rows_differing_from_trail
from lupus_sct.services.ports import UnitOfWork


def verify_audit_trail(uow: UnitOfWork) -> ChainVerification:
    """Verify every audit entry in order and name the first that does not verify."""
    with uow, closing(uow.audit.entries()) as entries:
        return verify_chain(entries)


@dataclasses.dataclass(frozen=True, slots=True)
class AuditCheck:
    """Outcome of ``lupus-sct audit verify``: the chain, the anchor and the stored rows."""

    chain: ChainVerification
    anchored: bool
    last_seq: int
    anchor_problems: tuple[str, ...] = ()
    row_problems: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when the chain verified, agreed with every checkpoint and accounts for every row."""
        return self.chain.intact and not self.anchor_problems and not self.row_problems


class _HashesAt:
    """Keeps the stored hashes of the entries that checkpoints name, and the last seq seen."""

    def __init__(self, seqs: frozenset[int]) -> None:
        self._seqs = seqs
        self.hashes: dict[int, str] = {}
        self.last_seq = 0

    def watch(self, entries: Iterable[AuditEntry]) -> Iterator[AuditEntry]:
        for entry in entries:
            self.last_seq = entry.seq
            if entry.seq in self._seqs:
                self.hashes[entry.seq] = entry.hash
            yield entry


def check_audit_trail(uow: UnitOfWork, anchor: AuditAnchor | None) -> AuditCheck:
    """Verify the chain, then compare it with the signed checkpoints and the stored rows.

    The checkpoints and rows are compared only with an intact chain (a broken one stops early
    and says nothing reliable).
    Without an anchor (no public key), truncation and rewriting cannot be detected: ``anchored``
    is False and the caller says so.
    """
    read = anchor.read() if anchor is not None and anchor.can_verify() else None
    at = _HashesAt(checkpoint_seqs(read) if read else frozenset())
    replay = TrailReplay()
    with uow, closing(uow.audit.entries()) as entries:
        chain = verify_chain(replay.watch(at.watch(entries)))
        rows = rows_differing_from_trail(uow, replay) if chain.intact else []
    anchor_problems = list(read.problems) if read else []
    if read and chain.intact:  # a broken chain stops early: its end is not the stored end
        anchor_problems += check_checkpoints(read.checkpoints, at.hashes, at.last_seq)
    return AuditCheck(chain, read is not None, at.last_seq, tuple(anchor_problems), tuple(rows))


def chain_head(uow: UnitOfWork) -> tuple[int, str]:
    """The last entry's (seq, hash), to checkpoint."""
    with uow:
        return uow.audit.head()
