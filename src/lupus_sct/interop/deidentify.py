"""A de-identified research export: keyed pseudonyms, per-patient date shifts, no identifiers.

References
----------
HIPAA Privacy Rule, 45 CFR 164.514(b)(2) ("Safe Harbor"): the 18 identifier types to remove, (A)
names ... (R) any other unique identifying number, characteristic or code; 164.514(c):
re-identification codes not derived from information about the individual. HHS OCR, "Guidance
Regarding Methods for De-identification of PHI" (2012), sections 3.3-3.10. HMAC: RFC 2104 and
FIPS 198-1, with SHA-256 (FIPS 180-4). Small-cell suppression: a threshold of 5 is common in
registry reporting; the caller chooses it (``min_cell``).

Notes
-----
Built from the tidy tables (:mod:`.table_export`); every choice below is an interpretation:

- Ids. Every record id and reference (``id``, ``patient_id``, ``course_id``, ``centre_id``) is
  replaced by ``HMAC-SHA256(key, "<kind>:<id>")`` (first 20 hex digits, prefixed by the kind's
  letter). Our ids are random UUIDs, not derived from the person (164.514(c)); only the holder of
  the key can link a row back. The key is read from a file and never written to the export.
- Dates. All of a patient's dates (and date-times, and dates inside nested values such as SDI
  onset dates) move by the same number of days, derived from the key and the patient id, in
  -182..-1 or +1..+182 (never 0), so intervals and days since day 0 are kept. Strict Safe Harbor
  (B)(C) removes every date element but the year; shifting instead is the project's decision and
  makes this export a limited, key-protected data set rather than a literal Safe Harbor one.
- Ages over 89 (164.514(b)(2)(i)(C)): a patient aged 90 or more on ``as_of`` has no birth date
  and no age, only ``age_90_or_over`` = true; younger patients keep their shifted birth date and
  get their age in whole years.
- Removed columns: the pseudonym (a unique code, (R)) and the centre code; the identity table
  (names, hospital numbers) is never read. Free text is dropped (``end_reason``, outcome
  ``detail``, infection ``organism`` and ``site``, and the referrer, reasons, product names and
  discharge destination inside event details). Every other text cell, in a column or inside a
  JSON value, is kept only if it is a coded value (:mod:`.deidentify_vocabulary`: enumeration
  values, CTCAE v5.0 terms, schedule labels, protocol slugs, catalogued drug names; a drug
  outside the RxNorm catalogue has no name in the export, an uncoded adverse-event term is
  written "uncoded"); anything else is withheld, because no scrubber finds a name it does not
  know (issue #15). A kept value is still dropped when it contains anything that looks like an
  identifier: an e-mail
  address, URL, IP address, telephone or fax number, social security number, a run of 5 or more
  digits (record, account, licence, device or health-plan numbers, ZIP codes), a date, a UK
  postcode, a street address, a title followed by a name, or a name, hospital number or
  pseudonym of any patient in the database.
- Aggregates. ``counts_by_centre_and_therapy`` counts patients and courses by (pseudonymous)
  centre and course kind; a cell with fewer than ``min_cell`` patients is suppressed (both counts
  empty, ``suppressed`` true). No margins or totals are written, so a suppressed cell cannot be
  recovered by subtraction within the table.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from lupus_sct.domain.records.medications import DRUGS
from lupus_sct.domain.records.people import PatientIdentity, age_in_years
from lupus_sct.interop import deidentify_vocabulary as vocabulary
from lupus_sct.interop.table_export import TABLES, record_columns, write_tables

MIN_KEY_BYTES = 16  # 128 bits: at least the HMAC-SHA256 security level NIST SP 800-107 asks
SHIFT_MAX_DAYS = 182  # about six months each way
AGE_AGGREGATED_FROM_YEARS = 90  # 45 CFR 164.514(b)(2)(i)(C): ages over 89 -> "90 or older"
DEFAULT_MIN_CELL = 5
PSEUDONYM_HEX_DIGITS = 20
MAX_RXCUI_DIGITS = 8  # RxCUIs have at most 7 digits today (RxNorm, 2024); longer is not a code
_KIND_OF_TABLE = {"patients": "patient", "courses": "course"}
_ID_KINDS = {"patient_id": "patient", "course_id": "course", "centre_id": "centre"}
_DROPPED = {
    "patients": ("pseudonym", "centre_code"),
    "courses": ("end_reason",),
    "outcomes": ("detail",),
    "infections": ("organism", "site"),
}
_CODED: dict[tuple[str, str], Callable[[str], str | None]] = {
    ("adverse_events", "ctcae_term"): vocabulary.ctcae_term,
    ("courses", "protocol_id"): vocabulary.slug,
    ("follow_ups", "label"): vocabulary.follow_up_label,
    ("medications", "drug_name"): lambda _: None,  # the catalogue name is put back (_drug_names)
}
_FREE_TEXT_KEYS = frozenset({"referred_by", "reason", "product", "destination"})
_CODE_COLUMNS = frozenset(
    {
        "loinc_code",
        "rxnorm_code",
        "icd10_code",
        "snomed_code",
        "unit",
        "dose_unit",
        "canonical_unit",
        "ctcae_version",
    }
)
_IDENTIFYING = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"[\w.+-]+@[\w-]+(\.[\w-]+)+",  # (F) e-mail address
        r"\b(https?|ftp)://|\bwww\.|\b[\w-]+\.(com|org|net|edu|gov|io|uk|de|fr)\b",  # (N) URL
        r"\b\d{1,3}(\.\d{1,3}){3}\b",  # (O) IPv4 address
        r"\b([0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b",  # (O) IPv6 address
        r"\+?\d[\d\s().-]{5,}\d",  # (D)(E) telephone and fax numbers: 7+ digits with separators
        r"\b\d{3}-\d{2}-\d{4}\b",  # (G) social security number
        r"\d{5,}",  # (H)-(M)(R) record, plan, account, licence, vehicle, device numbers; ZIP
        r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b",  # (C) dates
        r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,4}\b",  # (C)
        r"\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b",  # (B) UK postcode
        r"\b\d+\s+(\w+\s){0,3}(street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|way|court"
        r"|ct|place|pl|boulevard|blvd|crescent|terrace|square|gardens)\b",  # (B) street address
        r"\b(dr|mr|mrs|ms|miss|mx|prof)\.?\s+[a-z]",  # (A) a title before a name
    )
]


class KeyFileError(ValueError):
    """The key file cannot be used."""


class DeidentificationKey:
    """The secret behind the pseudonyms and date shifts (never written anywhere)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_KEY_BYTES:
            raise KeyFileError(
                f"the key has {len(secret)} bytes; at least {MIN_KEY_BYTES} are needed "
                '(e.g. 32 random bytes: python -c "import secrets; print(secrets.token_hex(32))")'
            )
        self._secret = secret

    @classmethod
    def from_file(cls, path: Path) -> DeidentificationKey:
        """The key in a file (surrounding white space ignored)."""
        try:
            return cls(path.read_bytes().strip())
        except OSError as exc:
            raise KeyFileError(f"cannot read the key file {path}: {exc.strerror}") from exc

    def _digest(self, message: str) -> bytes:
        return hmac.new(self._secret, message.encode("utf-8"), hashlib.sha256).digest()

    def pseudonym(self, kind: str, record_id: str) -> str:
        """The keyed pseudonym of a record id (the same for the same key, kind and id)."""
        digest = self._digest(f"{kind}:{record_id}").hex()[:PSEUDONYM_HEX_DIGITS]
        return f"{kind[0].upper()}{digest}"

    def date_shift_days(self, patient_id: str) -> int:
        """The patient's shift: -182..-1 or +1..+182 days, never 0."""
        draw = int.from_bytes(self._digest(f"date-shift:{patient_id}")[:8], "big")
        offset = draw % (2 * SHIFT_MAX_DAYS)  # 0..363
        return offset - SHIFT_MAX_DAYS if offset < SHIFT_MAX_DAYS else offset - SHIFT_MAX_DAYS + 1


