"""``lupus-sct score`` end to end, following docs/spec/instruments.md §12.1 (exit codes 0, 1, 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest


def score(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lupus_sct.cli", "score", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_specification_example_gives_the_specified_output_and_exit_1(tmp_path: Path) -> None:
    # docs/spec/instruments.md §12.2: input and expected output are quoted from the specification.
    source = tmp_path / "visits.json"
    source.write_text(
        '[{"id": "v1", "descriptors": ["rash", "alopecia"], "temp_c": 38.6, '
        '"platelets_x10e9_per_L": 140}, {"id": "v2", "descriptors": ["rash", "rashes"]}]'
    )
    out = tmp_path / "out.json"
    result = score("sledai-2k", str(source), "-o", str(out))
    assert result.returncode == 1
    assert json.loads(out.read_text()) == [
        {
            "id": "v1",
            "descriptors": ["rash", "alopecia", "fever"],
            "temp_c": 38.6,
            "platelets_x10e9_per_L": 140,
            "score": 5,
            "clinical_score": 5,
            "window_days": 30,
        },
        {
            "id": "v2",
            "descriptors": ["rash", "rashes"],
            "error": "unknown SLEDAI-2K descriptor 'rashes'",
        },
    ]


def test_an_empty_array_scores_to_an_empty_array_with_exit_0(tmp_path: Path) -> None:
    source = tmp_path / "none.json"
    source.write_text("[]")
    result = score("das28", str(source))
    assert result.returncode == 0
    assert json.loads(result.stdout) == []


def test_a_csv_file_of_a_flat_instrument_is_typed_and_keeps_other_columns_as_text(
    tmp_path: Path,
) -> None:
    # CKD-EPI 2021 at creatinine 1.0 mg/dL, age 50, female (Inker 2021 equation by hand):
    # 142 x (1.0/0.7)^-1.200 x 0.9938^50 x 1.012 = 142 x 0.65180 x 0.73274 x 1.012 = 68.63.
    source = tmp_path / "egfr.csv"
    source.write_text("id,creatinine,unit,age,sex\n007,1.0,mg/dL,50,female\n008,,mg/dL,50,male\n")
    result = score("ckd-epi-2021", str(source))
    assert result.returncode == 1
    first, second = json.loads(result.stdout)
    assert first["id"] == "007"
    assert first["egfr"] == pytest.approx(68.63, abs=0.005)
    assert first["g_category"] == "G2"
    assert "creatinine" in second["error"]


def test_a_parquet_file_of_a_flat_instrument_is_scored(tmp_path: Path) -> None:
    source = tmp_path / "eular.parquet"
    # EULAR response table (van Gestel 1996): follow-up 3.0 with improvement 1.5 is "good",
    # follow-up 5.5 with improvement 0.8 is "none".
    pl.DataFrame({"das28_baseline": [4.5, 6.3], "das28_followup": [3.0, 5.5]}).write_parquet(source)
    result = score("eular-response", str(source))
    assert result.returncode == 0
    assert [r["response"] for r in json.loads(result.stdout)] == ["good", "none"]


@pytest.mark.parametrize(
    ("name", "content", "instrument", "message"),
    [
        ("a.json", "{not json", "sledai-2k", "invalid JSON"),
        ("a.json", '{"descriptors": []}', "sledai-2k", "top level must be a JSON array"),
        ("a.txt", "[]", "sledai-2k", "unsupported file type"),
        ("a.csv", "descriptors\nrash\n", "sledai-2k", "nested fields"),
        ("a.json", "[]", "SLEDAI-2K", "unknown instrument 'SLEDAI-2K'"),
    ],
)
def test_unusable_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, name: str, content: str, instrument: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(content)
    out = tmp_path / "out.json"
    result = score(instrument, str(source), "-o", str(out))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = score("sledai-2k", str(tmp_path / "absent.json"))
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_a_record_that_is_not_an_object_gets_an_error_and_the_others_are_scored(
    tmp_path: Path,
) -> None:
    source = tmp_path / "mixed.json"
    source.write_text('[42, {"descriptors": ["seizure"]}]')
    result = score("sledai-2k", str(source))
    assert result.returncode == 1
    bad, good = json.loads(result.stdout)
    assert "not a JSON object" in bad["error"]
    assert good["score"] == 8  # seizure weighs 8 (Gladman 2002)


def test_list_prints_every_instrument_with_version_and_citation() -> None:
    result = score("--list")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    ids = [line.split("\t")[0] for line in lines]
    # the 22 instrument ids of docs/spec/instruments.md §12.3, in order
    assert ids == [
        "sledai-2k",
        "selena-flare-index",
        "slicc-acr-di",
        "eular-acr-2019",
        "slicc-2012",
        "sri-4",
        "bicla",
        "doris-2021",
        "lldas",
        "ln-renal-response",
        "ckd-epi-2021",
        "hct-ci",
        "performance-status",
        "ctcae-v5",
        "engraftment",
        "astct-crs",
        "astct-icans",
        "magic-agvhd",
        "das28",
        "cdai-sdai",
        "eular-response",
        "acr-response",
    ]
    assert all(len(line.split("\t")) == 3 for line in lines)
