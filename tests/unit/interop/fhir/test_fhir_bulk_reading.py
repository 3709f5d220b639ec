"""Reading many Bundles ahead: worker results and reads done in this process are the same.

``bulk_import`` reads Bundles in worker processes, pickling the records with its own reducers
(the field values of a dataclass as one tuple), and reads a task itself when the next result is
not ready. The reference for every comparison is ``read_source`` run in this process on the same
synthetic Bundles (``fhir_synthetic``); records compare by value (dataclass equality) and by
type.
"""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import pickle
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lupus_sct.interop.fhir import bulk_import
from lupus_sct.interop.fhir.validation import ElementCache
from unit.interop.fhir_synthetic import exported_bundles

CENTRE_ID = "centre-under-test"


@pytest.fixture(scope="module")
def bundles() -> list[dict[str, Any]]:
    """Four synthetic Bundles (26 resources each, every resource type the importer reads)."""
    return exported_bundles(4)


def _chunks(sources: list[Any], size: int = 1) -> list[list[tuple[int, Any]]]:
    indexed = list(enumerate(sources))
    return [indexed[i : i + size] for i in range(0, len(indexed), size)]


def _reference(sources: list[Any]) -> list[Any]:
    elements = ElementCache()
    return [bulk_import.read_source(s, i, CENTRE_ID, elements) for i, s in enumerate(sources)]


def _records(reads: list[Any]) -> list[Any]:
    return [r for read in reads for resource in read.read.resources for r in resource.records]


def test_a_worker_task_unpickles_to_the_reads_of_this_process(
    bundles: list[dict[str, Any]],
) -> None:
    reference = _reference(bundles)
    pickled = bulk_import._read_in_worker(_chunks(bundles, size=4)[0], CENTRE_ID)
    reads = pickle.loads(pickled)  # noqa: S301 - bytes made by the line above
    assert reads == reference
    assert [type(r) for r in _records(reads)] == [type(r) for r in _records(reference)]
    assert len(_records(reads)) >= 4 * 26


def test_the_reducers_leave_other_types_to_pickle() -> None:
    with pytest.raises(KeyError):
        bulk_import._REDUCERS[dict]
    with pytest.raises(KeyError):
        bulk_import._REDUCERS[type(ImportError)]


def test_a_real_worker_process_reads_the_same_records(
    bundles: list[dict[str, Any]], tmp_path: Path
) -> None:
    files = []
    for index, bundle in enumerate(bundles):
        files.append(tmp_path / f"{index}.json")
        files[-1].write_text(json.dumps(bundle), encoding="utf-8")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([bulk_import.__name__])
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        pickled = [
            pool.submit(bulk_import._read_in_worker, chunk, CENTRE_ID).result()
            for chunk in _chunks(files, size=2)
        ]
    reads = [read for data in pickled for read in pickle.loads(data)]  # noqa: S301
    assert reads == _reference(files)


class _HeldPool:
    """A stand-in pool whose tasks run only when released, to test the reading order."""

    def __init__(self) -> None:
        self.futures: list[concurrent.futures.Future[bytes]] = []
        self.calls: list[tuple[Callable[..., bytes], tuple[Any, ...]]] = []

    def submit(self, fn: Callable[..., bytes], *args: Any) -> concurrent.futures.Future[bytes]:
        future: concurrent.futures.Future[bytes] = concurrent.futures.Future()
        self.futures.append(future)
        self.calls.append((fn, args))
        return future

    def start(self, index: int) -> None:
        """The task ``index`` is being read by a worker (it can no longer be cancelled)."""
        assert self.futures[index].set_running_or_notify_cancel()

    def finish(self, index: int) -> None:
        fn, args = self.calls[index]
        self.futures[index].set_result(fn(*args))


def test_this_process_reads_the_tasks_no_worker_has_started(
    bundles: list[dict[str, Any]],
) -> None:
    pool = _HeldPool()
    queue: Iterator[list[tuple[int, Any]]] = iter(_chunks(bundles))
    received = list(bulk_import._read_in_pool(pool, queue, CENTRE_ID, ElementCache(), ahead=3))  # type: ignore[arg-type]
    assert [r.index for r in received] == [0, 1, 2, 3]
    assert len(pool.futures) == 4
    assert all(f.cancelled() for f in pool.futures)
    assert received == _reference(bundles)


def test_a_task_a_worker_is_reading_is_waited_for_and_kept_in_order(
    bundles: list[dict[str, Any]],
) -> None:
    pool = _HeldPool()
    original_submit = pool.submit

    def submit(fn: Callable[..., bytes], *args: Any) -> concurrent.futures.Future[bytes]:
        future = original_submit(fn, *args)
        if len(pool.futures) == 1:  # a worker takes the first task and finishes it later
            pool.start(0)
            threading.Timer(0.2, pool.finish, (0,)).start()
        return future

    pool.submit = submit  # type: ignore[method-assign]
    queue: Iterator[list[tuple[int, Any]]] = iter(_chunks(bundles))
    received = list(bulk_import._read_in_pool(pool, queue, CENTRE_ID, ElementCache(), ahead=2))  # type: ignore[arg-type]
    assert [r.index for r in received] == [0, 1, 2, 3]
    assert pool.futures[0].done()
    assert not pool.futures[0].cancelled()
    assert all(f.cancelled() for f in pool.futures[1:])  # read here while waiting
    assert received == _reference(bundles)


@pytest.mark.parametrize("strict", [False, True], ids=["skips", "strict-refuses"])
def test_a_worker_reads_unmodelled_resources_as_this_process_does(
    bundles: list[dict[str, Any]], strict: bool
) -> None:
    with_encounter = {
        **bundles[0],
        "entry": [*bundles[0]["entry"], {"resource": {"resourceType": "Encounter", "id": "e-1"}}],
    }
    reference = bulk_import.read_source(with_encounter, 0, CENTRE_ID, ElementCache(), strict)
    pickled = bulk_import._read_in_worker([(0, with_encounter)], CENTRE_ID, strict)
    (read,) = pickle.loads(pickled)  # noqa: S301 - bytes made by the line above
    assert read == reference
    (encounter,) = [r for r in read.read.resources if r.resource_type == "Encounter"]
    assert bool(encounter.refusal) is strict
    assert bool(encounter.skipped) is not strict
