"""Survival analysis for programme outcomes: Kaplan-Meier, competing risks, log-rank, Gray, Cox.

Every estimator takes one-dimensional arrays (times from a common origin, event flags or cause
codes, group labels) and returns a frozen dataclass of our own. Curves hold read-only NumPy
columns, one row per distinct observed time, so a million-row cohort is never copied into Python
objects; the CLI turns them into JSON or CSV.

References
----------
Therneau TM, Grambsch PM. Modeling Survival Data: Extending the Cox Model. Springer; 2000.
doi:10.1007/978-1-4757-3294-8
Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. 2nd ed. Wiley; 2002.
doi:10.1002/9781118032985

Notes
-----
The reference tests (``tests/reference/test_survival_*.py``) compare every method with R
``survival`` 3.5 and ``cmprsk`` 2.2 output on ``aml``, ``lung``, ``ovarian`` and the Klein &
Moeschberger bone-marrow-transplant data; the property tests compare Kaplan-Meier and
Aalen-Johansen with lifelines on random data. Each module's Notes say where we differ from R.
"""

from lupus_sct.analytics.survival.aalen_johansen import (
    CauseIncidence,
    CifVariance,
    CumulativeIncidence,
    cumulative_incidence,
)
from lupus_sct.analytics.survival.confidence import CiScale
from lupus_sct.analytics.survival.cox_ph import (
    ChiSquareTest,
    CoxCoefficient,
    CoxModel,
    Ties,
    cox_ph,
)
from lupus_sct.analytics.survival.gray_1988 import GrayTest, gray_test
from lupus_sct.analytics.survival.kaplan_meier import (
    KaplanMeierEstimate,
    SurvivalAtTimes,
    SurvivalQuantile,
    kaplan_meier,
)
from lupus_sct.analytics.survival.logrank import LogRankGroup, LogRankTest, logrank_test
from lupus_sct.analytics.survival.risk_sets import numbers_at_risk

__all__ = [
    "CauseIncidence",
    "ChiSquareTest",
    "CiScale",
    "CifVariance",
    "CoxCoefficient",
    "CoxModel",
    "CumulativeIncidence",
    "GrayTest",
    "KaplanMeierEstimate",
    "LogRankGroup",
    "LogRankTest",
    "SurvivalAtTimes",
    "SurvivalQuantile",
    "Ties",
    "cox_ph",
    "cumulative_incidence",
    "gray_test",
    "kaplan_meier",
    "logrank_test",
    "numbers_at_risk",
]
