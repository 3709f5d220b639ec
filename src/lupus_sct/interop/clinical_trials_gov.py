"""ClinicalTrials.gov API v2 study records: read them from files (or the shipped fixtures) and,
where a network exists, fetch them page by page within the rate limit.

References
----------
ClinicalTrials.gov API v2, https://clinicaltrials.gov/data-api/api (``GET /api/v2/studies``,
``pageSize`` + ``pageToken``/``nextPageToken``, about 50 requests per minute per IP) and the study
data structure, https://clinicaltrials.gov/data-api/about-api/study-data-structure.
docs/spec/landscape.md §4.1.

Notes
-----
- Only ``protocolSection`` is read: identification, status, conditions, design, arms and
  interventions, eligibility, contacts and locations. A missing ``eligibilityModule.sex`` is
  read as ALL (the registry leaves it out when there is no restriction); a missing age limit is
  unbounded.
- Fetching never filters by age with ``AREA[MinimumAge]RANGE[...]``: such a filter silently drops
  every study without that field (3,482 recruiting studies lacked MinimumAge in one report,
  cyanheads/clinicaltrialsgov-mcp-server#105). Age is checked locally when matching.
- A file may hold one study, a list of studies, or a search page (``{"studies": [...]}``). A
  top-level ``_fixture_note`` marks an illustrative fixture, not live registry data.
- A folder is read file by file (:func:`read_study_folder`): a file that cannot be read, or a
  record that cannot be translated, is refused on its own with its reason, and the other files
  and records are still imported.
- Records of the classic API (``FullStudiesResponse``, ``StudyFieldsResponse``, a study with
  capitalised ``ProtocolSection``/``NCTId``) and classic XML records converted to JSON
  (``clinical_study``/``id_info``/``nct_id``) are recognised and refused as such, naming the NCT
  number, rather than read: the classic API was retired on 25 June 2024 and its fields, enums
  and status wording differ from API v2 (API migration guide,
  https://clinicaltrials.gov/data-api/about-api/api-migration). Downloading the record again
  from API v2 (``lupus-sct trials fetch`` or ``/api/v2/studies/NCT...``) is the supported path.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from lupus_sct.domain.errors import DomainError, InvalidValueError
from lupus_sct.domain.trials.clinical_trials import (
    AgeLimit,
    GeoPoint,
    RecruitmentStatus,
    Trial,
    TrialIntervention,
    TrialLocation,
    TrialSex,
    parse_age_limit,
)
from lupus_sct.domain.trials.criteria_text import split_eligibility_criteria
from lupus_sct.services.eligibility.trials import TrialFile

API_STUDIES_URL = "https://clinicaltrials.gov/api/v2/studies"
REQUESTS_PER_MINUTE = 50  # ClinicalTrials.gov API v2: about 50 requests/minute per IP
MAX_PAGE_SIZE = 1000  # API v2 maximum pageSize
FIXTURE_NOTE_KEY = "_fixture_note"
FIXTURE_PACKAGE = "lupus_sct.interop"
FIXTURE_FOLDER = "trial_fixtures"
MAX_SHOWN_CHARS = 60  # a refused value longer than this is shortened in the message
API_V2_SHAPE = "an API v2 study record with protocolSection.identificationModule.nctId"
CLASSIC_SHAPES = {
    "FullStudiesResponse": "a classic-API FullStudiesResponse",
    "StudyFieldsResponse": "a classic-API StudyFieldsResponse",
    "FullStudy": "a classic-API FullStudy",
    "ProtocolSection": "a classic-API study (ProtocolSection)",
    "clinical_study": "a classic XML record (clinical_study) converted to JSON",
    "id_info": "a classic XML record (id_info) converted to JSON",
}
CLASSIC_ID_KEYS = ("NCTId", "nct_id")


class StudyRecordError(DomainError):
    """A study record that cannot be imported; the message names the file and the field."""


class _Path:
    def __init__(self, source: str, path: str = "") -> None:
        self.source, self.path = source, path

    def __truediv__(self, key: str | int) -> _Path:
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if self.path else key)
        return _Path(self.source, self.path + step)

    def fail(self, value: Any, accepted: str) -> StudyRecordError:
        problem = "missing" if value is None else f"{shortened(value)} is not accepted"
        return StudyRecordError(
            f"{self.source}: {self.path or 'top level'}: {problem}; expected {accepted}"
        )


def shortened(value: Any) -> str:
    """``value`` as shown in a message: quoted if text, cut to ``MAX_SHOWN_CHARS``."""
    shown = repr(value) if isinstance(value, str) else str(value)
    return shown if len(shown) <= MAX_SHOWN_CHARS else shown[: MAX_SHOWN_CHARS - 3] + "..."


def _classic_nct_id(value: Any, depth: int = 0) -> str | None:
    if depth > 6:
        return None
    if isinstance(value, Mapping):
        for key in CLASSIC_ID_KEYS:
            if isinstance(value.get(key), str):
                return str(value[key])
        children: Iterator[Any] = iter(value.values())
    elif isinstance(value, list):
        children = iter(value)
    else:
        return None
    return next((found for child in children if (found := _classic_nct_id(child, depth + 1))), None)


def _refuse_classic(document: Any, source: str) -> None:
    if not isinstance(document, Mapping) or "protocolSection" in document:
        return
    wrapped = document.get("Study")
    keys = list(document) + (list(wrapped) if isinstance(wrapped, Mapping) else [])
    shape = next((CLASSIC_SHAPES[k] for k in keys if k in CLASSIC_SHAPES), None)
    if shape is None:
        return
    nct_id = _classic_nct_id(document)
    named = f" for {nct_id}" if nct_id else ""
    again = f"/api/v2/studies/{nct_id}" if nct_id else "API v2"
    raise StudyRecordError(
        f"{source}: top level: {shape}{named} is not accepted (old format, classic API retired "
        f"June 2024); expected {API_V2_SHAPE}; download it again from {again}"
    )


def _module(section: Mapping[str, Any], name: str, at: _Path) -> Mapping[str, Any]:
    value = section.get(name, {})
    if not isinstance(value, Mapping):
        raise (at / name).fail(type(value).__name__, "an object")
    return value


def _texts(module: Mapping[str, Any], key: str, at: _Path) -> tuple[str, ...]:
    value = module.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise (at / key).fail(value, "a list of text")
    return tuple(value)


def _required_text(module: Mapping[str, Any], key: str, at: _Path) -> str:
    value = module.get(key)
    if not isinstance(value, str) or not value.strip():
        raise (at / key).fail(value, "non-empty text (required)")
    return value.strip()


def _status(value: Any, at: _Path) -> RecruitmentStatus:
    try:
        return RecruitmentStatus(value)
    except ValueError:
        raise at.fail(value, "one of " + ", ".join(s.value for s in RecruitmentStatus)) from None


def _partial_date(struct: Any) -> date | None:
    # The API writes "2025-01-10" or, for some dates, only "2025-01".
    text = struct.get("date") if isinstance(struct, Mapping) else None
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        return None


def _geo_point(value: Any, at: _Path) -> GeoPoint | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(value.get(k), int | float) for k in ("lat", "lon")
    ):
        raise at.fail(value, "an object with numeric lat and lon")
    try:
        return GeoPoint(float(value["lat"]), float(value["lon"]))
    except InvalidValueError as exc:
        raise at.fail(value, exc.accepted) from exc


def _locations(module: Mapping[str, Any], at: _Path) -> tuple[TrialLocation, ...]:
    raw = module.get("locations", [])
    if not isinstance(raw, list):
        raise (at / "locations").fail(type(raw).__name__, "a list")
    locations = []
    for index, site in enumerate(raw):
        here = at / "locations" / index
        if not isinstance(site, Mapping):
            raise here.fail(type(site).__name__, "an object")
        status = site.get("status")
        locations.append(
            TrialLocation(
                facility=str(site.get("facility", "")).strip() or "(facility not named)",
                city=str(site.get("city", "")),
                country=str(site.get("country", "")),
                status=None if status is None else _status(status, here / "status"),
                geo_point=_geo_point(site.get("geoPoint"), here / "geoPoint"),
                state=str(site.get("state", "")),
                zip=str(site.get("zip", "")),
            )
        )
    return tuple(locations)


def _interventions(module: Mapping[str, Any], at: _Path) -> tuple[TrialIntervention, ...]:
    raw = module.get("interventions", [])
    if not isinstance(raw, list):
        raise (at / "interventions").fail(type(raw).__name__, "a list")
    return tuple(
        TrialIntervention(str(i.get("type", "")), str(i.get("name", "")))
        for i in raw
        if isinstance(i, Mapping)
    )


def _sex(module: Mapping[str, Any], at: _Path) -> TrialSex:
    value = module.get("sex", "ALL")
    try:
        return TrialSex(value)
    except ValueError:
        raise (at / "sex").fail(value, "one of ALL, FEMALE, MALE") from None


def _age(module: Mapping[str, Any], key: str, at: _Path) -> AgeLimit | None:
    value = module.get(key)
    if value is not None and not isinstance(value, str):
        raise (at / key).fail(value, "text such as '18 Years'")
    try:
        return parse_age_limit(value, key)
    except InvalidValueError as exc:
        raise (at / key).fail(value, exc.accepted) from exc


def trial_from_study(study: Any, source: str) -> Trial:
    """Translate one API v2 study record into a :class:`Trial`.

    Raises
    ------
    StudyRecordError
        Naming ``source``, the path of the field (``protocolSection.eligibilityModule.minimumAge``),
        its value and what is accepted.
    """
    top = _Path(source)
    if not isinstance(study, Mapping):
        raise top.fail(type(study).__name__, API_V2_SHAPE)
    _refuse_classic(study, source)
    if "protocolSection" not in study:
        keys = ", ".join(list(study)[:5]) or "nothing"
        raise StudyRecordError(
            f"{source}: top level: no protocolSection (keys: {shortened(keys)}); "
            f"expected {API_V2_SHAPE}"
        )
    section = _module(study, "protocolSection", top)
    at = top / "protocolSection"
    ident = _module(section, "identificationModule", at)
    status = _module(section, "statusModule", at)
    conditions = _module(section, "conditionsModule", at)
    design = _module(section, "designModule", at)
    eligibility = _module(section, "eligibilityModule", at)
    ident_at, elig_at = at / "identificationModule", at / "eligibilityModule"
    nct_id = _required_text(ident, "nctId", ident_at)
    criteria_text = eligibility.get("eligibilityCriteria", "")
    if not isinstance(criteria_text, str):
        raise (elig_at / "eligibilityCriteria").fail(criteria_text, "text")
    healthy = eligibility.get("healthyVolunteers")
    try:
        return Trial(
            id=nct_id,
            brief_title=_required_text(ident, "briefTitle", ident_at),
            official_title=str(ident.get("officialTitle", "")),
            overall_status=_status(
                status.get("overallStatus"), at / "statusModule" / "overallStatus"
            ),
            conditions=_texts(conditions, "conditions", at / "conditionsModule"),
            keywords=_texts(conditions, "keywords", at / "conditionsModule"),
            study_type=str(design.get("studyType", "")),
            phases=_texts(design, "phases", at / "designModule"),
            interventions=_interventions(
                _module(section, "armsInterventionsModule", at), at / "armsInterventionsModule"
            ),
            sex=_sex(eligibility, elig_at),
            minimum_age=_age(eligibility, "minimumAge", elig_at),
            maximum_age=_age(eligibility, "maximumAge", elig_at),
            healthy_volunteers=healthy if isinstance(healthy, bool) else None,
            eligibility_text=criteria_text,
            items=split_eligibility_criteria(criteria_text),
            locations=_locations(
                _module(section, "contactsLocationsModule", at), at / "contactsLocationsModule"
            ),
            source=source,
            is_fixture=FIXTURE_NOTE_KEY in study,
            last_update=_partial_date(status.get("lastUpdatePostDateStruct")),
        )
    except InvalidValueError as exc:
        raise StudyRecordError(f"{source}: {exc}") from exc


def _records(document: Any, source: str) -> list[tuple[Any, str]]:
    _refuse_classic(document, source)
    if isinstance(document, Mapping) and "studies" in document:
        document = document["studies"]
    if isinstance(document, list):
        return [(study, f"{source}[{i}]") for i, study in enumerate(document)]
    return [(document, source)]


def studies_in_document(document: Any, source: str) -> list[Trial]:
    """The trials in one parsed JSON document (a study, a list, or a search page); the first
    record that cannot be translated raises :class:`StudyRecordError`."""
    return [trial_from_study(study, name) for study, name in _records(document, source)]


def read_document(document: Any, source: str) -> TrialFile:
    """The trials of one parsed JSON document, each record translated or refused on its own."""
    trials: list[Trial] = []
    refusals: list[str] = []
    try:
        records = _records(document, source)
    except StudyRecordError as exc:
        return TrialFile(source, (), (str(exc),))
    for study, name in records:
        try:
            trials.append(trial_from_study(study, name))
        except StudyRecordError as exc:
            refusals.append(str(exc))
    if not records:
        refusals.append(
            f"{source}: studies: an empty list is not accepted; expected {API_V2_SHAPE}"
        )
    return TrialFile(source, tuple(trials), tuple(refusals))


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise StudyRecordError(
            f"{source}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc


def _study_paths(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise StudyRecordError(f"{path}: the folder holds no .json study files")
        return files
    if path.is_file():
        return [path]
    raise StudyRecordError(f"{path}: no such file or folder")


def _read_file(file: Path) -> TrialFile:
    try:
        text = file.read_text(encoding="utf-8")
        document = _parse_json(text, file.name)
    except (OSError, UnicodeDecodeError) as exc:
        return TrialFile(file.name, (), (f"{file.name}: cannot be read: {exc}",))
    except StudyRecordError as exc:
        return TrialFile(file.name, (), (str(exc),))
    return read_document(document, file.name)


def read_study_folder(path: Path) -> list[TrialFile]:
    """A JSON file, or every ``*.json`` file of a folder (sorted by name), each read on its own.

    Raises
    ------
    StudyRecordError
        Only when ``path`` does not exist or the folder holds no ``.json`` file; a file that
        cannot be read or translated is reported in its :class:`TrialFile` instead.
    """
    return [_read_file(file) for file in _study_paths(path)]


def read_study_files(path: Path) -> list[Trial]:
    """The trials in a JSON file or a folder; the first refused record raises
    :class:`StudyRecordError` (use :func:`read_study_folder` for a report per file)."""
    trials: list[Trial] = []
    for file in read_study_folder(path):
        if file.refusals:
            raise StudyRecordError(file.refusals[0])
        trials += file.trials
    return trials


def shipped_fixtures() -> list[Trial]:
    """The illustrative fixture records shipped with the package (not live registry data)."""
    folder = resources.files(FIXTURE_PACKAGE) / FIXTURE_FOLDER
    trials: list[Trial] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            text = entry.read_text(encoding="utf-8")
            trials += studies_in_document(_parse_json(text, entry.name), f"fixture {entry.name}")
    return trials


Fetch = Callable[[str, Mapping[str, str]], Any]
"""GET ``url`` with query ``params`` and return the decoded JSON body."""


def urllib_fetch(url: str, params: Mapping[str, str], timeout_s: float = 30.0) -> Any:
    """GET over HTTPS with the standard library (no extra dependency)."""
    if not url.startswith("https://"):
        raise ValueError(f"only https URLs are fetched, not {url!r}")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        f"{url}?{urllib.parse.urlencode(params)}", headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
        return json.load(response)


class RateLimiter:
    """Spaces requests at least ``60 / per_minute`` seconds apart (clock and sleep injected)."""

    def __init__(
        self,
        per_minute: int = REQUESTS_PER_MINUTE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval_s = 60.0 / per_minute
        self._clock, self._sleep = clock, sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Block until the next request is allowed."""
        now = self._clock()
        if self._last is not None and now - self._last < self.interval_s:
            self._sleep(self.interval_s - (now - self._last))
            now = self._clock()
        self._last = now


