"""``lupus-sct protocols``, ``eligibility`` and ``screen`` end to end on a SQLite database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Disease
from lupus_sct.domain.records.workup import WorkupFinding, WorkupItem
from lupus_sct.services.clinic import clinical_records, patients
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, str]:
    url = f"sqlite:///{tmp_path / 'lupus-sct.db'}"
    engine = database.create_engine(url)
    database.upgrade(engine)
    with SqlUnitOfWork(engine) as uow:
        centre = seed_centre(uow, "NWU")
        patient = seed_patient(uow, centre)
        patients.record_diagnosis(
            uow,
            patient_id=patient.id,
            disease=Disease.SLE,
            icd10_code="M32.14",
            snomed_code="55464009",
            onset_date=date(2019, 5, 1),
            criteria_met=(ClassificationCriteria.EULAR_ACR_2019,),
            by=ACTOR,
            now=NOW,
        )
        clinical_records.record_workup_finding(
            uow,
            WorkupFinding("w1", patient.id, WorkupItem.LVEF_PCT, 30, date(2026, 5, 20)),
            by=ACTOR,
            now=NOW,
        )
        uow.commit()
    engine.dispose()
    return tmp_path, patient.pseudonym


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LUPUS_SCT_DATABASE_URL": f"sqlite:///{data / 'lupus-sct.db'}"}
    return subprocess.run(
        [sys.executable, "-m", "lupus_sct.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_protocols_list_shows_the_five_shipped_protocols(seeded: tuple[Path, str]) -> None:
    result = cli(seeded[0], "protocols", "list")
    assert result.returncode == 0
    ids = [line.split("\t")[0] for line in result.stdout.strip().splitlines()]
    assert ids == ["allo-hsct-sle", "auto-hsct-ra", "auto-hsct-sle", "cd19-car-t-sle", "uc-msc-sle"]


def test_eligibility_gives_a_reason_for_every_criterion(seeded: tuple[Path, str]) -> None:
    data, pseudonym = seeded
    result = cli(
        data,
        "eligibility",
        pseudonym,
        "--protocol",
        "auto-hsct-sle",
        "--as-of",
        "2026-06-01",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["overall"] == "not_eligible"
    by_id = {c["id"]: c for c in report["criteria"]}
    # LVEF 30% < 35% (Northwestern NCT00017641)
    assert by_id["cardiac"]["passes"] is False
    assert (
        by_id["cardiac"]["reason"]
        == "left ventricular ejection fraction 30 % on 2026-05-20 is not >= 35 %"
    )
    assert by_id["cardiac"]["evidence"] == [
        {"what": "left ventricular ejection fraction", "value": "30 %", "on": "2026-05-20"}
    ]
    assert by_id["diagnosis"]["passes"] is True
    assert by_id["oxygen"]["passes"] is None
    assert by_id["oxygen"]["reason"] == "no SpO2 on room air recorded"
    assert all(c["reason"] for c in report["criteria"])


def test_screen_lists_each_patient_with_failing_and_missing_criteria(
    seeded: tuple[Path, str],
) -> None:
    data, pseudonym = seeded
    result = cli(
        data,
        "screen",
        "--protocol",
        "auto-hsct-sle",
        "--protocol",
        "uc-msc-sle",
        "--centre",
        "NWU",
        "--as-of",
        "2026-06-01",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(
        f"{pseudonym}\tauto-hsct-sle\tnot_eligible\tfails: cardiac\tmissing: "
    )


def test_an_unknown_protocol_or_centre_is_a_one_line_error(seeded: tuple[Path, str]) -> None:
    data, pseudonym = seeded
    unknown = cli(data, "eligibility", pseudonym, "--protocol", "nope")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error: --protocol: no protocol 'nope'; known: allo-hsct-sle")
    centre = cli(data, "screen", "--protocol", "uc-msc-sle", "--centre", "XYZ")
    assert centre.returncode == 2
    assert centre.stderr.strip() == "error: --centre: no centre with code 'XYZ'"
    patient = cli(data, "eligibility", "NOBODY", "--protocol", "uc-msc-sle")
    assert patient.returncode == 2
    assert patient.stderr.strip() == "error: no patient with id 'NOBODY'"
