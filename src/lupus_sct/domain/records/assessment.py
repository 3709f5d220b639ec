"""A clinical assessment: disease activity and damage items as the clinician entered them.

Notes
-----
Every clinical field is tri-state (:mod:`lupus_sct.domain.missing`): a field the clinician did not
assess is ``Missing.NOT_EVALUATED``, never 0. Scores are not stored; they are derived from these
items by the instruments (issue #3), so a corrected item corrects every derived score.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SLEDAI_WINDOWS_DAYS, SledaiDescriptor
from lupus_sct.domain.instruments.lupus.slicc_acr_di import COUNT_ITEMS, SdiItem
from lupus_sct.domain.missing import Missing, check_observed_range, is_recorded

PGA_MIN, PGA_MAX = 0.0, 3.0  # SELENA-SLEDAI physician global assessment, 0-3 VAS (Petri 2005)
JOINTS_28 = 28  # DAS28 joint set (Prevoo 1995)
JOINTS_68, JOINTS_66 = 68, 66  # ACR core set tender/swollen counts (Felson 1995)
VAS_MM_MAX = 100.0  # patient global health, 0-100 mm (Prevoo 1995)
VAS_CM_MAX = 10.0  # CDAI/SDAI globals, 0-10 cm (Aletaha 2005)
HAQ_DI_MAX = 3.0  # HAQ-DI 0-3 (Fries 1980)
NOT_EVALUATED = Missing.NOT_EVALUATED


@dataclasses.dataclass(frozen=True, slots=True)
class DamageItem:
    """One SDI item with the date it was first present (decision D4 carries it forward)."""

    item: SdiItem
    onset_date: date
    episodes: int = 1

    def __post_init__(self) -> None:
        if self.episodes < 1:
            raise InvalidValueError("sdi_item.episodes", self.episodes, "a whole number >= 1")
        if self.episodes > 1 and self.item not in COUNT_ITEMS:
            raise InvalidValueError(
                f"sdi_item[{self.item.value}].episodes",
                self.episodes,
                "1 (only CVA, MI, tissue loss, GI resection, AVN and malignancy are counted)",
            )


@dataclasses.dataclass(frozen=True, slots=True)
class RaJointAssessment:
    """Rheumatoid arthritis core-set measures; each may be not evaluated."""

    tjc28: int | Missing = NOT_EVALUATED
    sjc28: int | Missing = NOT_EVALUATED
    tjc68: int | Missing = NOT_EVALUATED
    sjc66: int | Missing = NOT_EVALUATED
    patient_global_mm: float | Missing = NOT_EVALUATED
    evaluator_global_cm: float | Missing = NOT_EVALUATED
    haq_di: float | Missing = NOT_EVALUATED

    def __post_init__(self) -> None:
        for name, high in (
            ("tjc28", JOINTS_28),
            ("sjc28", JOINTS_28),
            ("tjc68", JOINTS_68),
            ("sjc66", JOINTS_66),
            ("patient_global_mm", VAS_MM_MAX),
            ("evaluator_global_cm", VAS_CM_MAX),
            ("haq_di", HAQ_DI_MAX),
        ):
            check_observed_range(f"assessment.ra.{name}", getattr(self, name), 0, high)


@dataclasses.dataclass(frozen=True, slots=True)
class Assessment:
    """A visit's disease assessment as entered.

    ``sledai_descriptors`` are the descriptors present in the window and attributable to SLE;
    ``sledai_not_attributed`` lists descriptors the clinician excluded (infection, drugs...).
    ``hemolytic_anemia`` and ``gi_activity`` (not SLEDAI items), ``maintenance_therapy_tolerated``
    and ``investigational_drug`` feed LLDAS (Franklyn 2016, criteria 1 and 5);
    ``hospitalised_for_sle`` feeds the SELENA flare index (Petri 1999, severe flare).
    """

    id: str
    patient_id: str
    visit_date: date
    sledai_window_days: int = 30
    sledai_descriptors: tuple[SledaiDescriptor, ...] | Missing = NOT_EVALUATED
    sledai_not_attributed: tuple[SledaiDescriptor, ...] = ()
    pga: float | Missing = NOT_EVALUATED
    bilag: dict[BilagDomain, BilagGrade] | Missing = NOT_EVALUATED
    damage_items: tuple[DamageItem, ...] = ()
    hemolytic_anemia: bool | Missing = NOT_EVALUATED
    gi_activity: bool | Missing = NOT_EVALUATED
    maintenance_therapy_tolerated: bool | Missing = NOT_EVALUATED
    investigational_drug: bool | Missing = NOT_EVALUATED
    hospitalised_for_sle: bool | Missing = NOT_EVALUATED
    ra: RaJointAssessment = dataclasses.field(default_factory=RaJointAssessment)
    version: int = 0

    def __post_init__(self) -> None:
        if self.sledai_window_days not in SLEDAI_WINDOWS_DAYS:
            raise InvalidValueError(
                "assessment.sledai_window_days", self.sledai_window_days, "10 or 30 (decision D1)"
            )
        check_observed_range("assessment.pga", self.pga, PGA_MIN, PGA_MAX)
        if is_recorded(self.sledai_descriptors):
            both = set(self.sledai_descriptors) & set(self.sledai_not_attributed)
            if both:
                name = sorted(d.value for d in both)[0]
                raise InvalidValueError(
                    "assessment.sledai_not_attributed",
                    name,
                    "descriptors not also listed as present and attributable to SLE",
                )
        seen: set[SdiItem] = set()
        for item in self.damage_items:
            if item.item in seen:
                raise InvalidValueError(
                    "assessment.damage_items", item.item.value, "each SDI item at most once"
                )
            seen.add(item.item)
            if item.onset_date > self.visit_date:
                raise InvalidValueError(
                    f"assessment.damage_items[{item.item.value}].onset_date",
                    item.onset_date.isoformat(),
                    f"a date on or before the visit ({self.visit_date.isoformat()})",
                )
