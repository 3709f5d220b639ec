"""Import of ClinicalTrials.gov API v2 study records, the shipped fixtures, the live fetch against
a fake transport (no network here), and the directory data files."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.trials.clinical_trials import AgeLimit, AgeUnit, RecruitmentStatus, TrialSex
from lupus_sct.interop import clinical_trials_gov as ctgov
from lupus_sct.interop.centre_directory_file import (
    DirectoryFileError,
    locate_postcode,
    read_centre_directory,
    read_postcodes,
)

STUDY: dict[str, Any] = {
    "protocolSection": {
        "identificationModule": {"nctId": "NCT09000042", "briefTitle": "Synthetic CAR-T study"},
        "statusModule": {
            "overallStatus": "RECRUITING",
            "lastUpdatePostDateStruct": {"date": "2025-10", "type": "ACTUAL"},
        },
        "conditionsModule": {"conditions": ["Systemic Lupus Erythematosus"]},
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE1"]},
        "armsInterventionsModule": {
            "interventions": [{"type": "BIOLOGICAL", "name": "Synthetic CD19 CAR-T"}]
        },
        "eligibilityModule": {
            "eligibilityCriteria": "Inclusion Criteria:\n\n* SLE\n\nExclusion Criteria:\n\n* None",
            "healthyVolunteers": False,
            "sex": "FEMALE",
            "minimumAge": "6 Months",
        },
        "contactsLocationsModule": {
            "locations": [
                {
                    "facility": "Synthetic site",
                    "status": "RECRUITING",
                    "city": "Nowhere",
                    "country": "United Kingdom",
                    "geoPoint": {"lat": 51.5, "lon": -0.12},
                },
                {"facility": "Site without coordinates", "city": "Elsewhere", "country": "France"},
            ]
        },
    }
}


def test_a_study_record_becomes_a_trial_with_numbered_criteria() -> None:
    trial = ctgov.trial_from_study(STUDY, "synthetic.json")
    assert trial.id == "NCT09000042"
    assert trial.overall_status is RecruitmentStatus.RECRUITING
    assert trial.sex is TrialSex.FEMALE
    assert trial.minimum_age == AgeLimit(6, AgeUnit.MONTHS)
    assert trial.maximum_age is None  # absent in the record: unbounded
    assert [(i.label, i.text) for i in trial.items] == [("I1", "SLE"), ("E1", "None")]
    assert trial.locations[0].geo_point is not None
    assert trial.locations[1].geo_point is None
    assert trial.locations[1].status is None
    assert trial.last_update is not None
    assert trial.last_update.isoformat() == "2025-10-01"
    assert not trial.is_fixture


def test_a_missing_sex_restriction_reads_as_all() -> None:
    study = copy.deepcopy(STUDY)
    del study["protocolSection"]["eligibilityModule"]["sex"]
    assert ctgov.trial_from_study(study, "x.json").sex is TrialSex.ALL


@pytest.mark.parametrize(
    ("module", "key", "value", "path"),
    [
        (
            "eligibilityModule",
            "minimumAge",
            "18 yrs",
            "protocolSection.eligibilityModule.minimumAge",
        ),
        ("eligibilityModule", "sex", "BOTH", "protocolSection.eligibilityModule.sex"),
        ("statusModule", "overallStatus", "OPEN", "protocolSection.statusModule.overallStatus"),
        ("identificationModule", "nctId", "", "protocolSection.identificationModule.nctId"),
    ],
)
def test_a_bad_field_is_refused_naming_the_file_and_the_path(
    module: str, key: str, value: str, path: str
) -> None:
    study = copy.deepcopy(STUDY)
    study["protocolSection"][module][key] = value
    with pytest.raises(ctgov.StudyRecordError, match=rf"^bad\.json: {path}: "):
        ctgov.trial_from_study(study, "bad.json")


def test_a_location_outside_the_globe_is_refused() -> None:
    study = copy.deepcopy(STUDY)
    study["protocolSection"]["contactsLocationsModule"]["locations"][0]["geoPoint"]["lat"] = 95
    with pytest.raises(ctgov.StudyRecordError, match=r"locations\[0\]\.geoPoint: .* -90 to 90"):
        ctgov.trial_from_study(study, "bad.json")


def test_files_folders_and_search_pages_are_read(tmp_path: Path) -> None:
    second = copy.deepcopy(STUDY)
    second["protocolSection"]["identificationModule"]["nctId"] = "NCT09000043"
    (tmp_path / "one.json").write_text(json.dumps(STUDY), encoding="utf-8")
    (tmp_path / "page.json").write_text(json.dumps({"studies": [second]}), encoding="utf-8")
    assert [t.id for t in ctgov.read_study_files(tmp_path)] == ["NCT09000042", "NCT09000043"]
    assert [t.id for t in ctgov.read_study_files(tmp_path / "page.json")] == ["NCT09000043"]


def test_unreadable_inputs_get_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ctgov.StudyRecordError, match=r"^broken\.json: not valid JSON at line 1"):
        ctgov.read_study_files(tmp_path / "broken.json")
    with pytest.raises(ctgov.StudyRecordError, match="no such file or folder"):
        ctgov.read_study_files(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ctgov.StudyRecordError, match=r"holds no \.json study files"):
        ctgov.read_study_files(tmp_path / "empty")


def _with_id(nct_id: str) -> dict[str, Any]:
    study = copy.deepcopy(STUDY)
    study["protocolSection"]["identificationModule"]["nctId"] = nct_id
    return study


def _bad_age(nct_id: str) -> dict[str, Any]:
    study = _with_id(nct_id)
    study["protocolSection"]["eligibilityModule"]["minimumAge"] = "eighteen"
    return study


def test_each_file_of_a_folder_is_read_or_refused_on_its_own(tmp_path: Path) -> None:
    (tmp_path / "a_good.json").write_text(json.dumps(_with_id("NCT09000042")), encoding="utf-8")
    (tmp_path / "b_broken.json").write_text("{", encoding="utf-8")
    page = {"studies": [_with_id("NCT09000043"), _bad_age("NCT09000044")]}
    (tmp_path / "c_page.json").write_text(json.dumps(page), encoding="utf-8")
    (tmp_path / "d_good.json").write_text(json.dumps(_with_id("NCT09000045")), encoding="utf-8")
    files = ctgov.read_study_folder(tmp_path)
    assert [(f.name, [t.id for t in f.trials], len(f.refusals)) for f in files] == [
        ("a_good.json", ["NCT09000042"], 0),
        ("b_broken.json", [], 1),
        ("c_page.json", ["NCT09000043"], 1),
        ("d_good.json", ["NCT09000045"], 0),
    ]
    assert files[1].refusals[0].startswith("b_broken.json: not valid JSON at line 1")
    assert files[2].refusals[0] == (
        "c_page.json[1]: protocolSection.eligibilityModule.minimumAge: 'eighteen' is not "
        "accepted; expected '<number> <unit>' with unit Years, Months, Weeks, Days, Hours or "
        "Minutes"
    )
    with pytest.raises(ctgov.StudyRecordError, match=r"^b_broken\.json: not valid JSON"):
        ctgov.read_study_files(tmp_path)  # the all-or-nothing reader still stops


def test_a_missing_nct_id_is_named_as_missing_not_as_none() -> None:
    study = copy.deepcopy(STUDY)
    del study["protocolSection"]["identificationModule"]["nctId"]
    with pytest.raises(ctgov.StudyRecordError) as raised:
        ctgov.trial_from_study(study, "x.json")
    assert str(raised.value) == (
        "x.json: protocolSection.identificationModule.nctId: missing; "
        "expected non-empty text (required)"
    )


def test_a_long_refused_value_is_shortened() -> None:
    study = copy.deepcopy(STUDY)
    study["protocolSection"]["statusModule"]["overallStatus"] = "OPEN " * 40
    with pytest.raises(ctgov.StudyRecordError) as raised:
        ctgov.trial_from_study(study, "x.json")
    shown = str(raised.value).split(": ")[2].split(" is not accepted")[0]
    assert len(shown) == ctgov.MAX_SHOWN_CHARS
    assert shown.endswith("...")


def test_a_document_without_protocol_section_says_what_is_accepted() -> None:
    with pytest.raises(ctgov.StudyRecordError) as raised:
        ctgov.trial_from_study({"nctId": "NCT09000042"}, "flat.json")
    assert str(raised.value) == (
        "flat.json: top level: no protocolSection (keys: 'nctId'); expected an API v2 study "
        "record with protocolSection.identificationModule.nctId"
    )


# Old-format records written for the tests in the shapes the classic API (retired 25 June 2024,
# https://clinicaltrials.gov/data-api/about-api/api-migration) and its XML download produced:
# capitalised ProtocolSection/IdentificationModule/NCTId inside FullStudiesResponse.FullStudies
# [].Study, and clinical_study/id_info/nct_id for XML converted to JSON.
CLASSIC_STUDY = {
    "ProtocolSection": {
        "IdentificationModule": {"NCTId": "NCT09000077", "BriefTitle": "Synthetic classic"},
        "StatusModule": {"OverallStatus": "Recruiting"},
        "EligibilityModule": {
            "EligibilityCriteria": "Inclusion Criteria:\n\n* SLE",
            "Gender": "All",
        },
    }
}
CLASSIC_DOCUMENTS = {
    "full_studies": {
        "FullStudiesResponse": {
            "APIVrs": "1.01.05",
            "NStudiesFound": 1,
            "FullStudies": [{"Rank": 1, "Study": CLASSIC_STUDY}],
        }
    },
    "one_study": {"Study": CLASSIC_STUDY},
    "xml_as_json": {
        "clinical_study": {
            "id_info": {"nct_id": "NCT09000077"},
            "brief_title": "Synthetic classic",
            "overall_status": "Recruiting",
            "eligibility": {"criteria": {"textblock": "Inclusion Criteria: SLE"}, "gender": "All"},
        }
    },
}


@pytest.mark.parametrize("shape", sorted(CLASSIC_DOCUMENTS))
def test_an_old_format_record_is_refused_as_such_naming_the_file_and_what_is_accepted(
    shape: str, tmp_path: Path
) -> None:
    (tmp_path / f"{shape}.json").write_text(json.dumps(CLASSIC_DOCUMENTS[shape]), "utf-8")
    (file,) = ctgov.read_study_folder(tmp_path / f"{shape}.json")
    (reason,) = file.refusals
    assert file.trials == ()
    assert reason.startswith(f"{shape}.json: top level: a classic")
    assert "for NCT09000077 is not accepted (old format, classic API retired June 2024)" in reason
    assert "expected an API v2 study record with protocolSection.identificationModule.nctId" in (
        reason
    )
    assert reason.endswith("download it again from /api/v2/studies/NCT09000077")
    assert "None" not in reason


def test_shipped_fixtures_criteria_carry_no_escapes_or_disclaimers() -> None:
    for trial in ctgov.shipped_fixtures():
        for item in trial.items:
            assert "\\" not in item.text
            assert "may apply" not in item.text.lower()


# The SLE cell-therapy trials of docs/spec/evidence.md §2d shipped as fixtures.
EVIDENCE_TRIALS = {
    "NCT00017641", "NCT00271934", "NCT00278538", "NCT00230035", "NCT00325741", "NCT01539902",
    "NCT02633163", "NCT03562065", "NCT03580291", "NCT05765006", "NCT05938725", "NCT06342960",
    "NCT06691152", "NCT06947460", "NCT06947473", "NCT07053800",
}  # fmt: skip


def test_every_shipped_fixture_loads_and_is_marked_illustrative() -> None:
    trials = ctgov.shipped_fixtures()
    assert {t.id for t in trials} == EVIDENCE_TRIALS
    assert all(t.is_fixture for t in trials)
    assert all(t.items and t.locations for t in trials)
    folder = resources.files("lupus_sct.interop") / "trial_fixtures"
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            note = json.loads(entry.read_text(encoding="utf-8"))["_fixture_note"]
            assert note.startswith("ILLUSTRATIVE FIXTURE, NOT LIVE DATA")
    assert "ILLUSTRATIVE, NOT LIVE DATA" in (folder / "README.md").read_text(encoding="utf-8")


def test_fixture_statuses_follow_the_evidence_dossier() -> None:
    # docs/spec/evidence.md §2d: MiSLE active not recruiting; KYSA-3 and NCT06691152 recruiting;
    # LIST withdrawn
    status = {t.id: t.overall_status for t in ctgov.shipped_fixtures()}
    assert status["NCT02633163"] is RecruitmentStatus.ACTIVE_NOT_RECRUITING
    assert status["NCT06342960"] is RecruitmentStatus.RECRUITING
    assert status["NCT06691152"] is RecruitmentStatus.RECRUITING
    assert status["NCT00230035"] is RecruitmentStatus.WITHDRAWN


class FakeTransport:
    """Answers API v2 search requests from canned pages, recording every request."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.requests: list[tuple[str, dict[str, str]]] = []

    def __call__(self, url: str, params: Mapping[str, str]) -> Any:
        self.requests.append((url, dict(params)))
        return self.pages[len(self.requests) - 1]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _study(nct: str, minimum_age: str | None) -> dict[str, Any]:
    study = copy.deepcopy(STUDY)
    study["protocolSection"]["identificationModule"]["nctId"] = nct
    eligibility = study["protocolSection"]["eligibilityModule"]
    eligibility.pop("minimumAge")
    if minimum_age:
        eligibility["minimumAge"] = minimum_age
    return study


