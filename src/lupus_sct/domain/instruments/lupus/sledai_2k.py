"""SLEDAI-2K: descriptor vocabulary, weights, measurement thresholds and scoring.

References
----------
Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000.
J Rheumatol 2002;29:288-91 (PMID 11838846). Bombardier C, Gladman DD, Urowitz MB, et al.
Derivation of the SLEDAI. Arthritis Rheum 1992;35:630-40. Touma Z, Urowitz MB, Gladman DD.
SLEDAI-2K for a 30-day window. Lupus 2010;19:49-51.

Notes
-----
Descriptor ids and weights follow docs/spec/instruments.md §1 (24 descriptors,
range 0-105). The window is stored with each assessment (decision D1): 30 days by default,
10 days allowed. Arthritis needs at least 2 joints (decision D1). The clinical SLEDAI is the
SLEDAI-2K without ``low_complement`` and ``increased_dna_binding`` (decision D2, range 0-101).

Descriptors are binary: a descriptor listed twice, or both listed and derived from a measurement,
counts once (docs/spec/instruments.md §1, pitfall 2). Attribution to SLE is a clinician input
(docs/spec/instruments.md §0.5): listed descriptors always count, and ``not_attributed_to_sle``
removes a descriptor that a measurement would otherwise add. A descriptor both listed and excluded
is a contradiction and raises :class:`InvalidValueError`. An absent measurement (``None``) is "not
measured" and adds nothing; it is never read as zero (docs/spec/instruments.md §0.4).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError


class SledaiDescriptor(enum.Enum):
    """The 24 SLEDAI-2K descriptors, in the order of the published form."""

    SEIZURE = "seizure"
    PSYCHOSIS = "psychosis"
    ORGANIC_BRAIN_SYNDROME = "organic_brain_syndrome"
    VISUAL_DISTURBANCE = "visual_disturbance"
    CRANIAL_NERVE_DISORDER = "cranial_nerve_disorder"
    LUPUS_HEADACHE = "lupus_headache"
    CVA = "cva"
    VASCULITIS = "vasculitis"
    ARTHRITIS = "arthritis"
    MYOSITIS = "myositis"
    URINARY_CASTS = "urinary_casts"
    HEMATURIA = "hematuria"
    PROTEINURIA = "proteinuria"
    PYURIA = "pyuria"
    RASH = "rash"
    ALOPECIA = "alopecia"
    MUCOSAL_ULCERS = "mucosal_ulcers"
    PLEURISY = "pleurisy"
    PERICARDITIS = "pericarditis"
    LOW_COMPLEMENT = "low_complement"
    INCREASED_DNA_BINDING = "increased_dna_binding"
    FEVER = "fever"
    THROMBOCYTOPENIA = "thrombocytopenia"
    LEUKOPENIA = "leukopenia"


SLEDAI_WINDOWS_DAYS = (10, 30)  # Gladman 2002 (10 days); Touma 2010 (30 days); decision D1
DEFAULT_SLEDAI_WINDOW_DAYS = 30  # Touma 2010; decision D1

SLEDAI_2K_MAX_SCORE = 105  # Gladman 2002: sum of all 24 weights
CLINICAL_SLEDAI_MAX_SCORE = 101  # docs/spec/instruments.md §1: 105 minus the two serology weights

NEUROLOGICAL_AND_VASCULITIS_WEIGHT = 8  # Gladman 2002, SLEDAI-2K form: seizure to vasculitis
MUSCULOSKELETAL_AND_RENAL_WEIGHT = 4  # Gladman 2002, SLEDAI-2K form: arthritis to pyuria
MUCOCUTANEOUS_SEROSAL_AND_SEROLOGY_WEIGHT = 2  # Gladman 2002, SLEDAI-2K form: rash to anti-dsDNA
CONSTITUTIONAL_AND_HAEMATOLOGICAL_WEIGHT = 1  # Gladman 2002, SLEDAI-2K form: fever to leukopenia

_D = SledaiDescriptor
_WEIGHT_GROUPS: tuple[tuple[int, tuple[SledaiDescriptor, ...]], ...] = (
    (
        NEUROLOGICAL_AND_VASCULITIS_WEIGHT,
        (
            _D.SEIZURE,
            _D.PSYCHOSIS,
            _D.ORGANIC_BRAIN_SYNDROME,
            _D.VISUAL_DISTURBANCE,
            _D.CRANIAL_NERVE_DISORDER,
            _D.LUPUS_HEADACHE,
            _D.CVA,
            _D.VASCULITIS,
        ),
    ),
    (
        MUSCULOSKELETAL_AND_RENAL_WEIGHT,
        (_D.ARTHRITIS, _D.MYOSITIS, _D.URINARY_CASTS, _D.HEMATURIA, _D.PROTEINURIA, _D.PYURIA),
    ),
    (
        MUCOCUTANEOUS_SEROSAL_AND_SEROLOGY_WEIGHT,
        (
            _D.RASH,
            _D.ALOPECIA,
            _D.MUCOSAL_ULCERS,
            _D.PLEURISY,
            _D.PERICARDITIS,
            _D.LOW_COMPLEMENT,
            _D.INCREASED_DNA_BINDING,
        ),
    ),
    (
        CONSTITUTIONAL_AND_HAEMATOLOGICAL_WEIGHT,
        (_D.FEVER, _D.THROMBOCYTOPENIA, _D.LEUKOPENIA),
    ),
)

SLEDAI_2K_WEIGHTS: Mapping[SledaiDescriptor, int] = MappingProxyType(
    {descriptor: weight for weight, group in _WEIGHT_GROUPS for descriptor in group}
)
"""Weight of each descriptor (Gladman 2002; docs/spec/instruments.md §1 table)."""

SEROLOGICAL_DESCRIPTORS = frozenset({_D.LOW_COMPLEMENT, _D.INCREASED_DNA_BINDING})  # decision D2

# Measurement thresholds: docs/spec/instruments.md §1 and the glossary; strict except arthritis.
LEUKOPENIA_WBC_BELOW_X10E9_PER_L = 3.0  # Gladman 2002 glossary: leukopenia <3 x10^9/L (strict)
THROMBOCYTOPENIA_PLATELETS_BELOW_X10E9_PER_L = 100.0  # Gladman 2002 glossary: <100 x10^9/L
FEVER_TEMP_ABOVE_C = 38.0  # Gladman 2002 glossary: fever >38 °C (strict)
PROTEINURIA_ABOVE_G_PER_24H = 0.5  # Gladman 2002 glossary: proteinuria >0.5 g/24 h (strict)
HEMATURIA_RBC_ABOVE_PER_HPF = 5.0  # Gladman 2002 glossary: haematuria >5 RBC/hpf (strict)
PYURIA_WBC_ABOVE_PER_HPF = 5.0  # Gladman 2002 glossary: pyuria >5 WBC/hpf (strict)
ARTHRITIS_MIN_JOINTS = 2  # Gladman 2002 glossary: >=2 joints (inclusive); decision D1


class _Direction(enum.Enum):
    BELOW = "below"
    ABOVE = "above"
    AT_LEAST = "at_least"


@dataclasses.dataclass(frozen=True, slots=True)
class DescriptorThreshold:
    """A measurement that can derive a descriptor, its threshold and its validated range."""

    descriptor: SledaiDescriptor
    field: str
    direction: _Direction
    bound: float
    low: float
    high: float
    unit: str

    def is_met_by(self, value: float) -> bool:
        """Whether ``value`` meets the threshold (strict, except ``at_least`` for arthritis)."""
        if self.direction is _Direction.BELOW:
            return value < self.bound
        if self.direction is _Direction.ABOVE:
            return value > self.bound
        return value >= self.bound


_X10E9 = "x10^9/L"
DESCRIPTOR_THRESHOLDS: Mapping[SledaiDescriptor, DescriptorThreshold] = MappingProxyType(
    {
        t.descriptor: t
        for t in (
            # Validated ranges: docs/spec/instruments.md §12.3, sledai-2k shape total.
            DescriptorThreshold(
                _D.LEUKOPENIA,
                "wbc_x10e9_per_L",
                _Direction.BELOW,
                LEUKOPENIA_WBC_BELOW_X10E9_PER_L,
                0,
                200,
                _X10E9,
            ),
            DescriptorThreshold(
                _D.THROMBOCYTOPENIA,
                "platelets_x10e9_per_L",
                _Direction.BELOW,
                THROMBOCYTOPENIA_PLATELETS_BELOW_X10E9_PER_L,
                0,
                2000,
                _X10E9,
            ),
            DescriptorThreshold(
                _D.FEVER, "temp_c", _Direction.ABOVE, FEVER_TEMP_ABOVE_C, 30, 45, "°C"
            ),
            DescriptorThreshold(
                _D.PROTEINURIA,
                "protein_g_per_24h",
                _Direction.ABOVE,
                PROTEINURIA_ABOVE_G_PER_24H,
                0,
                50,
                "g/24 h",
            ),
            DescriptorThreshold(
                _D.HEMATURIA,
                "rbc_per_hpf",
                _Direction.ABOVE,
                HEMATURIA_RBC_ABOVE_PER_HPF,
                0,
                1000,
                "RBC/hpf",
            ),
            DescriptorThreshold(
                _D.PYURIA,
                "wbc_per_hpf",
                _Direction.ABOVE,
                PYURIA_WBC_ABOVE_PER_HPF,
                0,
                1000,
                "WBC/hpf",
            ),
            DescriptorThreshold(
                _D.ARTHRITIS,
                "arthritis_joint_count",
                _Direction.AT_LEAST,
                ARTHRITIS_MIN_JOINTS,
                0,
                68,
                "joints",
            ),
        )
    }
)
"""The seven descriptors a measurement can derive, by descriptor (docs/spec/instruments.md §1)."""


def _check_measurement(threshold: DescriptorThreshold, value: float) -> None:
    if isinstance(value, bool) or not threshold.low <= value <= threshold.high:
        raise OutOfValidatedRangeError(
            threshold.field, value, threshold.low, threshold.high, threshold.unit
        )


def meets_descriptor_threshold(descriptor: SledaiDescriptor, value: float) -> bool:
    """Whether one measurement meets the threshold of its SLEDAI-2K descriptor.

    Parameters
    ----------
    descriptor
        One of the seven derivable descriptors: leukopenia, thrombocytopenia, fever,
        proteinuria, hematuria, pyuria, arthritis.
    value
        The matching measurement, in the unit of :data:`DESCRIPTOR_THRESHOLDS`.

    Returns
    -------
    bool
        ``True`` when the threshold is met. Attribution to SLE must still be confirmed clinically.

    Raises
    ------
    InvalidValueError
        If the descriptor cannot be derived from a measurement.
    OutOfValidatedRangeError
        If the value is outside the validated range of its field (docs/spec/instruments.md §12.3).

    References
    ----------
    Gladman DD et al. J Rheumatol 2002;29:288-91, glossary.

    Notes
    -----
    All thresholds are strict except arthritis (>=2 joints, decision D1): a value exactly at the
    limit does not meet fever, proteinuria, haematuria, pyuria, leukopenia or thrombocytopenia.
    The comparisons are plain, not tolerant: each is one measurement against a published limit,
    not a ratio or difference (docs/spec/instruments.md §0.3).
    """
    threshold = DESCRIPTOR_THRESHOLDS.get(descriptor)
    if threshold is None:
        raise InvalidValueError(
            "descriptor",
            descriptor.value,
            "one of " + ", ".join(d.value for d in DESCRIPTOR_THRESHOLDS),
        )
    _check_measurement(threshold, value)
    return threshold.is_met_by(value)


@dataclasses.dataclass(frozen=True, slots=True)
class SledaiMeasurements:
    """Raw measurements in the window; ``None`` means not measured (never zero)."""

    wbc_x10e9_per_l: float | None = None
    platelets_x10e9_per_l: float | None = None
    temp_c: float | None = None
    protein_g_per_24h: float | None = None
    rbc_per_hpf: float | None = None
    wbc_per_hpf: float | None = None
    arthritis_joint_count: int | None = None

    def by_descriptor(self) -> dict[SledaiDescriptor, float | None]:
        """Each derivable descriptor with its measurement (or ``None``)."""
        return {
            _D.LEUKOPENIA: self.wbc_x10e9_per_l,
            _D.THROMBOCYTOPENIA: self.platelets_x10e9_per_l,
            _D.FEVER: self.temp_c,
            _D.PROTEINURIA: self.protein_g_per_24h,
            _D.HEMATURIA: self.rbc_per_hpf,
            _D.PYURIA: self.wbc_per_hpf,
            _D.ARTHRITIS: self.arthritis_joint_count,
        }

    def __post_init__(self) -> None:
        for descriptor, value in self.by_descriptor().items():
            if value is not None:
                _check_measurement(DESCRIPTOR_THRESHOLDS[descriptor], value)


@dataclasses.dataclass(frozen=True, slots=True)
class SledaiAssessment:
    """One SLEDAI-2K assessment as entered.

    ``descriptors`` are the descriptors the clinician records as present in the window and
    attributable to SLE; ``not_attributed_to_sle`` are those excluded (infection, drugs, stones).
    """

    descriptors: frozenset[SledaiDescriptor]
    measurements: SledaiMeasurements = SledaiMeasurements()
    not_attributed_to_sle: frozenset[SledaiDescriptor] = frozenset()
    window_days: int = DEFAULT_SLEDAI_WINDOW_DAYS

    def __post_init__(self) -> None:
        if self.window_days not in SLEDAI_WINDOWS_DAYS:
            raise InvalidValueError("window_days", self.window_days, "10 or 30 (decision D1)")
        both = self.descriptors & self.not_attributed_to_sle
        if both:
            first = in_vocabulary_order(both)[0]
            raise InvalidValueError(
                "not_attributed_to_sle",
                first.value,
                "a descriptor not also listed as present and attributable to SLE in descriptors",
            )


@dataclasses.dataclass(frozen=True, slots=True)
class SledaiResult:
    """SLEDAI-2K score, clinical SLEDAI and the descriptors counted, in vocabulary order."""

    score: int
    clinical_score: int
    descriptors: tuple[SledaiDescriptor, ...]
    window_days: int


def check_sledai_points(field: str, value: int) -> None:
    """Refuse a SLEDAI score that is not a whole number in 0-105 (Gladman 2002)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError(field, value, "a whole number of points")
    if not 0 <= value <= SLEDAI_2K_MAX_SCORE:
        raise OutOfValidatedRangeError(field, value, 0, SLEDAI_2K_MAX_SCORE, "points")


