"""Import many FHIR R4 Bundles (files or parsed JSON): each all or nothing, many per transaction.

References
----------
FHIR R4 transaction rule (hl7.org/fhir/R4/http.html#transaction), applied to every Bundle as in
:mod:`.bundle_import`.

Notes
-----
The result is the one of importing the Bundles one after the other, each with
:func:`~lupus_sct.interop.fhir.bundle_import.import_bundle` in a transaction of its own
(:mod:`lupus_sct.services.imports.fhir_batches` writes them, several per transaction, and says
how). Reading (JSON, fhir.resources validation, mapping to our records) depends only on the
Bundle and the centre, so it is done here ahead of the writes by ``workers`` worker processes
(forked from a server process that has already imported the models), a bounded number of files
ahead.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import functools
import io
import itertools
import multiprocessing
import multiprocessing.connection
import operator
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from lupus_sct.interop.fhir.bundle_import import (
    BundleError,
    load_bundle_json,
    read_bundle,
)
from lupus_sct.interop.fhir.ndjson import ndjson_patient_bundles
from lupus_sct.interop.fhir.validation import ElementCache
from lupus_sct.services.imports.fhir_batches import (
    DEFAULT_BATCH_RESOURCES,
    BundleReading,
    BundleResult,
    write_bundles,
)
from lupus_sct.services.ports import UnitOfWork

__all__ = [
    "DEFAULT_BATCH_RESOURCES",
    "BundleResult",
    "import_bundles",
    "read_source",
    "with_ndjson_as_bundles",
]

_FILES_PER_TASK = 8  # Bundles read by a worker per task (fewer round trips to the pool)
_TASKS_AHEAD_PER_WORKER = 32  # bounds the memory held by Bundles read but not yet written

BundleSource = Path | Mapping[str, Any]


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
    strict: bool = False,
) -> Iterator[BundleResult]:
    """Import ``sources`` in order into the centre ``centre_code``; a result per Bundle, in order.

    ``open_uow`` opens a new (not yet entered) unit of work per transaction. ``workers`` is the
    number of reading processes (0: read in this process). ``progress`` is called with the
    number of Bundles finished after each batch. Raises
    :class:`~lupus_sct.interop.fhir.bundle_import.UnknownCentreError` before reading anything
    when the centre does not exist. ``strict`` refuses resource types we do not read instead of
    skipping them.
    """
    return write_bundles(
        open_uow,
        lambda centre_id: _read_all(sources, centre_id, workers, strict),
        centre_code=centre_code,
        by=by,
        now=now,
        dry_run=dry_run,
        batch_resources=batch_resources,
        progress=progress,
    )


def with_ndjson_as_bundles(sources: Sequence[BundleSource]) -> list[BundleSource]:
    """``sources`` with the ``*.ndjson`` files replaced by one Bundle per patient, at the end.

    The NDJSON files (FHIR Bulk Data output, as ``lupus-sct export fhir-bulk`` writes) are read
    together with :func:`~.ndjson.ndjson_patient_bundles`, since a patient's resources are spread
    over one file per type; the other sources are kept, in order.
    """
    ndjson = [s for s in sources if isinstance(s, Path) and s.suffix == ".ndjson"]
    if not ndjson:
        return list(sources)
    kept = [s for s in sources if not (isinstance(s, Path) and s.suffix == ".ndjson")]
    return [*kept, *ndjson_patient_bundles(ndjson)]


def read_source(
    source: BundleSource,
    index: int,
    centre_id: str,
    elements: ElementCache | None = None,
    strict: bool = False,
) -> BundleReading:
    """Read one Bundle (a file or parsed JSON) into our records; never raises for bad input."""
    name = str(source) if isinstance(source, Path) else f"bundle {index + 1}"
    try:
        if isinstance(source, Path):
            data: Mapping[str, Any] = load_bundle_json(source.read_text(encoding="utf-8"))
        else:
            data = source
        read = read_bundle(dict(data), centre_id, elements, strict=strict)
        return BundleReading(index, name, read)
    except OSError as exc:
        return BundleReading(index, name, None, f"cannot read the file: {exc.strerror}")
    except UnicodeDecodeError as exc:
        problem = f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"
        return BundleReading(index, name, None, problem)
    except BundleError as exc:
        return BundleReading(index, name, None, str(exc))


_worker_elements: ElementCache | None = None  # a worker process's cache, kept between tasks


def _read_chunk(
    chunk: list[tuple[int, BundleSource]],
    centre_id: str,
    elements: ElementCache,
    strict: bool = False,
) -> list[BundleReading]:
    return [read_source(source, index, centre_id, elements, strict) for index, source in chunk]


def _read_in_worker(
    chunk: list[tuple[int, BundleSource]], centre_id: str, strict: bool = False
) -> bytes:
    """A worker's task: ``chunk`` read, pickled with :class:`_RecordReducers`."""
    global _worker_elements  # one cache per worker process, for its lifetime
    if _worker_elements is None:
        _worker_elements = ElementCache()
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(_read_chunk(chunk, centre_id, _worker_elements, strict))
    return buffer.getvalue()