class _Scrubber:
    def __init__(self, identities: Iterable[PatientIdentity], pseudonyms: Iterable[str]) -> None:
        words = {i.hospital_number for i in identities} | set(pseudonyms)
        for identity in identities:
            words |= {identity.family_name, *identity.given_name.split()}
        known = sorted((w for w in words if len(w.strip()) >= 2), key=len, reverse=True)
        self._known = (
            re.compile(r"\b(" + "|".join(re.escape(w) for w in known) + r")\b", re.IGNORECASE)
            if known
            else None
        )

    def keep(self, text: str | None) -> str | None:
        """The text, or ``None`` when it contains anything that looks like an identifier."""
        if text is None:
            return None
        if self._known is not None and self._known.search(text):
            return None
        if any(pattern.search(text) for pattern in _IDENTIFYING):
            return None
        return text


def deidentified_tables(
    tables: dict[str, pl.DataFrame],
    *,
    identities: Iterable[PatientIdentity],
    key: DeidentificationKey,
    as_of: date,
    min_cell: int = DEFAULT_MIN_CELL,
) -> dict[str, pl.DataFrame]:
    """The de-identified row-level tables and the suppressed aggregate table."""
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    patients = tables["patients"]
    scrubber = _Scrubber(list(identities), patients["pseudonym"].to_list())
    shifts = {pid: key.date_shift_days(pid) for pid in patients["id"].to_list()}
    result = {
        name: _deidentify(name, frame, key=key, shifts=shifts, scrubber=scrubber)
        for name, frame in tables.items()
    }
    result["patients"] = _with_ages(patients, result["patients"], as_of)
    result["medications"] = _drug_names(result["medications"])
    result["counts_by_centre_and_therapy"] = _counts(
        result["patients"], result["courses"], min_cell
    )
    return result


