"""Study effect sizes and sampling variances from raw data, following metafor's ``escalc``.

References
----------
Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat Softw
2010;36(3):1-48. doi:10.18637/jss.v036.i03 (``escalc``, measures RR, OR, RD, PLO, PFT, MD, SMD,
SMCR, GEN; ``vtype="LS"``).
Hedges LV. Distribution theory for Glass's estimator of effect size and related estimators.
J Educ Stat 1981;6(2):107-128. doi:10.3102/10769986006002107 (exact bias correction ``c(m)``).
Becker BJ. Synthesizing standardized mean-change measures. Br J Math Stat Psychol
1988;41(2):257-278. doi:10.1111/j.2044-8317.1988.tb00901.x (SMCR).
Freeman MF, Tukey JW. Transformations related to the angular and the square root. Ann Math Stat
1950;21(4):607-611. doi:10.1214/aoms/1177729756 (PFT).

Notes
-----
- metafor's defaults ``add=1/2, to="only0", drop00=FALSE``: for RR, OR and RD, 1/2 is added to all
  four cells of a study with any zero cell (also for RD, as metafor does); for PLO, 1/2 is added
  to events and non-events when either is zero. PFT adds nothing (metafor sets ``add=0`` for PFT).
- Variances are metafor's large-sample ``vtype="LS"``: MD uses ``sd1^2/n1 + sd2^2/n2``
  (heteroscedastic); SMD uses ``1/n1 + 1/n2 + g^2/(2(n1+n2))``; SMCR uses
  ``2(1-r)/n + g^2/(2n)``.
- ``c(m) = exp(lgamma(m/2) - log(sqrt(m/2)) - lgamma((m-1)/2))`` is the exact correction
  (metafor's ``.cmicalc``), not the ``1 - 3/(4m - 1)`` approximation.
- Valid input: counts are whole numbers >= 0 with events not above the group size; standard
  deviations > 0; sample sizes large enough for ``c(m)`` (``m > 1``); correlations in [-1, 1];
  variances > 0. Anything else raises :class:`InvalidValueError` naming the row and column.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from lupus_sct.domain.errors import InvalidValueError

CONTINUITY_CORRECTION = 0.5  # metafor escalc default add=1/2, to="only0"


class Measure(enum.StrEnum):
    """Effect-size measures, named as in metafor."""

    RR = "RR"
    OR = "OR"
    RD = "RD"
    PLO = "PLO"
    PFT = "PFT"
    MD = "MD"
    SMD = "SMD"
    SMCR = "SMCR"
    GEN = "GEN"


REQUIRED_COLUMNS: Mapping[Measure, tuple[str, ...]] = {  # metafor's argument names
    Measure.RR: ("ai", "bi", "ci", "di"),
    Measure.OR: ("ai", "bi", "ci", "di"),
    Measure.RD: ("ai", "bi", "ci", "di"),
    Measure.PLO: ("xi", "ni"),
    Measure.PFT: ("xi", "ni"),
    Measure.MD: ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    Measure.SMD: ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    Measure.SMCR: ("m1i", "m2i", "sd1i", "ni", "ri"),
    Measure.GEN: ("yi", "vi"),
}


@dataclass(frozen=True)
class EffectSizes:
    """Observed effects ``yi`` with sampling variances ``vi``; ``ni`` are total sample sizes
    where the measure has them (needed to back-transform PFT)."""

    measure: Measure
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    ni: tuple[float, ...] | None = None

    @property
    def k(self) -> int:
        """Number of studies."""
        return len(self.yi)

    def without(self, index: int) -> EffectSizes:
        """The same effects with study ``index`` left out."""
        keep = [i for i in range(self.k) if i != index]
        return self.subset(keep)

    def subset(self, indices: Sequence[int]) -> EffectSizes:
        """The studies at ``indices``, in that order."""
        ni = tuple(self.ni[i] for i in indices) if self.ni is not None else None
        return EffectSizes(
            self.measure, tuple(self.yi[i] for i in indices), tuple(self.vi[i] for i in indices), ni
        )


Columns = Mapping[str, Sequence[float]]


def effect_sizes(measure: Measure, columns: Columns) -> EffectSizes:
    """Compute effects for ``measure`` from metafor-named columns (see :data:`REQUIRED_COLUMNS`).

    Raises
    ------
    InvalidValueError
        If a required column is missing, columns differ in length, there are no rows, or a value
        is outside its valid range (see module Notes).
    """
    names = REQUIRED_COLUMNS[measure]
    missing = [name for name in names if name not in columns]
    if missing:
        raise InvalidValueError("columns", ", ".join(missing), f"columns {', '.join(names)}")
    lengths = {len(columns[name]) for name in names}
    if len(lengths) != 1 or 0 in lengths:
        raise InvalidValueError("rows", sorted(lengths), "at least one row, all columns equal")
    compute = _CALCULATORS[measure]
    rows = [compute(_Row(columns, i)) for i in range(lengths.pop())]
    yi = tuple(row[0] for row in rows)
    vi = tuple(row[1] for row in rows)
    sizes = tuple(row[2] for row in rows if row[2] is not None)
    return EffectSizes(measure, yi, vi, sizes if len(sizes) == len(rows) else None)


class _Row:
    """One row's values with range checks that name the row (1-based) and the column."""

    def __init__(self, columns: Columns, index: int) -> None:
        self._columns = columns
        self._index = index

    def _value(self, name: str) -> float:
        value = float(self._columns[name][self._index])
        if not math.isfinite(value):
            self.refuse(name, value, "a finite number")
        return value

    def refuse(self, name: str, value: float, accepted: str) -> NoReturn:
        raise InvalidValueError(f"row {self._index + 1}.{name}", value, accepted)

    def count(self, name: str) -> float:
        value = self._value(name)
        if value < 0 or value != math.floor(value):
            self.refuse(name, value, "a whole number >= 0")
        return value

    def positive(self, name: str) -> float:
        value = self._value(name)
        if value <= 0:
            self.refuse(name, value, "a number > 0")
        return value

    def size(self, name: str, minimum: float) -> float:
        value = self.count(name)
        if value < minimum:
            self.refuse(name, value, f"a whole number >= {minimum:g}")
        return value

    def correlation(self, name: str) -> float:
        value = self._value(name)
        if not -1.0 <= value <= 1.0:
            self.refuse(name, value, "a correlation in -1 to 1")
        return value

    def number(self, name: str) -> float:
        return self._value(name)


