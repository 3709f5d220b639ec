"""Write a synthetic cohort to Parquet: time and peak memory, against the csv module as peer.

Usage: ``python bench/bench_synthetic.py [--patients 1000000] [--peer-patients 20000]``

The peer writes the same generated rows with the standard library's ``csv`` module (one file per
table, ids formatted the same way), on a smaller cohort by default; the ratio compares seconds per
patient. Peak memory is the process's ``ru_maxrss`` after each phase (Linux: kilobytes).
Targets (issue #5): 1,000,000 patients in under 5 minutes and under 4 GB.
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from lupus_sct.synthetic import generate_cohort
from lupus_sct.synthetic.columns import TABLES
from lupus_sct.synthetic.parquet_tables import write_parquet_cohort
from lupus_sct.synthetic.records import table_rows

AS_OF = date(2026, 6, 1)
SEED = 2026


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_parquet(folder: Path, patients: int) -> float:
    started = time.perf_counter()
    report = write_parquet_cohort(folder, seed=SEED, n_patients=patients, as_of=AS_OF)
    seconds = time.perf_counter() - started
    rows = sum(report.rows.values())
    print(
        f"parquet: {patients:,} patients, {rows:,} rows in {seconds:.1f} s "
        f"({rows / seconds:,.0f} rows/s), peak memory {peak_mb():,.0f} MB"
    )
    return seconds


def write_csv(folder: Path, patients: int) -> float:
    """The peer: the same rows through csv.writer (generation included, as for Parquet)."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = {
        key: (folder / f"{layout.table_name}.csv").open("w", newline="")
        for key, layout in TABLES.items()
    }
    writers = {key: csv.writer(handle) for key, handle in files.items()}
    for key, writer in writers.items():
        writer.writerow(TABLES[key].column_names)
    rows = 0
    try:
        for chunk in generate_cohort(SEED, patients, as_of=AS_OF):
            for key, writer in writers.items():
                for row in table_rows(chunk, key):
                    writer.writerow(row.values())
                    rows += 1
    finally:
        for handle in files.values():
            handle.close()
    seconds = time.perf_counter() - started
    print(
        f"csv:     {patients:,} patients, {rows:,} rows in {seconds:.1f} s "
        f"({rows / seconds:,.0f} rows/s)"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--peer-patients", type=int, default=20_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-synthetic-"))
    try:
        peer = write_csv(work / "csv", args.peer_patients) / args.peer_patients
        ours = write_parquet(work / "parquet", args.patients) / args.patients
        size = sum(f.stat().st_size for f in (work / "parquet").glob("*.parquet"))
        print(
            f"parquet size {size / 1e6:,.0f} MB; seconds per 1,000 patients: parquet "
            f"{ours * 1000:.3f}, csv module {peer * 1000:.3f}; ratio csv/parquet "
            f"{peer / ours:.1f}x"
        )
        print(
            f"targets: under 300 s ({'met' if ours * 1e6 < 300 else 'NOT met'} at 1M, "
            f"extrapolated), under 4,096 MB ({'met' if peak_mb() < 4096 else 'NOT met'})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
