"""Meta-analysis engine: effect sizes, fixed- and random-effects pooling (plots: rendering).

Conventions follow R's metafor (Viechtbauer 2010, doi:10.18637/jss.v036.i03) unless a module's
Notes say otherwise. Results are the frozen dataclasses of :mod:`.results`.
"""

from lupus_sct.analytics.meta_analysis.back_transform import back_transformer
from lupus_sct.analytics.meta_analysis.effect_sizes import (
    REQUIRED_COLUMNS,
    EffectSizes,
    Measure,
    effect_sizes,
)
from lupus_sct.analytics.meta_analysis.exact_ci import ProportionInterval, clopper_pearson
from lupus_sct.analytics.meta_analysis.heterogeneity import EstimationError, Model, estimate_tau2
from lupus_sct.analytics.meta_analysis.pooling import meta_analyse
from lupus_sct.analytics.meta_analysis.results import (
    BackTransformed,
    LeaveOneOutResult,
    MetaAnalysisResult,
    PredictionInterval,
    StudyWeight,
    SubgroupAnalysis,
    SubgroupResult,
)
from lupus_sct.analytics.meta_analysis.sensitivity import leave_one_out, subgroup_analysis

__all__ = [
    "REQUIRED_COLUMNS",
    "BackTransformed",
    "EffectSizes",
    "EstimationError",
    "LeaveOneOutResult",
    "Measure",
    "MetaAnalysisResult",
    "Model",
    "PredictionInterval",
    "ProportionInterval",
    "StudyWeight",
    "SubgroupAnalysis",
    "SubgroupResult",
    "back_transformer",
    "clopper_pearson",
    "effect_sizes",
    "estimate_tau2",
    "leave_one_out",
    "meta_analyse",
    "subgroup_analysis",
]