_Effect = tuple[float, float, float | None]


def hedges_correction(df: float) -> float:
    """Exact small-sample correction ``c(m)`` of Hedges (1981), metafor's ``.cmicalc``."""
    return math.exp(math.lgamma(df / 2) - math.log(math.sqrt(df / 2)) - math.lgamma((df - 1) / 2))


def _two_by_two(row: _Row) -> tuple[float, float, float, float]:
    cells = [row.count(name) for name in ("ai", "bi", "ci", "di")]
    if cells[0] + cells[1] == 0:
        row.refuse("bi", 0, "ai + bi > 0 (the first group has no patients)")
    if cells[2] + cells[3] == 0:
        row.refuse("di", 0, "ci + di > 0 (the second group has no patients)")
    if min(cells) == 0:
        cells = [cell + CONTINUITY_CORRECTION for cell in cells]
    ai, bi, ci, di = cells
    return ai, bi, ci, di


def _risk_ratio(row: _Row) -> _Effect:
    ai, bi, ci, di = _two_by_two(row)
    n1, n2 = ai + bi, ci + di
    return math.log((ai / n1) / (ci / n2)), 1 / ai - 1 / n1 + 1 / ci - 1 / n2, None


def _odds_ratio(row: _Row) -> _Effect:
    ai, bi, ci, di = _two_by_two(row)
    return math.log(ai * di / (bi * ci)), 1 / ai + 1 / bi + 1 / ci + 1 / di, None


def _risk_difference(row: _Row) -> _Effect:
    ai, bi, ci, di = _two_by_two(row)
    n1, n2 = ai + bi, ci + di
    p1, p2 = ai / n1, ci / n2
    return p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2, None


def _events_and_size(row: _Row) -> tuple[float, float]:
    xi, ni = row.count("xi"), row.size("ni", 1)
    if xi > ni:
        row.refuse("xi", xi, f"at most ni ({ni:g})")
    return xi, ni


def _logit_proportion(row: _Row) -> _Effect:
    xi, ni = _events_and_size(row)
    events, non_events = xi, ni - xi
    if events == 0 or non_events == 0:
        events, non_events = events + CONTINUITY_CORRECTION, non_events + CONTINUITY_CORRECTION
    return math.log(events / non_events), 1 / events + 1 / non_events, ni


def _double_arcsine_proportion(row: _Row) -> _Effect:
    xi, ni = _events_and_size(row)
    yi = 0.5 * (math.asin(math.sqrt(xi / (ni + 1))) + math.asin(math.sqrt((xi + 1) / (ni + 1))))
    return yi, 1 / (4 * ni + 2), ni


def _two_groups(row: _Row) -> tuple[float, float, float, float, float, float]:
    n1, n2 = row.size("n1i", 1), row.size("n2i", 1)
    if n1 + n2 < 4:
        row.refuse("n2i", n2, "n1i + n2i >= 4 (needed for the small-sample correction)")
    return (
        row.number("m1i"),
        row.positive("sd1i"),
        n1,
        row.number("m2i"),
        row.positive("sd2i"),
        n2,
    )


def _mean_difference(row: _Row) -> _Effect:
    m1, sd1, n1, m2, sd2, n2 = _two_groups(row)
    return m1 - m2, sd1**2 / n1 + sd2**2 / n2, n1 + n2


def _standardised_mean_difference(row: _Row) -> _Effect:
    m1, sd1, n1, m2, sd2, n2 = _two_groups(row)
    df = n1 + n2 - 2
    pooled_sd = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / df)
    g = hedges_correction(df) * (m1 - m2) / pooled_sd
    return g, 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2)), n1 + n2


def _standardised_mean_change(row: _Row) -> _Effect:
    ni = row.size("ni", 3)
    ri = row.correlation("ri")
    g = hedges_correction(ni - 1) * (row.number("m1i") - row.number("m2i")) / row.positive("sd1i")
    return g, 2 * (1 - ri) / ni + g**2 / (2 * ni), ni


def _generic(row: _Row) -> _Effect:
    return row.number("yi"), row.positive("vi"), None


_CALCULATORS: Mapping[Measure, Callable[[_Row], _Effect]] = {
    Measure.RR: _risk_ratio,
    Measure.OR: _odds_ratio,
    Measure.RD: _risk_difference,
    Measure.PLO: _logit_proportion,
    Measure.PFT: _double_arcsine_proportion,
    Measure.MD: _mean_difference,
    Measure.SMD: _standardised_mean_difference,
    Measure.SMCR: _standardised_mean_change,
    Measure.GEN: _generic,
}
