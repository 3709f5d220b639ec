"""Use case: score a batch of records with one instrument (docs/spec/instruments.md §12.1)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from lupus_sct.domain.errors import DomainError
from lupus_sct.services.scoring import Instrument
from lupus_sct.services.scoring.flat_fields import BOOLEAN, FIELD_TYPES, NUMBER
from lupus_sct.services.scoring.registry import INSTRUMENTS


class UnusableInputError(Exception):
    """The whole input cannot be scored (exit status 2; nothing is written)."""


@dataclasses.dataclass(frozen=True, slots=True)
class BatchResult:
    """Output records in input order, and how many carry an ``error``."""

    records: list[Any]
    errors: int


def instrument(instrument_id: str) -> Instrument:
    """Look up an instrument by its exact, case-sensitive id."""
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise UnusableInputError(f"unknown instrument {instrument_id!r}; known: {known}") from None


def score_records(instrument_id: str, records: Iterable[Any]) -> BatchResult:
    """Score each record independently; an invalid record gets an ``error`` field instead."""
    scorer = instrument(instrument_id)
    output: list[Any] = []
    errors = 0
    for record in records:
        scored = _score_one(scorer, record)
        errors += "error" in scored
        output.append(scored)
    return BatchResult(output, errors)


def _score_one(scorer: Instrument, record: Any) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        return {"error": f"the record is not a JSON object but {type(record).__name__}"}
    try:
        result = scorer.score(record)
    except DomainError as exc:
        return {**record, "error": str(exc)}
    return {**record, **result}


def require_flat(instrument_id: str, file_kind: str) -> None:
    """Refuse a CSV or Parquet file for an instrument whose records are nested."""
    if not instrument(instrument_id).flat:
        raise UnusableInputError(
            f"{instrument_id} has nested fields: give a .json file, not {file_kind}"
        )


def typed_csv_record(instrument_id: str, row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row with empty cells dropped and the instrument's fields converted to their types."""
    types = FIELD_TYPES.get(instrument_id, {})
    record: dict[str, Any] = {}
    for name, text in row.items():
        if text == "":
            continue
        kind = types.get(name)
        record[name] = _convert(text, kind)
    return record


def _convert(text: str, kind: str | None) -> Any:
    if kind == BOOLEAN and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind == NUMBER:
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return text
    return text
