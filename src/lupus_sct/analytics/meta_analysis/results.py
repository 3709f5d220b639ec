"""Result types of the meta-analysis engine (our own frozen dataclasses, no third-party objects)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lupus_sct.analytics.meta_analysis.effect_sizes import Measure
from lupus_sct.analytics.meta_analysis.heterogeneity import Model


class PredictionInterval(enum.StrEnum):
    """Reference distribution of the prediction interval.

    ``NORMAL`` is metafor's default for z tests, ``T_K_MINUS_1`` its choice with Hartung-Knapp,
    ``T_K_MINUS_2`` the interval of Higgins, Thompson and Spiegelhalter (2009,
    doi:10.1111/j.1467-985X.2008.00552.x).
    """

    NORMAL = "normal"
    T_K_MINUS_1 = "t"
    T_K_MINUS_2 = "t-k2"


@dataclass(frozen=True)
class StudyWeight:
    """One study on the analysis scale; ``weight`` is its share of the total, in percent."""

    yi: float
    vi: float
    weight: float


@dataclass(frozen=True)
class BackTransformed:
    """Pooled estimate, confidence and prediction limits on the natural scale."""

    estimate: float
    ci_lower: float
    ci_upper: float
    pi_lower: float | None
    pi_upper: float | None


@dataclass(frozen=True)
class MetaAnalysisResult:
    """A fitted intercept-only meta-analysis.

    ``z`` is the t statistic (with ``test_df`` degrees of freedom) under Hartung-Knapp.
    ``i2`` is in percent. Prediction limits are ``None`` when the chosen t interval has no
    degrees of freedom (k-2 with fewer than 3 studies).
    """

    measure: Measure
    model: Model
    hartung_knapp: bool
    level: float
    k: int
    estimate: float
    se: float
    z: float
    p: float
    ci_lower: float
    ci_upper: float
    test_df: int | None
    tau2: float
    tau: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    prediction: PredictionInterval
    pi_lower: float | None
    pi_upper: float | None
    back_transformed: BackTransformed | None
    studies: tuple[StudyWeight, ...]


@dataclass(frozen=True)
class SubgroupResult:
    """The meta-analysis of one subgroup."""

    name: str
    indices: tuple[int, ...]
    result: MetaAnalysisResult


@dataclass(frozen=True)
class SubgroupAnalysis:
    """Separate fits per subgroup and the test for subgroup differences."""

    subgroups: tuple[SubgroupResult, ...]
    q_between: float
    q_between_df: int
    q_between_p: float


@dataclass(frozen=True)
class LeaveOneOutResult:
    """The meta-analysis without study ``omitted`` (0-based index)."""

    omitted: int
    result: MetaAnalysisResult
