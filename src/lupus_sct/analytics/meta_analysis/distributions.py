"""Typed wrappers over the SciPy distribution functions and root finder the engine uses.

Notes
-----
SciPy ships without type information; keeping every call here lets the rest of the package be
checked with ``mypy --strict`` and makes the numerical dependencies visible in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from scipy import optimize, stats  # type: ignore[import-untyped, unused-ignore]


def normal_quantile(probability: float) -> float:
    """Standard normal quantile."""
    return float(stats.norm.ppf(probability))


def normal_upper_tail(value: float) -> float:
    """``P(Z > value)`` for a standard normal ``Z``."""
    return float(stats.norm.sf(value))


def t_quantile(probability: float, df: float) -> float:
    """Student t quantile with ``df`` degrees of freedom."""
    return float(stats.t.ppf(probability, df))


def t_upper_tail(value: float, df: float) -> float:
    """``P(T > value)`` for Student t with ``df`` degrees of freedom."""
    return float(stats.t.sf(value, df))


def chi2_upper_tail(value: float, df: float) -> float:
    """``P(X > value)`` for chi-squared with ``df`` degrees of freedom."""
    return float(stats.chi2.sf(value, df))


def beta_quantile(probability: float, a: float, b: float) -> float:
    """Quantile of the beta distribution with shapes ``a`` and ``b``."""
    return float(stats.beta.ppf(probability, a, b))


def find_root(function: Callable[[float], float], lower: float, upper: float) -> float:
    """Brent's root of ``function`` in ``[lower, upper]`` (signs must differ at the ends)."""
    return float(optimize.brentq(function, lower, upper, xtol=1e-15, rtol=1e-14))
