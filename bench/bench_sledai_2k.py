"""Benchmark: SLEDAI-2K over a Parquet cohort, vectorised Polars against two named peers.

Run with ``.venv/bin/python bench/bench_sledai_2k.py [--rows 1000000]``. In one run it

1. generates ``--rows`` synthetic SLEDAI-2K records (24 descriptor columns, 7 measurement
   columns with nulls, 7 exclusion columns), deterministically from ``--seed``, into a Parquet
   file in a temporary directory;
2. times (a) the batch path, ``scan_parquet -> lupus_sct.analytics.sledai_2k.score_sledai_2k ->
   collect``; (b) a plain per-record Python loop over the domain function
   ``lupus_sct.domain.instruments.lupus.sledai_2k.score_sledai_2k`` on a sample of rows,
   extrapolated; (c) the same
   scoring written as DuckDB SQL over the same Parquet file;
3. checks that (a) and (c) give identical scores on every row and that (a) equals (b) on the
   sampled rows, then prints the rates and the ratios a/b and a/c.

(a) and (c) report the best of ``--repeats`` runs; both engines use every core. The SQL is built
from the same domain constants as the Polars path, so the peers compute the same thing.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from lupus_sct.analytics.sledai_2k import (
    CLINICAL_SLEDAI_COLUMN,
    SLEDAI_2K_COLUMN,
    exclusion_column,
    score_sledai_2k,
)
from lupus_sct.domain.instruments.lupus import sledai_2k as domain
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    DESCRIPTOR_THRESHOLDS,
    SEROLOGICAL_DESCRIPTORS,
    SLEDAI_2K_WEIGHTS,
    SledaiDescriptor,
)

DESCRIPTOR_PREVALENCE_PER_MILLE = 60  # synthetic: each descriptor listed in 6% of records
EXCLUSION_PER_MILLE = 30  # synthetic: 3% of derivable descriptors excluded when not listed
MEASUREMENT_NULL_PER_MILLE = 250  # synthetic: 25% of measurements not taken
LOOP_TARGET_RATIO = 50.0  # issue: batch path at least 50x a per-record loop
DUCKDB_TARGET_RATIO = 1.0  # issue: batch path at least as fast as DuckDB SQL


def _uniform(n: int, seed: int) -> pl.Expr:
    """Deterministic pseudo-random integers in 0-999 per row (hash of the row index)."""
    return pl.int_range(0, n).hash(seed) % 1000


def _measurement(n: int, seed: int, threshold: domain.DescriptorThreshold) -> pl.Expr:
    """A measurement over its validated range, denser near the threshold, with nulls."""
    span = min(threshold.high - threshold.low, 4 * threshold.bound + 10)
    fraction = (pl.int_range(0, n).hash(seed) % 1_000_000).cast(pl.Float64) / 1e6
    value = threshold.low + fraction * span
    if threshold.field == "arthritis_joint_count":
        value = value.floor().cast(pl.Int64)
    is_null = _uniform(n, seed + 1) < MEASUREMENT_NULL_PER_MILLE
    return pl.when(is_null).then(None).otherwise(value).alias(threshold.field)


def synthetic_cohort(n: int, seed: int) -> pl.DataFrame:
    """``n`` synthetic, valid SLEDAI-2K records (no descriptor both listed and excluded)."""
    listed = [
        (_uniform(n, seed + i) < DESCRIPTOR_PREVALENCE_PER_MILLE).alias(d.value)
        for i, d in enumerate(SledaiDescriptor)
    ]
    offset = seed + 100
    measurements = [
        _measurement(n, offset + 2 * i, t) for i, t in enumerate(DESCRIPTOR_THRESHOLDS.values())
    ]
    exclusions = [
        ((_uniform(n, offset + 50 + i) < EXCLUSION_PER_MILLE) & ~pl.col(d.value)).alias(
            exclusion_column(d)
        )
        for i, d in enumerate(DESCRIPTOR_THRESHOLDS)
    ]
    return pl.select(listed).with_columns(measurements).with_columns(exclusions)


def _sql_counted(descriptor: SledaiDescriptor) -> str:
    threshold = DESCRIPTOR_THRESHOLDS.get(descriptor)
    if threshold is None:
        return f"{descriptor.value}::INTEGER"
    operator = {"below": "<", "above": ">", "at_least": ">="}[threshold.direction.value]
    meets = f"coalesce({threshold.field} {operator} {threshold.bound!r}, false)"
    kept = f"NOT coalesce({exclusion_column(descriptor)}, false)"
    return f"({descriptor.value} OR ({meets} AND {kept}))::INTEGER"


def _sql_sum(descriptors: list[SledaiDescriptor]) -> str:
    return " + ".join(f"{SLEDAI_2K_WEIGHTS[d]} * {_sql_counted(d)}" for d in descriptors)


def duckdb_sql(parquet: Path) -> str:
    """The same scoring as DuckDB SQL, built from the domain constants."""
    clinical = [d for d in SledaiDescriptor if d not in SEROLOGICAL_DESCRIPTORS]
    # Built from domain constants and our own temporary path, never from user input.
    return (
        f"SELECT {_sql_sum(list(SledaiDescriptor))} AS {SLEDAI_2K_COLUMN}, "  # noqa: S608
        f"{_sql_sum(clinical)} AS {CLINICAL_SLEDAI_COLUMN} "
        f"FROM read_parquet('{parquet}')"
    )


def best_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest wall-clock time of ``repeats`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_polars(parquet: Path) -> pl.DataFrame:
    """(a) The batch path: scan the Parquet file, score, collect."""
    lazy = score_sledai_2k(pl.scan_parquet(parquet))
    return lazy.select(SLEDAI_2K_COLUMN, CLINICAL_SLEDAI_COLUMN).collect()


def run_duckdb(connection: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    """(c) The DuckDB peer, materialised as an Arrow table, then viewed as Polars (zero copy)."""
    table = connection.sql(sql).arrow().read_all()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _assessment(row: dict[str, Any]) -> domain.SledaiAssessment:
    measurements = domain.SledaiMeasurements(
        wbc_x10e9_per_l=row["wbc_x10e9_per_L"],
        platelets_x10e9_per_l=row["platelets_x10e9_per_L"],
        temp_c=row["temp_c"],
        protein_g_per_24h=row["protein_g_per_24h"],
        rbc_per_hpf=row["rbc_per_hpf"],
        wbc_per_hpf=row["wbc_per_hpf"],
        arthritis_joint_count=row["arthritis_joint_count"],
    )
    return domain.SledaiAssessment(
        descriptors=frozenset(d for d in SledaiDescriptor if row[d.value]),
        measurements=measurements,
        not_attributed_to_sle=frozenset(
            d for d in DESCRIPTOR_THRESHOLDS if row[exclusion_column(d)]
        ),
    )


def run_python_loop(rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(b) A plain per-record loop: build each assessment and call the domain function."""
    scores = []
    for row in rows:
        result = domain.score_sledai_2k(_assessment(row))
        scores.append((result.score, result.clinical_score))
    return scores


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s"


