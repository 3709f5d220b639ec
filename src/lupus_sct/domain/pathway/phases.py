"""Phases of a therapy course (the pathway engine's states).

References
----------
docs/spec/pathway.md §4, §5, §8 and §9: §4 autologous HSCT (referral, evaluation, mobilisation,
collection, conditioning, infusion, aplasia, engraftment, discharge, follow-up); §5 allogeneic;
§8 MSC (no conditioning, one or more infusions); §9 CAR-T (apheresis, manufacturing,
lymphodepletion, infusion, CRS/ICANS monitoring). A course may end early: not eligible,
withdrawn or died.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date


class CoursePhase(enum.Enum):
    """Every phase any course kind can be in; which apply depends on the course kind."""

    REFERRAL = "referral"
    EVALUATION = "evaluation"
    ELIGIBLE = "eligible"
    CONSENTED = "consented"
    MOBILISATION = "mobilisation"
    COLLECTION = "collection"
    APHERESIS = "apheresis"
    MANUFACTURING = "manufacturing"
    CONDITIONING = "conditioning"
    LYMPHODEPLETION = "lymphodepletion"
    INFUSION = "infusion"
    APLASIA = "aplasia"
    CRS_ICANS_MONITORING = "crs_icans_monitoring"
    ENGRAFTED = "engrafted"
    DISCHARGED = "discharged"
    FOLLOW_UP = "follow_up"
    NOT_ELIGIBLE = "not_eligible"
    WITHDRAWN = "withdrawn"
    DIED = "died"


@dataclasses.dataclass(frozen=True, slots=True)
class PhaseChange:
    """A course entering a phase on a date, with the reason given."""

    id: str
    course_id: str
    phase: CoursePhase
    entered_on: date
    reason: str = ""
    version: int = 0