def test_fetch_follows_page_tokens_and_keeps_studies_without_age_limits() -> None:
    transport = FakeTransport(
        [
            {"studies": [_study("NCT09000101", "18 Years")], "nextPageToken": "tok-2"},
            {"studies": [_study("NCT09000102", None)], "nextPageToken": "tok-3"},
            {"studies": [_study("NCT09000103", "2 Weeks")]},
        ]
    )
    clock = FakeClock()
    params = ctgov.search_params(
        condition="lupus", term="CAR-T", statuses=[RecruitmentStatus.RECRUITING], page_size=1
    )
    studies = list(
        ctgov.fetch_studies(
            params, fetch=transport, limiter=ctgov.RateLimiter(clock=clock, sleep=clock.sleep)
        )
    )
    trials = ctgov.studies_in_document(studies, "fetched")
    assert [t.id for t in trials] == ["NCT09000101", "NCT09000102", "NCT09000103"]
    assert trials[1].minimum_age is None  # kept, not dropped by an age filter
    sent = [p for _, p in transport.requests]
    assert [p.get("pageToken") for p in sent] == [None, "tok-2", "tok-3"]
    assert all(url == ctgov.API_STUDIES_URL for url, _ in transport.requests)
    assert sent[0]["filter.overallStatus"] == "RECRUITING"
    # No age RANGE filter: AREA[MinimumAge]RANGE[...] drops studies lacking the field
    # (cyanheads/clinicaltrialsgov-mcp-server#105).
    assert not any("RANGE" in v or "MinimumAge" in v for p in sent for v in p.values())
    # 50 requests/minute: the 2nd and 3rd requests wait 1.2 s each after an instant answer.
    assert clock.slept == pytest.approx([1.2, 1.2])