def in_vocabulary_order(descriptors: Iterable[SledaiDescriptor]) -> tuple[SledaiDescriptor, ...]:
    """The distinct descriptors in the order of the 24-id vocabulary."""
    present = set(descriptors)
    return tuple(d for d in SledaiDescriptor if d in present)


def sledai_2k_score(descriptors: Iterable[SledaiDescriptor]) -> int:
    """Sum of the weights of the distinct descriptors (0-105; Gladman 2002)."""
    return sum(SLEDAI_2K_WEIGHTS[d] for d in set(descriptors))


def clinical_sledai_score(descriptors: Iterable[SledaiDescriptor]) -> int:
    """SLEDAI-2K without low complement and anti-dsDNA (0-101; decision D2)."""
    return sledai_2k_score(set(descriptors) - SEROLOGICAL_DESCRIPTORS)


def derived_descriptors(measurements: SledaiMeasurements) -> frozenset[SledaiDescriptor]:
    """Descriptors whose measurement meets its threshold (attribution not yet applied)."""
    return frozenset(
        descriptor
        for descriptor, value in measurements.by_descriptor().items()
        if value is not None and DESCRIPTOR_THRESHOLDS[descriptor].is_met_by(value)
    )


def score_sledai_2k(assessment: SledaiAssessment) -> SledaiResult:
    """Score one SLEDAI-2K assessment.

    Parameters
    ----------
    assessment
        Listed descriptors, raw measurements, clinician exclusions and the window.

    Returns
    -------
    SledaiResult
        ``score`` (0-105), ``clinical_score`` (0-101, decision D2), the counted descriptors
        (listed plus derived, minus excluded, without duplicates, in vocabulary order) and the
        window in days.

    References
    ----------
    Gladman DD et al. J Rheumatol 2002;29:288-91. Touma Z et al. Lupus 2010;19:49-51.

    Notes
    -----
    Decision D1 (arthritis >=2 joints; window 10 or 30 days, default 30) and decision D2 (clinical
    SLEDAI). Listed descriptors always count, even when a measurement in the same record does not
    meet the threshold, because the window can contain other days (docs/spec/instruments.md §12.3).
    A derived descriptor listed in ``not_attributed_to_sle`` is not counted. Validation (window,
    ranges, contradiction) happens when the input dataclasses are built.
    """
    derived = derived_descriptors(assessment.measurements) - assessment.not_attributed_to_sle
    counted = in_vocabulary_order(assessment.descriptors | derived)
    return SledaiResult(
        score=sledai_2k_score(counted),
        clinical_score=clinical_sledai_score(counted),
        descriptors=counted,
        window_days=assessment.window_days,
    )