def _deidentify(
    name: str,
    frame: pl.DataFrame,
    *,
    key: DeidentificationKey,
    shifts: dict[str, int],
    scrubber: _Scrubber,
) -> pl.DataFrame:
    json_columns = {c.name for c in record_columns(TABLES[name].cls) if c.kind == "json"}
    owner = "id" if name == "patients" else "patient_id"
    frame = frame.drop([c for c in _DROPPED.get(name, ()) if c in frame.columns])
    rows = []
    for row in frame.iter_rows(named=True):
        shift = timedelta(days=shifts.get(row[owner] or "", 0))
        rows.append(
            {
                column: _cell(name, column, value, frame.schema[column], key, shift, scrubber)
                if column not in json_columns
                else _json_cell(value, shift, scrubber)
                for column, value in row.items()
            }
        )
    return pl.DataFrame(rows, schema=frame.schema, orient="row") if rows else frame.clear()


def _cell(
    table: str,
    column: str,
    value: Any,
    dtype: pl.DataType,
    key: DeidentificationKey,
    shift: timedelta,
    scrubber: _Scrubber,
) -> Any:
    if value is None:
        return None
    if column == "id":
        return key.pseudonym(_KIND_OF_TABLE.get(table, table), value)
    if column in _ID_KINDS:
        return key.pseudonym(_ID_KINDS[column], value)
    if isinstance(value, datetime | date):
        return value + shift
    if column == "rxnorm_code" and len(value) > MAX_RXCUI_DIGITS:
        return None
    coded = vocabulary.follow_up_label if column == "timepoint" else _CODED.get((table, column))
    if coded is not None:
        kept = coded(value)
        return None if kept is None else scrubber.keep(kept)
    if isinstance(value, str) and dtype == pl.Utf8() and column not in _CODE_COLUMNS:
        return scrubber.keep(value) if vocabulary.is_vocabulary_text(value) else None
    return value


