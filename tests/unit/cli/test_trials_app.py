"""The trials Typer app invoked directly against a migrated SQLite file (before it is registered
in cli/main.py). Synthetic patients and the shipped illustrative fixtures only."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lupus_sct.cli import trials as trials_cli
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Disease
from lupus_sct.services.clinic import patients
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient

runner = CliRunner()
app = trials_cli.app
KYSA3 = "NCT06342960"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = database.create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    database.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def env(engine: sa.Engine) -> dict[str, str]:
    return {"LUPUS_SCT_DATABASE_URL": engine.url.render_as_string(hide_password=False)}


@pytest.fixture
def imported(env: dict[str, str]) -> dict[str, str]:
    result = runner.invoke(app, ["import", "--fixtures"], env=env)
    assert result.exit_code == 0, result.output
    return env


@pytest.fixture
def pseudonym(engine: sa.Engine) -> str:
    with SqlUnitOfWork(engine) as uow:
        patient = seed_patient(uow, seed_centre(uow, "NWU"), birth_date=date(1985, 2, 1))
        patients.record_diagnosis(
            uow,
            patient_id=patient.id,
            disease=Disease.SLE,
            icd10_code="M32.14",
            snomed_code="55464009",
            onset_date=date(2015, 1, 1),
            criteria_met=(ClassificationCriteria.EULAR_ACR_2019,),
            by=ACTOR,
            now=NOW,
        )
        uow.commit()
    return patient.pseudonym


def test_importing_the_fixtures_says_they_are_not_live_data(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["import", "--fixtures"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "16 created, 0 updated, 0 unchanged"
    assert "illustrative fixtures, not live registry data" in result.output
    again = runner.invoke(app, ["import", "--fixtures"], env=env)
    assert again.output.splitlines()[0] == "0 created, 0 updated, 16 unchanged"


def test_import_from_a_file_and_a_bad_file(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"protocolSection": {}}', encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)], env=env)
    assert result.exit_code != 0
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert "protocolSection.identificationModule.nctId" in str(result.exception)


def _study(nct_id: str, **eligibility: Any) -> dict[str, Any]:
    """An API v2 study record written for the tests (the shape of the shipped fixtures)."""
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": f"Synthetic {nct_id}"},
            "statusModule": {"overallStatus": "RECRUITING"},
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n\n* SLE\n\nExclusion Criteria:\n\n"
                "* Pregnancy\n\nOther protocol-defined inclusion/exclusion criteria may apply.",
                **eligibility,
            },
        }
    }


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    documents: dict[str, Any] = {
        "a.json": _study("NCT09000001"),
        "b.json": {"protocolSection": {"identificationModule": {"briefTitle": "no id"}}},
        "c.json": {
            "FullStudiesResponse": {
                "FullStudies": [
                    {
                        "Study": {
                            "ProtocolSection": {"IdentificationModule": {"NCTId": "NCT09000003"}}
                        }
                    }
                ]
            }
        },
        "d.json": _study("NCT09000004", minimumAge="18 Years"),
    }
    for name, document in documents.items():
        (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return folder


def test_a_folder_import_reports_each_file_and_exits_1_when_some_are_refused(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    result = runner.invoke(app, ["import", str(folder)], env=env)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 created, 0 updated, 0 unchanged; 2 of 4 file(s) with refused records"
    assert lines[1] == "a.json: NCT09000001 created"
    assert lines[2] == "b.json: nothing imported"
    assert lines[3] == (
        "  refused: b.json: protocolSection.identificationModule.nctId: missing; "
        "expected non-empty text (required)"
    )
    assert lines[4] == "c.json: nothing imported"
    assert lines[5].startswith("  refused: c.json: top level: a classic-API FullStudiesResponse")
    assert "for NCT09000003" in lines[5]
    assert "protocolSection.identificationModule.nctId" in lines[5]
    assert lines[6] == "d.json: NCT09000004 created"
    again = runner.invoke(app, ["import", str(folder)], env=env)
    assert again.exit_code == 1
    assert again.output.splitlines()[0].startswith("0 created, 0 updated, 2 unchanged;")
    listed = runner.invoke(app, ["list"], env=env).output.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["NCT09000001", "NCT09000004"]


def test_a_clean_folder_exits_0_and_criteria_lose_the_disclaimer(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "clean"
    folder.mkdir()
    (folder / "one.json").write_text(json.dumps(_study("NCT09000001")), encoding="utf-8")
    result = runner.invoke(app, ["import", str(folder)], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "one.json: NCT09000001 created"
    shown = runner.invoke(app, ["show", "NCT09000001"], env=env).output
    assert "Pregnancy" in shown
    assert "may apply" not in shown


def test_a_folder_with_nothing_usable_exits_2_naming_every_refusal(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "x.json").write_text("[]", encoding="utf-8")
    (folder / "y.json").write_text("not json", encoding="utf-8")
    result = runner.invoke(app, ["import", str(folder)], env=env)
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert "no usable study record in 2 file(s)" in str(result.exception)
    assert "refused: x.json: studies: an empty list is not accepted" in result.output
    assert "refused: y.json: not valid JSON at line 1" in result.output


def test_list_filters_by_status_and_show_prints_every_criterion(imported: dict[str, str]) -> None:
    listed = runner.invoke(app, ["list", "--status", "recruiting"], env=imported)
    assert listed.exit_code == 0, listed.output
    assert {line.split("\t")[0] for line in listed.output.splitlines()} == {
        "NCT06342960", "NCT06691152", "NCT06947460", "NCT06947473",
    }  # fmt: skip
    shown = runner.invoke(app, ["show", KYSA3], env=imported)
    assert shown.exit_code == 0, shown.output
    assert "[FIXTURE: illustrative, not live data]" in shown.output.splitlines()[0]
    assert "  2 I2 [inclusion] Active disease: SLEDAI-2K >= 8" in shown.output
    assert shown.output.count("rule: none (needs review)") == 10


def test_attach_rule_from_text_and_file_then_show_it(
    imported: dict[str, str], tmp_path: Path
) -> None:
    result = runner.invoke(app, ["attach-rule", KYSA3, "I2", "{sledai_2k: {min: 8}}"], env=imported)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"rule attached to {KYSA3} I2: Active disease: SLEDAI-2K >= 8"
    rule_file = tmp_path / "egfr.yaml"
    rule_file.write_text("egfr:\n  min: 30\n", encoding="utf-8")
    by_file = runner.invoke(
        app, ["attach-rule", KYSA3, "4", str(rule_file), "--max-age-days", "30"], env=imported
    )
    assert by_file.exit_code == 0, by_file.output
    shown = runner.invoke(app, ["show", KYSA3], env=imported).output
    assert "rule: {sledai_2k: {min: 8}} (attached by cli:" in shown
    assert "rule: {egfr: {min: 30}}" in shown
    assert "data at most 30 days old" in shown


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{sledai_2k: {least: 8}}", "NCT06342960 item I2: sledai_2k.least"),
        ("[1, 2]", "expected a rule such as"),
        ("{a: [", "not valid YAML"),
    ],
)
def test_a_bad_rule_is_a_one_line_error(imported: dict[str, str], rule: str, message: str) -> None:
    result = runner.invoke(app, ["attach-rule", KYSA3, "I2", rule], env=imported)
    assert isinstance(result.exception, CliError)
    assert result.exception.code == EXIT_INVALID_INPUT
    assert message in str(result.exception)


def test_match_ranks_recruiting_trials_first_with_distances(
    imported: dict[str, str], pseudonym: str
) -> None:
    runner.invoke(app, ["attach-rule", KYSA3, "I1", "{diagnosis: {disease: SLE}}"], env=imported)
    result = runner.invoke(
        app,
        [
            "match",
            "--patient",
            pseudonym,
            "--postcode",
            "ZZ7 7GG",
            "--as-of",
            "2026-06-01",
            "--explain",
        ],
        env=imported,
    )
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()[1:] if line.startswith("NCT")]
    assert rows[0][1] == "RECRUITING"
    kysa3 = next(r for r in rows if r[0] == KYSA3)
    assert kysa3[2] == "undetermined"
    assert kysa3[3] == "2 km"  # ZZ7 7GG is central Chicago; the fixture site is 2 km away
    assert "I1 [inclusion] met: SLE diagnosed" in result.output


def test_match_as_json_explains_every_verdict(imported: dict[str, str], pseudonym: str) -> None:
    result = runner.invoke(
        app,
        [
            "match",
            "--patient",
            pseudonym,
            "--near",
            "32.06,118.78",
            "--format",
            "json",
            "--status",
            "RECRUITING",
        ],
        env=imported,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {d["recruitment_status"] for d in data} == {"RECRUITING"}
    assert all(d["is_fixture"] for d in data)
    nanjing = next(d for d in data if d["nct_id"] == "NCT06691152")
    assert nanjing["distance_km"] < 5
    assert all(c["reason"] for d in data for c in d["criteria"] + d["structured"])
    assert {c["verdict"] for c in nanjing["criteria"]} == {"needs_review"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--near", "91,0"], "latitude: 91.0 is not accepted"),
        (["--near", "abc"], "--near: 'abc' is not LAT,LON"),
        (["--postcode", "AB1 2CD"], "postcode: 'AB1 2CD' is not accepted"),
        (["--near", "1,2", "--postcode", "ZZ1 1AA"], "not both"),
        (["--format", "xml"], "--format: 'xml'"),
        (["--as-of", "June"], "--as-of: 'June' is not a date"),
        (["--status", "OPEN"], "--status: 'OPEN' is not one of"),
    ],
)
def test_match_input_errors_are_one_line(
    imported: dict[str, str], pseudonym: str, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["match", "--patient", pseudonym, *args], env=imported)
    assert isinstance(result.exception, CliError), result.output
    assert message in str(result.exception)


def test_an_unknown_patient_is_a_one_line_error(imported: dict[str, str]) -> None:
    result = runner.invoke(app, ["match", "--patient", "NOBODY"], env=imported)
    assert isinstance(result.exception, CliError)
    assert "no patient with id 'NOBODY'" in str(result.exception)


def test_candidates_lists_the_centres_patients_with_per_item_verdicts(
    imported: dict[str, str], pseudonym: str
) -> None:
    result = runner.invoke(
        app,
        ["candidates", "--trial", KYSA3, "--centre", "NWU", "--as-of", "2026-06-01"],
        env=imported,
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"1 patient(s) of NWU for {KYSA3}"
    assert lines[1].startswith(f"{pseudonym}\tundetermined\t0 met, 0 not met")
    assert any(line.strip().startswith("E5 [exclusion] needs_review") for line in lines)
    as_json = runner.invoke(
        app, ["candidates", "--trial", KYSA3, "--centre", "NWU", "--format", "json"], env=imported
    )
    assert json.loads(as_json.output)[0]["patient"] == pseudonym


def test_fetch_imports_every_page_through_an_injected_transport(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fixture = json.loads(
        (Path(trials_cli.ctgov.__file__).parent / "trial_fixtures" / f"{KYSA3}.json").read_text(
            encoding="utf-8"
        )
    )
    other = json.loads(json.dumps(fixture))
    other["protocolSection"]["identificationModule"]["nctId"] = "NCT09000077"
    del other["protocolSection"]["eligibilityModule"]["minimumAge"]
    pages = [{"studies": [fixture], "nextPageToken": "p2"}, {"studies": [other]}]
    seen: list[dict[str, str]] = []

    def fake_fetch(url: str, params: Mapping[str, str]) -> Any:
        seen.append(dict(params))
        return pages[len(seen) - 1]

    monkeypatch.setattr(trials_cli, "fetch_function", fake_fetch)
    monkeypatch.setattr(trials_cli.ctgov.RateLimiter, "wait", lambda self: None)
    saved = tmp_path / "fetched.json"
    result = runner.invoke(app, ["fetch", "--status", "RECRUITING", "--save", str(saved)], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "fetched 2 studies",
        "2 created, 0 updated, 0 unchanged",
    ]
    assert seen[1]["pageToken"] == "p2"
    assert seen[0]["filter.overallStatus"] == "RECRUITING"
    assert len(json.loads(saved.read_text(encoding="utf-8"))["studies"]) == 2


def test_fetch_imports_the_good_records_and_names_each_refused_one(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = _study("NCT09000002", sex="BOTH")
    page = {"studies": [_study("NCT09000001"), bad]}
    monkeypatch.setattr(trials_cli, "fetch_function", lambda url, params: page)
    monkeypatch.setattr(trials_cli.ctgov.RateLimiter, "wait", lambda self: None)
    result = runner.invoke(app, ["fetch"], env=env)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [
        "fetched 2 studies",
        f"refused: {trials_cli.ctgov.API_STUDIES_URL} (fetched)[1]: "
        "protocolSection.eligibilityModule.sex: 'BOTH' is not accepted; "
        "expected one of ALL, FEMALE, MALE",
    ]
    assert lines[2] == "1 created, 0 updated, 0 unchanged"


def test_fetch_without_a_network_is_a_one_line_error(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def offline(url: str, params: Mapping[str, str]) -> Any:
        raise OSError("network is unreachable")

    monkeypatch.setattr(trials_cli, "fetch_function", offline)
    result = runner.invoke(app, ["fetch"], env=env)
    assert isinstance(result.exception, CliError)
    assert str(result.exception) == "cannot reach ClinicalTrials.gov: network is unreachable"


def test_centres_answer_the_patients_questions_nearest_first(
    env: dict[str, str], pseudonym: str
) -> None:
    result = runner.invoke(app, ["centres", "--postcode", "ZZ2 2BB", "--therapy", "car_t"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("NWU: Illustrative North-West University Hospital")
    assert "[illustrative entry]" in lines[0]
    assert "  How many procedures by therapy? autologous_hsct 0" in result.output
    assert "not known (the centre does not record" in result.output
