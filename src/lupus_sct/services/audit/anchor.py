"""The audit anchor: signed checkpoints of the chain head, kept outside the database.

Notes
-----
The hash chain alone shows an entry changed in place, but not the last entries deleted, nor a
chain rewritten with every later hash recomputed: both leave a chain that verifies. A checkpoint
(sequence number, hash, time) signed with a key the database never holds pins the chain head
at that time; :func:`check_checkpoints` finds the chain shorter than a checkpoint, or different
from it at the checkpoint's entry. Why and how: docs/adr/0005-audit-anchor.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Protocol


@dataclasses.dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain head at a time, as a signed line of the checkpoint file said it was."""

    seq: int
    hash: str
    recorded_at: str


@dataclasses.dataclass(frozen=True, slots=True)
class CheckpointRead:
    """The checkpoints whose signature verified, and one problem per line that did not."""

    checkpoints: tuple[Checkpoint, ...]
    problems: tuple[str, ...] = ()


class AuditAnchor(Protocol):
    """Where checkpoints are signed and kept (outside the database)."""

    def can_verify(self) -> bool:
        """Whether a public key is there to check checkpoints with."""
        ...

    def record(self, head: tuple[int, str]) -> None:
        """Sign and keep a checkpoint of the chain head ``(seq, hash)`` just committed."""
        ...

    def read(self) -> CheckpointRead:
        """Every checkpoint kept, each signature checked."""
        ...


def checkpoint_seqs(read: CheckpointRead) -> frozenset[int]:
    """The entries whose hashes the checkpoints pin."""
    return frozenset(c.seq for c in read.checkpoints)


def check_checkpoints(
    checkpoints: Iterable[Checkpoint], hashes: Mapping[int, str], last_seq: int
) -> list[str]:
    """Problems of the chain against the signed checkpoints (empty: it agrees with every one).

    ``hashes`` holds the stored hash of each entry a checkpoint names (those stored), and
    ``last_seq`` the last entry stored. The furthest checkpoint beyond the end is reported once.
    """
    problems = []
    furthest = max((c for c in checkpoints if c.seq > last_seq), key=lambda c: c.seq, default=None)
    if furthest is not None:
        problems.append(
            f"the audit trail ends at entry {last_seq} but a signed checkpoint of "
            f"{furthest.recorded_at} says it reached entry {furthest.seq}: entries were deleted "
            "from the end"
        )
    for checkpoint in sorted(checkpoints, key=lambda c: c.seq):
        stored = hashes.get(checkpoint.seq)
        if stored is not None and stored != checkpoint.hash:
            problems.append(
                f"entry {checkpoint.seq} differs from the signed checkpoint of "
                f"{checkpoint.recorded_at}: the chain was rewritten up to that entry"
            )
            break
    return problems
