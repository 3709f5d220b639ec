"""Screen synthetic candidates against the five shipped protocols (issue #4 benchmark).

Prints patients per second for the batch path (each record indexed once, then evaluated against
every protocol) and for a naive peer that rebuilds the record for every protocol, and their
ratio. Synthetic data only: records are assembled from pools of invented, immutable findings.

Usage: .venv/bin/python bench/bench_screening.py [--patients 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from datetime import UTC, date, datetime, timedelta

from lupus_sct.domain.eligibility.evaluation import Overall, evaluate_protocol
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.records.assessment import Assessment, RaJointAssessment
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Diagnosis, Disease
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.patient_record import build_patient_record
from lupus_sct.domain.records.people import Patient, Sex
from lupus_sct.domain.records.workup import ITEM_SPECS, ValueKind, WorkupFinding, WorkupItem
from lupus_sct.interop.protocol_files import load_protocols
from lupus_sct.services.eligibility.evaluation import screen_records, screen_verdicts

AS_OF = date(2026, 6, 1)
LABS = {  # LOINC: (low, high, unit, ULN)
    "2160-0": (0.5, 3.0, "mg/dL", 1.1),
    "1975-2": (5, 45, "umol/L", 21),
    "1920-8": (10, 200, "U/L", 40),
    "1742-6": (10, 200, "U/L", 40),
    "6690-2": (1.0, 12.0, "10*9/L", 11),
    "718-7": (7, 15, "g/dL", 15),
    "777-3": (20, 400, "10*9/L", 400),
    "4537-7": (2, 90, "mm/h", 20),
}
DRUGS = [
    ("cyclophosphamide", "3002"),
    ("mycophenolate mofetil", "68149"),
    ("azathioprine", "1256"),
    ("methotrexate", "6851"),
    ("hydroxychloroquine", "5521"),
    ("rituximab", "121191"),
]


def _pools(rng: random.Random) -> dict[str, list[object]]:
    pools: dict[str, list[object]] = {}
    for code, (low, high, unit, uln) in LABS.items():
        pools[code] = [
            LabResult(
                f"l{code}{i}",
                "x",
                code,
                round(rng.uniform(low, high), 2),
                unit,
                datetime.combine(
                    AS_OF - timedelta(days=rng.randint(1, 120)), datetime.min.time(), UTC
                ),
                reference_high=uln,
            )
            for i in range(8)
        ]
    for item, spec in ITEM_SPECS.items():
        values: list[float | bool | str]
        if spec.kind is ValueKind.BOOLEAN:
            values = [False] * 9 + [True]
        elif spec.kind is ValueKind.CATEGORY:
            values = list(spec.categories)
        else:
            step = spec.step or 1
            values = [
                spec.low + step * round(rng.uniform(0, spec.high - spec.low) / step)
                for _ in range(8)
            ]
        pools[item.value] = [
            WorkupFinding(
                f"w{item.value}{i}", "x", item, v, AS_OF - timedelta(days=rng.randint(1, 150))
            )
            for i, v in enumerate(values)
        ]
    pools["drugs"] = [
        MedicationExposure(
            f"m{name}{months}",
            "x",
            name,
            code,
            DrugClass.ANTIMALARIAL
            if code == "5521"
            else DrugClass.BIOLOGIC
            if code == "121191"
            else DrugClass.IMMUNOSUPPRESSANT,
            1.0,
            "g",
            Route.ORAL,
            Frequency.DAILY,
            AS_OF - timedelta(days=30 * months),
            None,
        )
        for name, code in DRUGS
        for months in (1, 4, 8, 14)
    ]
    return pools


def _patients(n: int, rng: random.Random) -> list:  # type: ignore[type-arg]
    pools = _pools(rng)
    sle_dx = Diagnosis(
        "d",
        "x",
        Disease.SLE,
        "M32.14",
        "55464009",
        date(2015, 1, 1),
        (ClassificationCriteria.EULAR_ACR_2019,),
    )
    ra_dx = Diagnosis(
        "d",
        "x",
        Disease.RA,
        "M06.9",
        "69896004",
        date(2015, 1, 1),
        (ClassificationCriteria.ACR_EULAR_2010_RA,),
    )
    descriptors = list(SledaiDescriptor)
    assessments = [
        Assessment(
            f"a{i}",
            "x",
            AS_OF - timedelta(days=rng.randint(1, 120)),
            sledai_descriptors=tuple(rng.sample(descriptors, rng.randint(0, 8))),
            pga=1.0,
            bilag={
                BilagDomain.RENAL: rng.choice(list(BilagGrade)),
                BilagDomain.MUSCULOSKELETAL: rng.choice(list(BilagGrade)),
            },
            ra=RaJointAssessment(
                tjc28=rng.randint(0, 28),
                sjc28=rng.randint(0, 28),
                patient_global_mm=float(rng.randint(0, 100)),
            ),
        )
        for i in range(64)
    ]
    people = []
    for i in range(n):
        patient = Patient(
            f"p{i}",
            f"BEN-{i:06d}",
            rng.choice((Sex.FEMALE, Sex.MALE)),
            date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28)),
            "c",
        )
        people.append(
            dict(
                patient=patient,
                diagnoses=[ra_dx if rng.random() < 0.15 else sle_dx],
                assessments=[rng.choice(assessments)],
                labs=[rng.choice(pools[code]) for code in LABS],
                medications=rng.sample(pools["drugs"], rng.randint(1, 6)),
                findings=[
                    rng.choice(pools[item.value]) for item in WorkupItem if rng.random() < 0.9
                ],
            )
        )
    return people


def _records(people: list) -> list:  # type: ignore[type-arg]
    return [
        build_patient_record(
            p["patient"], as_of=AS_OF, **{k: v for k, v in p.items() if k != "patient"}
        )
        for p in people
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    protocols = list(load_protocols().values())
    people = _patients(args.patients, rng)

    start = time.perf_counter()
    verdicts = screen_verdicts(_records(people), protocols, workers=args.workers)
    batch_seconds = time.perf_counter() - start

    start = time.perf_counter()
    screen_records(_records(people), protocols)
    full_seconds = time.perf_counter() - start

    sample = people[: max(1, args.patients // 10)]
    start = time.perf_counter()
    for person in sample:
        for protocol in protocols:
            evaluate_protocol(protocol, _records([person])[0])
    naive_seconds = (time.perf_counter() - start) * len(people) / len(sample)

    counts = dict.fromkeys(Overall, 0)
    for verdict in verdicts:
        counts[verdict.overall] += 1
    n = args.patients
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"patients: {n}, protocols: {len(protocols)}, evaluations: {n * len(protocols)}")
    print("verdicts: " + ", ".join(f"{o.value} {c}" for o, c in counts.items()))
    print(
        f"batch, verdicts, {args.workers} worker(s): {batch_seconds:.2f} s, "
        f"{n / batch_seconds:,.0f} patients/s"
    )
    print(
        f"batch, full reports, 1 process: {full_seconds:.2f} s, {n / full_seconds:,.0f} patients/s"
    )
    print(
        f"naive peer, record rebuilt per protocol ({len(sample)} patients timed, extrapolated): "
        f"{naive_seconds:.2f} s, {n / naive_seconds:,.0f} patients/s"
    )
    print(f"ratio batch verdicts / naive: {naive_seconds / batch_seconds:.2f}x")
    print(f"ratio batch full reports / naive: {naive_seconds / full_seconds:.2f}x")
    scaled = batch_seconds * 100_000 / n
    print(
        f"target under 60 s for 100,000 patients: {'met' if scaled < 60 else 'NOT met'} "
        f"({scaled:.1f} s scaled)"
    )


if __name__ == "__main__":
    main()
