"""Match synthetic patients against clinical trials (issue #10 benchmark).

Fifty trials are made from the sixteen shipped illustrative fixtures, replicated under new NCT
ids with varied computable criteria: each item whose wording names a known measure gets a rule
with a threshold drawn from a range (SLEDAI-2K >= 4-10, eGFR >= 30-60, LVEF >= 45-55...), other
items a rule on a randomly chosen measure; in every other trial about one item in six is left
without a rule ("needs review"), so those trials can never be called eligible. Each patient is
ranked against all fifty trials (status, structured fit, per-item verdicts, distance to the
nearest open site).

Prints patients per second for (a) the service path (``services.trials.match_records``), which
parses every trial's rules once and pauses the cyclic garbage collector while matching, and
(b) a named peer, a naive loop that re-parses every rule for every patient, with their ratio.
Synthetic data only.

Usage: .venv/bin/python bench/bench_trials.py [--patients 10000] [--trials 50] [--seed 11]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Diagnosis, Disease
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.patient_record import PatientRecord, build_patient_record
from lupus_sct.domain.records.people import Patient, Sex
from lupus_sct.domain.records.workup import WorkupFinding, WorkupItem
from lupus_sct.domain.trials.clinical_trials import GeoPoint, Trial
from lupus_sct.domain.trials.matching import TrialOverall, rank_trials
from lupus_sct.interop.clinical_trials_gov import shipped_fixtures
from lupus_sct.services.eligibility.trials import make_computable, match_records

AS_OF = date(2026, 6, 1)
NEEDS_REVIEW_SHARE = 1 / 6
FALLBACK_WORDING = ("SLEDAI", "eGFR", "ejection", "CNS", "infection", "immunosuppressants", "age ")


def _rule_for(text: str, rng: random.Random) -> dict[str, Any] | None:
    """A rule for an item by the measure its wording names, with a varied threshold."""
    lowered = text.lower()
    table: list[tuple[tuple[str, ...], Any]] = [
        (("sledai",), lambda: {"sledai_2k": {"min": rng.choice([4, 6, 8, 10])}}),
        (("egfr", "creatinine clearance"), lambda: {"egfr": {"min": rng.choice([30, 45, 60])}}),
        (("ejection",), lambda: {"workup": {"item": "lvef_pct", "min": rng.choice([45, 50, 55])}}),
        (("cns",), lambda: {"workup": {"item": "active_cns_lupus", "equals": True}}),
        (("pregnan",), lambda: {"workup": {"item": "pregnant", "equals": True}}),
        (("infection",), lambda: {"workup": {"item": "active_infection", "equals": True}}),
        (("hiv",), lambda: {"workup": {"item": "hiv_positive", "equals": True}}),
        (("malignan",), lambda: {"workup": {"item": "active_malignancy", "equals": True}}),
        (("dialysis",), lambda: {"workup": {"item": "dialysis", "equals": True}}),
        (("cd3",), lambda: {"workup": {"item": "cd3_per_ul", "min": rng.choice([100, 200])}}),
        (("bilag",), lambda: {"bilag": {"min_a": 1}}),
        (
            ("immunosuppress", "mycophenolate", "cyclophosphamide"),
            lambda: {
                "failed_drugs": {
                    "drugs": ["cyclophosphamide", "mycophenolate mofetil", "azathioprine"],
                    "min_count": rng.choice([1, 2]),
                    "min_months": rng.choice([3, 6]),
                }
            },
        ),
        (
            ("classification", "sle ", "lupus nephritis"),
            lambda: {"diagnosis": {"disease": "SLE"}},
        ),
        (("age ",), lambda: {"age": {"min": 18, "max": rng.choice([60, 65, 70])}}),
    ]
    for words, build in table:
        if any(w in lowered for w in words):
            return dict(build())
    return None


def _trials(count: int, rng: random.Random) -> list[Trial]:
    """Replicas of the fixtures; odd-numbered ones leave some items for review, even ones none."""
    fixtures = shipped_fixtures()
    trials = []
    for index in range(count):
        base = fixtures[index % len(fixtures)]
        review_share = NEEDS_REVIEW_SHARE if index % 2 else 0.0
        items = []
        for item in base.items:
            # Wording naming no known measure gets a rule on a random measure's wording.
            rule = _rule_for(item.text, rng) or _rule_for(rng.choice(FALLBACK_WORDING), rng)
            if rng.random() >= review_share:
                item = dataclasses.replace(item, rule_source=rule, attached_by="bench")
            items.append(item)
        trials.append(dataclasses.replace(base, id=f"NCT9{index:07d}", items=tuple(items)))
    return trials


def _pools(rng: random.Random) -> dict[str, list[Any]]:
    def at(days: int) -> datetime:
        return datetime.combine(AS_OF - timedelta(days=days), datetime.min.time(), UTC)

    creatinine = [
        LabResult(
            f"c{i}",
            "x",
            "2160-0",
            round(rng.uniform(0.5, 3.0), 2),
            "mg/dL",
            at(rng.randint(1, 120)),
        )
        for i in range(16)
    ]
    items = {
        WorkupItem.LVEF_PCT: lambda: rng.choice([40, 50, 55, 60, 65]),
        WorkupItem.CD3_PER_UL: lambda: rng.choice([80, 150, 600]),
        **{
            item: lambda: rng.random() < 0.1
            for item in (
                WorkupItem.ACTIVE_CNS_LUPUS,
                WorkupItem.PREGNANT,
                WorkupItem.ACTIVE_INFECTION,
                WorkupItem.HIV_POSITIVE,
                WorkupItem.ACTIVE_MALIGNANCY,
                WorkupItem.DIALYSIS,
            )
        },
    }
    findings = {
        item: [
            WorkupFinding(
                f"w{item.value}{i}", "x", item, make(), AS_OF - timedelta(days=rng.randint(1, 150))
            )
            for i in range(6)
        ]
        for item, make in items.items()
    }
    descriptors = list(SledaiDescriptor)
    assessments = [
        Assessment(
            f"a{i}",
            "x",
            AS_OF - timedelta(days=rng.randint(1, 120)),
            sledai_descriptors=tuple(rng.sample(descriptors, rng.randint(0, 8))),
            pga=1.0,
            bilag={BilagDomain.RENAL: rng.choice(list(BilagGrade))},
        )
        for i in range(64)
    ]
    drugs = [
        MedicationExposure(
            f"m{name}{months}",
            "x",
            name,
            code,
            DrugClass.IMMUNOSUPPRESSANT,
            1.0,
            "g",
            Route.ORAL,
            Frequency.DAILY,
            AS_OF - timedelta(days=30 * months),
            None,
        )
        for name, code in (
            ("cyclophosphamide", "3002"),
            ("mycophenolate mofetil", "68149"),
            ("azathioprine", "1256"),
        )
        for months in (1, 4, 8)
    ]
    return {
        "creatinine": creatinine,
        "findings": findings,
        "assessments": assessments,
        "drugs": drugs,
    }


def _people(n: int, rng: random.Random) -> list[dict[str, Any]]:
    pools = _pools(rng)
    sle = Diagnosis(
        "d",
        "x",
        Disease.SLE,
        "M32.14",
        "55464009",
        date(2015, 1, 1),
        (ClassificationCriteria.EULAR_ACR_2019,),
    )
    ra = Diagnosis(
        "d",
        "x",
        Disease.RA,
        "M06.9",
        "69896004",
        date(2015, 1, 1),
        (ClassificationCriteria.ACR_EULAR_2010_RA,),
    )
    people = []
    for i in range(n):
        birth = date(rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            {
                "patient": Patient(
                    f"p{i}", f"BEN-{i:06d}", rng.choice((Sex.FEMALE, Sex.MALE)), birth, "c"
                ),
                "diagnoses": [ra if rng.random() < 0.15 else sle],
                "assessments": [rng.choice(pools["assessments"])],
                "labs": [rng.choice(pools["creatinine"])] if rng.random() < 0.9 else [],
                "medications": rng.sample(pools["drugs"], rng.randint(0, 4)),
                "findings": [
                    rng.choice(f) for f in pools["findings"].values() if rng.random() < 0.85
                ],
            }
        )
    return people


def _records(people: list[dict[str, Any]]) -> list[PatientRecord]:
    return [
        build_patient_record(
            p["patient"], as_of=AS_OF, **{k: v for k, v in p.items() if k != "patient"}
        )
        for p in people
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    trials = _trials(args.trials, rng)
    people = _people(args.patients, rng)
    near = GeoPoint(51.5072, -0.1276)  # synthetic postcode ZZ1 1AA (central London)
    n, t = args.patients, len(trials)

    # The peer runs first, while the heap is small, so that the (a) results kept alive below do
    # not slow it down; it differs from (a) only in re-parsing rules for every patient and in
    # leaving the garbage collector running (its results are discarded at once).
    sample = people[: max(1, n // 20)]
    start = time.perf_counter()
    for record in _records(sample):
        rank_trials([make_computable(trial) for trial in trials], record, near)
    naive_seconds = (time.perf_counter() - start) * n / len(sample)

    start = time.perf_counter()
    computable = [make_computable(trial) for trial in trials]
    ranked = match_records(_records(people), computable, near)
    batch_seconds = time.perf_counter() - start

    overall = Counter(m.overall for matches in ranked for m in matches)
    ruled = sum(not i.needs_review for trial in trials for i in trial.items)
    total_items = sum(len(trial.items) for trial in trials)
    verdicts = ", ".join(f"{o.value} {overall[o]}" for o in TrialOverall)
    scaled = batch_seconds * (10_000 * 50) / (n * t)
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        f"patients: {n}, trials: {t}, trial evaluations: {n * t}",
        f"criteria: {total_items} items, {ruled} with a computable rule, "
        f"{total_items - ruled} need review",
        f"overall verdicts: {verdicts}",
        f"(a) service path, rules parsed once per trial: {batch_seconds:.2f} s, "
        f"{n / batch_seconds:,.0f} patients/s, {n * t / batch_seconds:,.0f} trial evaluations/s",
        f"(b) naive peer, every rule re-parsed per patient ({len(sample)} patients timed, "
        f"extrapolated): {naive_seconds:.2f} s, {n / naive_seconds:,.0f} patients/s",
        f"ratio b/a: {naive_seconds / batch_seconds:.2f}x",
        f"target under 60 s for 10,000 patients x 50 trials: "
        f"{'met' if scaled < 60 else 'NOT met'} ({scaled:.1f} s scaled)",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