def _json_cell(value: Any, shift: timedelta, scrubber: _Scrubber) -> Any:
    if value is None:
        return None
    cleaned = _clean_json(json.loads(value), shift, scrubber, key_name="")
    return json.dumps(cleaned, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _clean_json(data: Any, shift: timedelta, scrubber: _Scrubber, *, key_name: str) -> Any:
    if isinstance(data, dict):
        return {
            k: _clean_json(v, shift, scrubber, key_name=k)
            for k, v in data.items()
            if k not in _FREE_TEXT_KEYS
        }
    if isinstance(data, list):
        return [_clean_json(v, shift, scrubber, key_name=key_name) for v in data]
    if isinstance(data, str) and key_name.endswith(("_date", "_on", "_at")):
        try:
            return (date.fromisoformat(data[:10]) + shift).isoformat()
        except ValueError:
            return None
    if isinstance(data, str) and key_name not in _CODE_COLUMNS:
        return scrubber.keep(data) if vocabulary.is_vocabulary_text(data) else None
    return data


def _with_ages(original: pl.DataFrame, cleaned: pl.DataFrame, as_of: date) -> pl.DataFrame:
    ages = [age_in_years(born, on=as_of) for born in original["birth_date"].to_list()]
    old = [age >= AGE_AGGREGATED_FROM_YEARS for age in ages]
    return cleaned.with_columns(
        pl.when(pl.Series(old)).then(None).otherwise(pl.col("birth_date")).alias("birth_date"),
        pl.Series(
            "age_years", [None if o else a for a, o in zip(ages, old, strict=True)], pl.Int64()
        ),
        pl.Series("age_90_or_over", old, pl.Boolean()),
    )


def _counts(patients: pl.DataFrame, courses: pl.DataFrame, min_cell: int) -> pl.DataFrame:
    joined = courses.select("patient_id", "id", "kind").join(
        patients.select(pl.col("id").alias("patient_id"), "centre_id"), on="patient_id"
    )
    counts = (
        joined.group_by("centre_id", "kind")
        .agg(pl.col("patient_id").n_unique().alias("n_patients"), pl.len().alias("n_courses"))
        .sort("centre_id", "kind")
        .rename({"kind": "course_kind"})
    )
    small = pl.col("n_patients") < min_cell
    return counts.with_columns(
        pl.when(small)
        .then(None)
        .otherwise(pl.col("n_patients"))
        .cast(pl.Int64)
        .alias("n_patients"),
        pl.when(small).then(None).otherwise(pl.col("n_courses")).cast(pl.Int64).alias("n_courses"),
        small.alias("suppressed"),
    )


def write_deidentified(
    tables: dict[str, pl.DataFrame], out_dir: Path, fmt: str, *, min_cell: int
) -> list[Path]:
    """Write the tables and a README describing the method (never the key)."""
    paths = write_tables(tables, out_dir, fmt)
    readme = out_dir / "README.txt"
    readme.write_text(
        "De-identified research export (lupus-sct).\n"
        "Ids are keyed HMAC-SHA256 pseudonyms; each patient's dates are shifted by the same\n"
        f"number of days (1-{SHIFT_MAX_DAYS}, either way); ages of 90 or more are reported as\n"
        "age_90_or_over only; free text is removed; aggregate cells with fewer than\n"
        f"{min_cell} patients are suppressed. The key is held by the data custodian.\n",
        encoding="utf-8",
    )
    return [*paths, readme]


def _drug_names(frame: pl.DataFrame) -> pl.DataFrame:
    names = [
        DRUGS[code].name if code in DRUGS else kept
        for code, kept in zip(
            frame["rxnorm_code"].to_list(), frame["drug_name"].to_list(), strict=True
        )
    ]
    return frame.with_columns(pl.Series("drug_name", names, pl.Utf8()))
