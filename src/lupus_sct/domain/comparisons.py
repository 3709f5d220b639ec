"""Threshold comparisons robust to binary floating point (decision D11).

References
----------
docs/spec/instruments.md §0.3, and decision D11:
``1.8 / 1.2 == 1.5000000000000002`` and ``4.4 - 3.2 == 1.2000000000000002`` would move an
exact-boundary value into the wrong band.

Notes
-----
The platform uses one rule everywhere: two numbers within an absolute tolerance of 1e-9 are
equal. Ratio tests are written as products (``value <= 1.5 * uln``) and then compared with
these functions. The vectorised analytics versions apply the same tolerance.
"""

from __future__ import annotations

TOLERANCE = 1e-9  # decision D11: absolute tolerance for boundary comparisons


def is_close(a: float, b: float) -> bool:
    """``a == b`` within the tolerance."""
    return abs(a - b) <= TOLERANCE


def at_least(value: float, bound: float) -> bool:
    """``value >= bound``, counting values within the tolerance as equal."""
    return value >= bound - TOLERANCE


def at_most(value: float, bound: float) -> bool:
    """``value <= bound``, counting values within the tolerance as equal."""
    return value <= bound + TOLERANCE


def above(value: float, bound: float) -> bool:
    """``value > bound``, where a value within the tolerance of ``bound`` is not above it."""
    return value > bound + TOLERANCE


def below(value: float, bound: float) -> bool:
    """``value < bound``, where a value within the tolerance of ``bound`` is not below it."""
    return value < bound - TOLERANCE
