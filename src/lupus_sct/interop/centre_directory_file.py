"""The shipped (illustrative) centre directory and synthetic postcode table; see
``directory_data/README.md``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from lupus_sct.domain.errors import DomainError, InvalidValueError
from lupus_sct.domain.evidence.centre_directory import (
    Accreditation,
    DirectoryCentre,
    MscSource,
    PublishedOutcome,
    Specialty,
)
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.trials.clinical_trials import GeoPoint

DATA_FOLDER = "directory_data"
DIRECTORY_FILE = "centre_directory.json"
POSTCODE_FILE = "synthetic_postcodes.csv"
ILLUSTRATIVE_KEY = "_illustrative_note"  # marks a directory file as illustrative


class DirectoryFileError(DomainError):
    """A directory or postcode file that cannot be used; the message names where and why."""


def _shipped_text(name: str) -> str:
    return (resources.files("lupus_sct.interop") / DATA_FOLDER / name).read_text(encoding="utf-8")


def _enums(kind: Any, values: Any, where: str) -> tuple[Any, ...]:
    try:
        return tuple(kind(v) for v in values)
    except (ValueError, TypeError):
        accepted = ", ".join(str(m.value) for m in kind)
        raise DirectoryFileError(
            f"{where}: {values!r} is not accepted; expected {accepted}"
        ) from None


def _centre(entry: Mapping[str, Any], where: str, illustrative: bool) -> DirectoryCentre:
    point = entry.get("geo_point")
    try:
        return DirectoryCentre(
            code=str(entry["code"]),
            name=str(entry["name"]),
            city=str(entry.get("city", "")),
            country=str(entry.get("country", "")),
            geo_point=GeoPoint(float(point["lat"]), float(point["lon"])) if point else None,
            specialties=_enums(Specialty, entry.get("specialties", []), f"{where}.specialties"),
            accreditations=_enums(
                Accreditation, entry.get("accreditations", []), f"{where}.accreditations"
            ),
            therapies=_enums(CourseKind, entry.get("therapies", []), f"{where}.therapies"),
            msc_sources=_enums(MscSource, entry.get("msc_sources", []), f"{where}.msc_sources"),
            car_t_targets=tuple(str(t) for t in entry.get("car_t_targets", [])),
            published_outcomes=tuple(
                PublishedOutcome(
                    _enums(CourseKind, [o["therapy"]], f"{where}.published_outcomes")[0],
                    str(o["summary"]),
                    str(o["citation"]),
                )
                for o in entry.get("published_outcomes", [])
            ),
            uses_platform=bool(entry.get("uses_platform", False)),
            illustrative=illustrative,
        )
    except KeyError as exc:
        raise DirectoryFileError(f"{where}: the field {exc.args[0]!r} is required") from None
    except InvalidValueError as exc:
        raise DirectoryFileError(f"{where}: {exc}") from exc


def read_centre_directory(path: Path | None = None) -> list[DirectoryCentre]:
    """The centres in ``path``, or in the shipped illustrative directory."""
    source = str(path) if path else f"shipped {DIRECTORY_FILE}"
    try:
        text = path.read_text(encoding="utf-8") if path else _shipped_text(DIRECTORY_FILE)
        document = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DirectoryFileError(f"{source}: cannot be read: {exc}") from exc
    centres = document.get("centres") if isinstance(document, Mapping) else None
    if not isinstance(centres, list):
        raise DirectoryFileError(f"{source}: expected an object with a list 'centres'")
    illustrative = ILLUSTRATIVE_KEY in document
    return [
        _centre(entry, f"{source}: centres[{i}]", illustrative) for i, entry in enumerate(centres)
    ]


def normalise_postcode(postcode: str) -> str:
    """Upper case with single spaces, so "zz1  1aa" finds "ZZ1 1AA"."""
    return " ".join(postcode.upper().split())


def read_postcodes(path: Path | None = None) -> dict[str, GeoPoint]:
    """Postcode -> point from ``path`` or from the shipped synthetic table."""
    text = path.read_text(encoding="utf-8") if path else _shipped_text(POSTCODE_FILE)
    table = {}
    for row in csv.DictReader(io.StringIO(text)):
        table[normalise_postcode(row["postcode"])] = GeoPoint(
            float(row["latitude"]), float(row["longitude"])
        )
    return table


def locate_postcode(postcode: str, table: Mapping[str, GeoPoint] | None = None) -> GeoPoint:
    """The point of a postcode in the table.

    Raises
    ------
    InvalidValueError
        When the postcode is not in the table (the message lists the known ones).
    """
    table = read_postcodes() if table is None else table
    point = table.get(normalise_postcode(postcode))
    if point is None:
        raise InvalidValueError("postcode", postcode, "one of " + ", ".join(sorted(table)))
    return point
