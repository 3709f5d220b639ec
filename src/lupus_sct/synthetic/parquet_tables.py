"""Write a synthetic cohort as Parquet tables that mirror the data model, in bounded memory.

Notes
-----
One file per table of the data model (``<table name>.parquet``, e.g. ``lab_result.parquet``),
with the table's columns (:data:`lupus_sct.synthetic.columns.TABLES`): ids as
``syn<seed>-<tag>-<n>`` strings, JSON columns as JSON text, times in UTC. Blocks of patients are
generated one at a time and written as part files of at most ``chunk_patients`` patients; each
table's parts are then streamed into its single file by polars (``sink_parquet``), so memory
stays bounded by one chunk whatever the cohort size.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from lupus_sct.synthetic import BLOCK_SIZE, SyntheticChunk, generate_block
from lupus_sct.synthetic.columns import TABLES, TableLayout, id_columns

DEFAULT_CHUNK_PATIENTS = 20_000  # about 5 million rows per chunk


@dataclass(frozen=True)
class ParquetReport:
    """What was written: rows per table file."""

    directory: Path
    patients: int
    rows: dict[str, int]


def _series(layout: TableLayout, name: str, values: np.ndarray[Any, Any]) -> pl.Series:
    column = next(c for c in layout.columns if c.name == name)
    if values.dtype.kind == "M" and values.dtype == np.dtype("datetime64[us]"):
        return pl.Series(name, values).dt.replace_time_zone("UTC")
    if values.dtype.kind in "Mbi":
        return pl.Series(name, values)
    if values.dtype.kind == "f":
        return pl.Series(name, values, nan_to_null=True)
    dtype = pl.Boolean if column.python_type is bool else pl.String
    return pl.Series(name, values.tolist(), dtype=dtype)


def chunk_frames(chunk: SyntheticChunk) -> dict[str, pl.DataFrame]:
    """One polars frame per table of a chunk, columns in table order, ids still numbers."""
    return {
        key: pl.DataFrame([_series(TABLES[key], name, values) for name, values in columns.items()])
        for key, columns in chunk.tables.items()
    }


def id_expressions(layout: TableLayout, seed: int) -> list[pl.Expr]:
    """Expressions that format a table's numeric ids as ``syn<seed>-<tag>-<n>`` (-1: null)."""
    return [
        pl.when(pl.col(name) >= 0)
        .then(pl.lit(f"syn{seed}-{tag}-") + pl.col(name).cast(pl.String))
        .alias(name)
        for name, tag in id_columns(layout).items()
    ]


def _block_frames(job: tuple[int, int, int, date, int]) -> dict[str, pl.DataFrame]:
    seed, block, size, as_of, n_centres = job
    return chunk_frames(generate_block(seed, block, size, as_of=as_of, n_centres=n_centres))


def _frames(
    seed: int, n_patients: int, as_of: date, n_centres: int, workers: int
) -> Iterator[tuple[int, dict[str, pl.DataFrame]]]:
    jobs = [
        (seed, block, min(BLOCK_SIZE, n_patients - block * BLOCK_SIZE), as_of, n_centres)
        for block in range(-(-n_patients // BLOCK_SIZE))
    ]
    if workers <= 1:
        for job in jobs:
            yield job[2], _block_frames(job)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        for job, frames in zip(jobs, pool.imap(_block_frames, jobs), strict=True):
            yield job[2], frames


def _write_parts(frames: Sequence[dict[str, pl.DataFrame]], parts: Path, number: int) -> None:
    for key in TABLES:
        joined = pl.concat([f[key] for f in frames], how="vertical")
        folder = parts / key
        folder.mkdir(exist_ok=True)
        joined.write_parquet(folder / f"part-{number:06d}.parquet", statistics=False)


def write_parquet_cohort(
    directory: Path,
    *,
    seed: int,
    n_patients: int,
    as_of: date,
    n_centres: int = 3,
    chunk_patients: int = DEFAULT_CHUNK_PATIENTS,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> ParquetReport:
    """Generate ``n_patients`` and write one Parquet file per table into ``directory``.

    ``workers`` > 1 generates blocks in that many processes; the output is the same.
    """
    directory.mkdir(parents=True, exist_ok=True)
    parts = Path(tempfile.mkdtemp(prefix=".synthetic-parts-", dir=directory))
    try:
        pending: list[dict[str, pl.DataFrame]] = []
        pending_patients = written = 0
        for size, frames in _frames(seed, n_patients, as_of, n_centres, workers):
            pending.append(frames)
            pending_patients += size
            if pending_patients >= chunk_patients:
                _write_parts(pending, parts, written)
                written, pending, pending_patients = written + 1, [], 0
            if progress is not None:
                progress(size)
        if pending:
            _write_parts(pending, parts, written)
        rows = {}
        for key, layout in TABLES.items():
            target = directory / f"{layout.table_name}.parquet"
            scan = pl.scan_parquet(parts / key / "*.parquet")
            scan.with_columns(id_expressions(layout, seed)).sink_parquet(target)
            rows[layout.table_name] = pl.scan_parquet(target).select(pl.len()).collect().item()
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return ParquetReport(directory, n_patients, rows)
