"""Import many FHIR R4 Bundles (files or parsed JSON): each all or nothing, many per transaction.

References
----------
FHIR R4 transaction rule (hl7.org/fhir/R4/http.html#transaction), applied to every Bundle as in
:mod:`.bundle_import`.

Notes
-----
The result is the one of importing the Bundles one after the other, each with
:func:`~lupus_sct.interop.fhir.bundle_import.import_bundle` in a transaction of its own: a Bundle
with a refused resource leaves nothing, later Bundles see what earlier ones wrote, and each gets
its own report. Three things make it faster:

- Reading (JSON, fhir.resources validation, mapping to our records) depends only on the Bundle
  and the centre, so it is done ahead of the writes by ``workers`` worker processes (forked from
  a server process that has already imported the models), a bounded number of files ahead.
- Bundles are written in batches of about ``batch_resources`` resources per transaction: the
  stored records of a whole batch are read with one query per table, and a batch is written
  with one INSERT per table and one for the audit entries. A refused Bundle's staged writes and
  audit entries are forgotten (checkpoint and restore) before the next Bundle is tried.
- If the store refuses a batch when it is written (a constraint, or another writer's change in
  between), the batch is rolled back and its Bundles are imported again one per transaction, so
  the failure is reported against the Bundle that caused it and the others are written.

A batch is committed as a whole, so an import killed part way keeps the batches committed before
it and nothing of the rest; each Bundle is still all or nothing. A dry run writes every batch
into one transaction (later Bundles see earlier ones, the store's constraints are checked) and
rolls it back.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from lupus_sct.interop.fhir.bundle_import import (
    BundleError,
    ImportReport,
    ImportStatus,
    ReadBundle,
    apply_bundle,
    find_centre,
    import_bundle,
    load_bundle_json,
    prefetch,
    read_bundle,
)
from lupus_sct.interop.fhir.staged_writes import StagedUnitOfWork
from lupus_sct.interop.fhir.validation import ElementCache
from lupus_sct.services.ports import UnitOfWork

# Resources per transaction. 2,000 and 5,000 measured alike (docs/performance.md, FHIR import);
# the smaller keeps the work lost to a refused batch and the memory held lower.
DEFAULT_BATCH_RESOURCES = 2_000
_FILES_PER_TASK = 8  # Bundles read by a worker per task (fewer round trips to the pool)
_TASKS_AHEAD_PER_WORKER = 32  # bounds the memory held by Bundles read but not yet written

BundleSource = Path | Mapping[str, Any]


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


@dataclasses.dataclass(frozen=True, slots=True)
class _Read:
    index: int  # in the sources
    source: str
    read: ReadBundle | None
    problem: str = ""


def import_bundles(
    open_uow: Callable[[], UnitOfWork],
    sources: Sequence[BundleSource],
    *,
    centre_code: str,
    by: str,
    now: datetime,
    dry_run: bool = False,
    workers: int = 0,
    batch_resources: int = DEFAULT_BATCH_RESOURCES,
    progress: Callable[[int], None] | None = None,
) -> Iterator[BundleResult]:
    """Import ``sources`` in order into the centre ``centre_code``; a result per Bundle, in order.

    ``open_uow`` opens a new (not yet entered) unit of work per transaction. ``workers`` is the
    number of reading processes (0: read in this process). ``progress`` is called with the
    number of Bundles finished after each batch. Raises
    :class:`~lupus_sct.interop.fhir.bundle_import.UnknownCentreError` before reading anything
    when the centre does not exist.
    """
    if batch_resources < 1:
        raise ValueError(f"batch_resources must be at least 1, not {batch_resources}")
    with open_uow() as uow:
        centre = find_centre(uow, centre_code)
    batches = _batches(_read_all(sources, centre.id, workers), batch_resources)
    if dry_run:
        yield from _dry_run(open_uow, batches, centre_code, by=by, now=now, progress=progress)
        return
    for batch in batches:
        yield from _import_batch(open_uow, batch, sources, centre_code, by=by, now=now)
        if progress is not None:
            progress(len(batch))


def read_source(
    source: BundleSource, index: int, centre_id: str, elements: ElementCache | None = None
) -> _Read:
    """Read one Bundle (a file or parsed JSON) into our records; never raises for bad input."""
    name = str(source) if isinstance(source, Path) else f"bundle {index + 1}"
    try:
        if isinstance(source, Path):
            data: Mapping[str, Any] = load_bundle_json(source.read_text(encoding="utf-8"))
        else:
            data = source
        return _Read(index, name, read_bundle(dict(data), centre_id, elements))
    except OSError as exc:
        return _Read(index, name, None, f"cannot read the file: {exc.strerror}")
    except UnicodeDecodeError as exc:
        problem = f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"
        return _Read(index, name, None, problem)
    except BundleError as exc:
        return _Read(index, name, None, str(exc))


_worker_elements: ElementCache | None = None  # a worker process's cache, kept between tasks


def _read_chunk(
    chunk: list[tuple[int, BundleSource]], centre_id: str, elements: ElementCache | None = None
) -> list[_Read]:
    global _worker_elements  # one cache per worker process, for its lifetime
    if elements is None:
        if _worker_elements is None:
            _worker_elements = ElementCache()
        elements = _worker_elements
    return [read_source(source, index, centre_id, elements) for index, source in chunk]


def _read_all(sources: Sequence[BundleSource], centre_id: str, workers: int) -> Iterator[_Read]:
    indexed = list(enumerate(sources))
    chunks = [indexed[i : i + _FILES_PER_TASK] for i in range(0, len(indexed), _FILES_PER_TASK)]
    if workers <= 0 or len(chunks) <= 1:
        elements = ElementCache()
        for chunk in chunks:
            yield from _read_chunk(chunk, centre_id, elements)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context)
    try:
        pending: collections.deque[concurrent.futures.Future[list[_Read]]] = collections.deque()
        queue = iter(chunks)
        for chunk in queue:
            pending.append(pool.submit(_read_chunk, chunk, centre_id))
            if len(pending) >= workers * _TASKS_AHEAD_PER_WORKER:
                break
        while pending:
            done = pending.popleft().result()
            next_chunk = next(queue, None)
            if next_chunk is not None:
                pending.append(pool.submit(_read_chunk, next_chunk, centre_id))
            yield from done
    finally:
        # An import stopped part way (an error, Ctrl-C) does not wait for files read ahead.
        pool.shutdown(wait=True, cancel_futures=True)


def _batches(reads: Iterable[_Read], batch_resources: int) -> Iterator[list[_Read]]:
    batch: list[_Read] = []
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
    uow: UnitOfWork, batch: list[_Read], centre_code: str, *, by: str, now: datetime, dry_run: bool
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


def _import_batch(
    open_uow: Callable[[], UnitOfWork],
    batch: list[_Read],
    sources: Sequence[BundleSource],
    centre_code: str,
    *,
    by: str,
    now: datetime,
) -> list[BundleResult]:
    with open_uow() as uow:
        staged, results = _stage(uow, batch, centre_code, by=by, now=now, dry_run=False)
        if len(batch) == 1:
            staged.flush()  # a store error propagates, as from import_bundle
        else:
            try:
                staged.flush()
            except Exception:  # retried Bundle by Bundle below, where it is raised again
                uow.rollback()
                return [
                    _import_alone(open_uow, item, sources[item.index], centre_code, by, now)
                    for item in batch
                ]
        uow.commit()
    return results


def _dry_run(
    open_uow: Callable[[], UnitOfWork],
    batches: Iterable[list[_Read]],
    centre_code: str,
    *,
    by: str,
    now: datetime,
    progress: Callable[[int], None] | None,
) -> Iterator[BundleResult]:
    """Every batch written into one transaction that is rolled back at the end.

    Later Bundles see earlier ones as they would in the import; a store error propagates, as
    from a dry run of :func:`~lupus_sct.interop.fhir.bundle_import.import_bundle`.
    """
    with open_uow() as uow:
        for batch in batches:
            staged, results = _stage(uow, batch, centre_code, by=by, now=now, dry_run=True)
            staged.flush()
            yield from results
            if progress is not None:
                progress(len(batch))
        uow.rollback()


def _import_alone(
    open_uow: Callable[[], UnitOfWork],
    item: _Read,
    source: BundleSource,
    centre_code: str,
    by: str,
    now: datetime,
) -> BundleResult:
    if item.read is None:
        return BundleResult(item.source, None, item.problem)
    data = (
        load_bundle_json(source.read_text(encoding="utf-8"))
        if isinstance(source, Path)
        else dict(source)
    )
    with open_uow() as uow:
        report = import_bundle(uow, data, centre_code=centre_code, by=by, now=now)
    return BundleResult(item.source, report)