def _verdict(ratio: float, target: float) -> str:
    return "met" if ratio >= target else "NOT met"


def _prepare(rows: int, seed: int, directory: Path) -> Path:
    parquet = directory / "sledai_2k_cohort.parquet"
    synthetic_cohort(rows, seed).write_parquet(parquet)
    size_mb = parquet.stat().st_size / 1e6
    print(f"rows: {rows:,} synthetic SLEDAI-2K records, seed {seed}, Parquet {size_mb:.1f} MB")
    return parquet


def _time_loop(parquet: Path, sample: int, rows: int) -> tuple[float, list[tuple[int, int]]]:
    records = pl.read_parquet(parquet, n_rows=sample).to_dicts()
    seconds, scores = best_of(1, lambda: run_python_loop(records))
    print(
        f"(b) python loop over domain score_sledai_2k: {len(records):,}-row sample in "
        f"{seconds:.3f} s, {_rate(len(records), seconds)} "
        f"(extrapolated to {rows:,} rows: {seconds * rows / len(records):.1f} s)"
    )
    return len(records) / seconds, scores


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loop-sample", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20_240_229)
    args = parser.parse_args(argv)
    print(
        f"python {platform.python_version()}, polars {pl.__version__}, "
        f"duckdb {duckdb.__version__}, {platform.machine()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        parquet = _prepare(args.rows, args.seed, Path(tmp))
        polars_s, polars_out = best_of(args.repeats, lambda: run_polars(parquet))
        print(
            f"(a) polars scan_parquet -> score -> collect: best of {args.repeats} "
            f"{polars_s:.3f} s, {_rate(args.rows, polars_s)}"
        )
        loop_rate, loop_scores = _time_loop(parquet, args.loop_sample, args.rows)
        connection = duckdb.connect()
        duck_s, duck_out = best_of(
            args.repeats, lambda: run_duckdb(connection, duckdb_sql(parquet))
        )
        print(
            f"(c) duckdb SQL over Parquet: best of {args.repeats} {duck_s:.3f} s, "
            f"{_rate(args.rows, duck_s)}"
        )
    if not polars_out.equals(duck_out.cast(polars_out.schema)):
        print("MISMATCH: polars and duckdb scores differ", file=sys.stderr)
        return 1
    if list(polars_out.head(len(loop_scores)).iter_rows()) != loop_scores:
        print("MISMATCH: polars and the domain loop differ", file=sys.stderr)
        return 1
    print(f"check: (a) == (c) on all {args.rows:,} rows; (a) == (b) on the sampled rows")
    loop_ratio = args.rows / polars_s / loop_rate
    duck_ratio = duck_s / polars_s
    print(
        f"ratio a/b (polars vs python loop): {loop_ratio:.1f}x "
        f"(target >= {LOOP_TARGET_RATIO:g}x: {_verdict(loop_ratio, LOOP_TARGET_RATIO)})"
    )
    print(
        f"ratio a/c (polars vs duckdb SQL): {duck_ratio:.2f}x "
        f"(target >= {DUCKDB_TARGET_RATIO:g}x: {_verdict(duck_ratio, DUCKDB_TARGET_RATIO)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