def test_fetch_stops_at_max_pages() -> None:
    transport = FakeTransport([{"studies": [_study("NCT09000101", None)], "nextPageToken": "t"}])
    clock = FakeClock()
    limiter = ctgov.RateLimiter(clock=clock, sleep=clock.sleep)
    studies = list(ctgov.fetch_studies({}, fetch=transport, limiter=limiter, max_pages=1))
    assert len(studies) == 1
    assert len(transport.requests) == 1


def test_the_rate_limiter_does_not_wait_when_requests_are_already_spaced() -> None:
    clock = FakeClock()
    limiter = ctgov.RateLimiter(per_minute=50, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 5
    limiter.wait()
    assert clock.slept == []


def test_page_size_outside_the_api_range_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="page_size: 0 is not accepted"):
        ctgov.search_params(condition="lupus", page_size=0)


def test_the_live_fetcher_only_speaks_https() -> None:
    with pytest.raises(ValueError, match="only https"):
        ctgov.urllib_fetch("http://clinicaltrials.gov/api/v2/studies", {})


def test_the_shipped_directory_is_illustrative_and_complete() -> None:
    centres = read_centre_directory()
    assert all(c.illustrative for c in centres)
    assert {"NWU", "ILL-ERL", "ILL-NJG"} <= {c.code for c in centres}
    erlangen = next(c for c in centres if c.code == "ILL-ERL")
    assert CourseKind.CAR_T in erlangen.therapies
    assert erlangen.published_outcomes[0].citation.endswith("PMID 38381673")


def test_a_bad_directory_entry_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "dir.json"
    path.write_text(
        json.dumps({"centres": [{"code": "X1", "name": "n", "therapies": ["magic"]}]}),
        encoding="utf-8",
    )
    with pytest.raises(DirectoryFileError, match=r"centres\[0\]\.therapies"):
        read_centre_directory(path)


def test_synthetic_postcodes_are_found_whatever_the_spacing() -> None:
    table = read_postcodes()
    assert all(code.startswith("ZZ") for code in table)  # invented area, never a real address
    assert locate_postcode("zz1   1aa", table) == table["ZZ1 1AA"]
    with pytest.raises(InvalidValueError, match="postcode: 'AB1 2CD' is not accepted"):
        locate_postcode("AB1 2CD", table)
