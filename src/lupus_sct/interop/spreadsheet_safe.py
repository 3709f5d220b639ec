"""CSV cells that a spreadsheet would run as a formula are written as text.

OWASP "CSV Injection": a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is taken as a formula by Excel, LibreOffice and Google Sheets when the file is opened (issue 15,
finding 15: a value typed into an imported file came back live in the import report). Such a
cell is prefixed with a single quote, which the spreadsheet shows as text and does not print.
Only text cells change. A cell that is a plain number (``-3``, ``+4.5e2``, a negative lab value)
is left as it is: the spreadsheet reads it as that number, and nothing runs.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV Injection, the characters listed
TEXT_MARKER = "'"  # OWASP CSV Injection: prefix the cell with a single quote
_TRIGGER_PATTERN = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def neutralise_cell(value: Any) -> Any:
    """``value``, or the text with a leading quote if a spreadsheet would run it as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not re.fullmatch(_PLAIN_NUMBER, value)
    ):
        return TEXT_MARKER + value
    return value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell passed through :func:`neutralise_cell`."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(
            pl.col(name).str.contains(_TRIGGER_PATTERN) & ~pl.col(name).str.contains(_PLAIN_NUMBER)
        )
        .then(pl.lit(TEXT_MARKER) + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in texts
    )