def search_params(
    *,
    condition: str,
    term: str | None = None,
    statuses: Sequence[RecruitmentStatus] = (),
    page_size: int = 100,
) -> dict[str, str]:
    """Query parameters of a search: condition, optional term and statuses; no age RANGE."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidValueError("page_size", page_size, f"a whole number in 1-{MAX_PAGE_SIZE}")
    params = {"query.cond": condition, "pageSize": str(page_size), "format": "json"}
    if term:
        params["query.term"] = term
    if statuses:
        params["filter.overallStatus"] = ",".join(s.value for s in statuses)
    return params


def fetch_studies(
    params: Mapping[str, str],
    *,
    fetch: Fetch = urllib_fetch,
    limiter: RateLimiter | None = None,
    max_pages: int | None = None,
) -> Iterator[Any]:
    """Yield the raw study records of every page of a search, following ``nextPageToken``."""
    limiter = limiter or RateLimiter()
    token: str | None = None
    pages = 0
    while max_pages is None or pages < max_pages:
        query = dict(params, pageToken=token) if token else dict(params)
        limiter.wait()
        page = fetch(API_STUDIES_URL, query)
        pages += 1
        if not isinstance(page, Mapping):
            raise StudyRecordError(f"page {pages}: the API answered {type(page).__name__}")
        yield from page.get("studies", [])
        token = page.get("nextPageToken")
        if not token:
            return
