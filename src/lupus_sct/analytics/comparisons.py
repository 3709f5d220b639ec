"""Tolerant threshold comparisons as Polars expressions (decision D11).

References
----------
docs/spec/instruments.md §0.3, and decision D11.

Notes
-----
Each function builds exactly the floating-point operations of its scalar twin in
:mod:`lupus_sct.domain.comparisons` (``value >= bound - TOLERANCE`` and so on), in the same order,
so the vectorised and scalar comparisons agree bit for bit, including for values such as
``1.8 / 1.2 == 1.5000000000000002``. A null operand gives a null result.
"""

from __future__ import annotations

import polars as pl

from lupus_sct.domain.comparisons import TOLERANCE

ExprOrNumber = pl.Expr | float


def at_least(value: pl.Expr, bound: ExprOrNumber) -> pl.Expr:
    """``value >= bound``, counting values within the tolerance as equal."""
    return value >= bound - TOLERANCE


def at_most(value: pl.Expr, bound: ExprOrNumber) -> pl.Expr:
    """``value <= bound``, counting values within the tolerance as equal."""
    return value <= bound + TOLERANCE


def above(value: pl.Expr, bound: ExprOrNumber) -> pl.Expr:
    """``value > bound``, where a value within the tolerance of ``bound`` is not above it."""
    return value > bound + TOLERANCE


def below(value: pl.Expr, bound: ExprOrNumber) -> pl.Expr:
    """``value < bound``, where a value within the tolerance of ``bound`` is not below it."""
    return value < bound - TOLERANCE
