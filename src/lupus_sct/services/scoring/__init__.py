"""Batch scoring (``lupus-sct score``): one adapter module per instrument id.

The instrument ids are those of docs/spec/instruments.md §12.

Each adapter module defines ``INSTRUMENT``, an :class:`Instrument`, whose ``score`` takes one input
record (a dict parsed from JSON, CSV or Parquet) and returns the result fields, or raises
:class:`lupus_sct.domain.errors.DomainError` (usually ``InvalidValueError``) whose message is the
one-line clinical ``error`` written into the output record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

Record = Mapping[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class Instrument:
    """An instrument the batch interface can score."""

    id: str
    version: str
    citation: str
    flat: bool
    score: Callable[[Record], dict[str, Any]]