class _RecordReducers(dict[type, Callable[[Any], tuple[Any, ...]]]):
    """How the worker pickles dataclasses: the field values as one tuple, read in one call.

    The standard pickling of a slotted dataclass calls ``dataclasses.fields`` for every object
    it writes and reads (``__getstate__``/``__setstate__``), most of a worker's pickling time
    (docs/performance.md, FHIR import). The object comes back the same either way: the fields
    set as they were, ``__init__`` not run again. Other types are pickled as usual.
    """

    def __missing__(self, kind: type) -> Callable[[Any], tuple[Any, ...]]:
        if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
            raise KeyError(kind)
        names = _field_names(kind)
        if len(names) == 1:
            (name,) = names
            reducer = lambda item: (_rebuild, (kind, (getattr(item, name),)))  # noqa: E731
        else:
            values = operator.attrgetter(*names)
            reducer = lambda item: (_rebuild, (kind, values(item)))  # noqa: E731
        self[kind] = reducer
        return reducer


_REDUCERS = _RecordReducers()


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def _rebuild(kind: type, values: tuple[Any, ...]) -> Any:
    """A dataclass pickled by :class:`_RecordReducers`, its fields set as they were."""
    item: Any = object.__new__(kind)
    for name, value in zip(_field_names(kind), values, strict=True):
        object.__setattr__(item, name, value)
    return item


def _read_all(
    sources: Sequence[BundleSource], centre_id: str, workers: int, strict: bool
) -> Iterator[BundleReading]:
    """Every source read, in order: by worker processes, and by this process while it would wait.

    The pool starts in a background thread (starting a worker means the fork server imports
    the models first, about half a second) while this process reads the first files itself.
    Then tasks are handed to the pool a bounded number ahead. When the next result to hand on
    is not ready, this process takes the earliest task the pool has not started (a cancelled
    future, which the pool skips) and reads it itself, so it does not sit idle while a worker
    falls behind; it blocks only when every pending task is already being read.
    """
    indexed = list(enumerate(sources))
    chunks = [indexed[i : i + _FILES_PER_TASK] for i in range(0, len(indexed), _FILES_PER_TASK)]
    elements = ElementCache()
    queue = iter(chunks)
    if workers <= 0 or len(chunks) <= 1:
        for chunk in queue:
            yield from _read_chunk(chunk, centre_id, elements, strict)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    pool = concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_exit_with_parent
    )
    starter = _PoolStarter(pool)
    try:
        for chunk in queue:
            yield from _read_chunk(chunk, centre_id, elements, strict)
            if not starter.is_alive():
                break
        starter.join()
        starter.raise_failure()
        yield from _read_in_pool(
            pool, queue, centre_id, elements, workers * _TASKS_AHEAD_PER_WORKER, strict
        )
    finally:
        # An import stopped part way (an error, Ctrl-C) does not wait for files read ahead.
        starter.join()
        pool.shutdown(wait=True, cancel_futures=True)


def _read_in_pool(
    pool: concurrent.futures.ProcessPoolExecutor,
    queue: Iterator[list[tuple[int, BundleSource]]],
    centre_id: str,
    elements: ElementCache,
    ahead: int,
    strict: bool = False,
) -> Iterator[BundleReading]:
    """The chunks of ``queue`` read by the pool (``ahead`` tasks at most) and by this process."""
    slots: collections.deque[_Slot] = collections.deque()
    for chunk in itertools.islice(queue, ahead):
        slots.append(_Slot(chunk, pool.submit(_read_in_worker, chunk, centre_id, strict)))
    while slots:
        head = slots[0]
        if head.reads is None and not head.future.done():
            spare = next((s for s in slots if s.reads is None and s.future.cancel()), None)
            if spare is not None:
                spare.reads = _read_chunk(spare.chunk, centre_id, elements, strict)
                continue
        slots.popleft()
        # The bytes come from this import's own worker process (as any pool result would).
        done = head.reads if head.reads is not None else pickle.loads(head.future.result())  # noqa: S301
        next_chunk = next(queue, None)
        if next_chunk is not None:
            slots.append(
                _Slot(next_chunk, pool.submit(_read_in_worker, next_chunk, centre_id, strict))
            )
        yield from done


@dataclasses.dataclass(slots=True)
class _Slot:
    """A chunk handed to the pool, or (once read by this process) the chunk and its reads."""

    chunk: list[tuple[int, BundleSource]]
    future: concurrent.futures.Future[bytes]
    reads: list[BundleReading] | None = None


class _PoolStarter(threading.Thread):
    """Starts the pool's worker processes (a first, empty task) without holding up the reader."""

    def __init__(self, pool: concurrent.futures.ProcessPoolExecutor) -> None:
        super().__init__(name="fhir-import-pool-start", daemon=True)
        self._pool = pool
        self._failure: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._pool.submit(_started).result()
        except BaseException as exc:  # handed to the reader by raise_failure
            self._failure = exc

    def raise_failure(self) -> None:
        """Raise what stopped the pool from starting, if anything did."""
        if self._failure is not None:
            raise self._failure


def _exit_with_parent() -> None:
    """Make a worker process end when the importer does, however it ends.

    A pool's workers wait for their next task on a pipe whose writing end they hold
    themselves, so an importer killed with SIGKILL would leave them waiting for ever
    (tests/integration/interop/test_fhir_bulk_import_killed.py). A thread of the worker waits on the
    parent's sentinel (readable once the importer is gone) and ends the process.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # not a child process: nothing to watch
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="fhir-import-parent-watch", daemon=True).start()


def _started() -> None:
    """The first task of a worker: nothing to do once the process is up."""
