"""Write many Bundles read from FHIR: each all or nothing, many per transaction.

References
----------
FHIR R4 transaction rule (hl7.org/fhir/R4/http.html#transaction), applied to every Bundle as in
:mod:`.fhir_bundles`.

Notes
-----
The result is the one of writing the Bundles one after the other, each with
:func:`~lupus_sct.services.imports.fhir_bundles.write_bundle` in a transaction of its own: a
Bundle with a refused resource leaves nothing, later Bundles see what earlier ones wrote, and
each gets its own report. Bundles are written in batches of about ``batch_resources`` resources
per transaction: the stored records of a whole batch are read with one query per table, and a
batch is written with one INSERT per table and one for the audit entries. A refused Bundle's
staged writes and audit entries are forgotten (checkpoint and restore) before the next Bundle is
tried. If the store refuses a batch when it is written (a constraint, or another writer's change
in between), the batch is rolled back and its Bundles are written again one per transaction, so
the failure is reported against the Bundle that caused it and the others are written.

A batch is committed as a whole, so an import killed part way keeps the batches committed before
it and nothing of the rest; each Bundle is still all or nothing. A dry run writes every batch
into one transaction (later Bundles see earlier ones, the store's constraints are checked) and
rolls it back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from lupus_sct.services.imports.fhir_bundles import (
    ImportReport,
    ImportStatus,
    ReadBundle,
    apply_bundle,
    find_centre,
    prefetch,
    write_bundle,
)
from lupus_sct.services.imports.staged_writes import StagedUnitOfWork
from lupus_sct.services.ports import UnitOfWork

# Resources per transaction. 2,000 and 5,000 measured alike (docs/performance.md, FHIR import);
# the smaller keeps the work lost to a refused batch and the memory held lower.
DEFAULT_BATCH_RESOURCES = 2_000


@dataclasses.dataclass(frozen=True, slots=True)
class BundleReading:
    """One Bundle as read: its records, or why it could not be read as a Bundle."""

    index: int  # in the sources
    source: str  # the file, or "bundle N" (from 1) for Bundles given as parsed JSON
    read: ReadBundle | None
    problem: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class BundleResult:
    """What became of one Bundle: its report, or why it could not be read as a Bundle."""

    source: str  # the file, or "bundle N" (from 1) for Bundles given as parsed JSON
    report: ImportReport | None
    problem: str = ""  # set when the file is not a readable Bundle (nothing of it written)

    @property
    def written(self) -> bool:
        """Whether the Bundle's resources were written."""
        return self.report is not None and self.report.written

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: source, written, problem and the outcome of every resource."""
        outcomes = [o.as_dict() for o in self.report.outcomes] if self.report else []
        return {
            "source": self.source,
            "written": self.written,
            "problem": self.problem,
            "resources": outcomes,
        }


def write_bundles(
    open_uow: Callable[[], UnitOfWork],
    read: Callable[[str], Iterable[BundleReading]],
    *,
    centre_code: str,
    by: str,
    now: datetime,
    dry_run: bool = False,
    batch_resources: int = DEFAULT_BATCH_RESOURCES,
    progress: Callable[[int], None] | None = None,
) -> Iterator[BundleResult]:
    """Write the Bundles ``read(centre_id)`` gives into ``centre_code``; a result each, in order.

    ``open_uow`` opens a new (not yet entered) unit of work per transaction; ``read`` is called
    once, with the centre's id, after the centre is found. ``progress`` is called with the
    number of Bundles finished after each batch. Raises
    :class:`~lupus_sct.services.imports.fhir_bundles.UnknownCentreError` before reading anything
    when the centre does not exist.
    """
    if batch_resources < 1:
        raise ValueError(f"batch_resources must be at least 1, not {batch_resources}")
    with open_uow() as uow:
        centre = find_centre(uow, centre_code)
    batches = _batches(read(centre.id), batch_resources)
    if dry_run:
        yield from _dry_run(open_uow, batches, centre_code, by=by, now=now, progress=progress)
        return
    for batch in batches:
        yield from _write_batch(open_uow, batch, centre_code, by=by, now=now)
        if progress is not None:
            progress(len(batch))


def _batches(reads: Iterable[BundleReading], batch_resources: int) -> Iterator[list[BundleReading]]:
    batch: list[BundleReading] = []
    size = 0
    for read in reads:
        batch.append(read)
        size += len(read.read.resources) if read.read else 0
        if size >= batch_resources:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _stage(
    uow: UnitOfWork,
    batch: list[BundleReading],
    centre_code: str,
    *,
    by: str,
    now: datetime,
    dry_run: bool,
) -> tuple[StagedUnitOfWork, list[BundleResult]]:
    """Run the use cases for every Bundle of ``batch``; a refused Bundle's writes are dropped."""
    centre = find_centre(uow, centre_code)
    staged = StagedUnitOfWork(uow)
    staged.staged("centres").remember(centre)
    prefetch(staged, [record for item in batch if item.read for record in item.read.records])
    results = []
    for item in batch:
        if item.read is None:
            results.append(BundleResult(item.source, None, item.problem))
            continue
        mark = staged.checkpoint()
        outcomes = apply_bundle(staged, item.read, centre, by=by, now=now)
        clean = all(o.status is not ImportStatus.REFUSED for o in outcomes)
        if not clean:
            staged.restore(mark)
        report = ImportReport(outcomes, written=clean and not dry_run, dry_run=dry_run)
        results.append(BundleResult(item.source, report))
    return staged, results


def _write_batch(
    open_uow: Callable[[], UnitOfWork],
    batch: list[BundleReading],
    centre_code: str,
    *,
    by: str,
    now: datetime,
) -> list[BundleResult]:
    with open_uow() as uow:
        staged, results = _stage(uow, batch, centre_code, by=by, now=now, dry_run=False)
        if len(batch) == 1:
            staged.flush()  # a store error propagates, as from write_bundle
        else:
            try:
                staged.flush()
            except Exception:  # retried Bundle by Bundle below, where it is raised again
                uow.rollback()
                return [_write_alone(open_uow, item, centre_code, by, now) for item in batch]
        uow.commit()
    return results


def _dry_run(
    open_uow: Callable[[], UnitOfWork],
    batches: Iterable[list[BundleReading]],
    centre_code: str,
    *,
    by: str,
    now: datetime,
    progress: Callable[[int], None] | None,
) -> Iterator[BundleResult]:
    """Every batch written into one transaction that is rolled back at the end.

    Later Bundles see earlier ones as they would in the import; a store error propagates, as
    from a dry run of :func:`~lupus_sct.services.imports.fhir_bundles.write_bundle`.
    """
    with open_uow() as uow:
        for batch in batches:
            staged, results = _stage(uow, batch, centre_code, by=by, now=now, dry_run=True)
            staged.flush()
            yield from results
            if progress is not None:
                progress(len(batch))
        uow.rollback()


def _write_alone(
    open_uow: Callable[[], UnitOfWork],
    item: BundleReading,
    centre_code: str,
    by: str,
    now: datetime,
) -> BundleResult:
    """One Bundle of a refused batch, in a transaction of its own (reading is pure: not redone)."""
    if item.read is None:
        return BundleResult(item.source, None, item.problem)
    with open_uow() as uow:
        centre = find_centre(uow, centre_code)
        report = write_bundle(uow, item.read, centre, by=by, now=now)
    return BundleResult(item.source, report)
