"""Long-term outcome events and follow-up timepoints.

References
----------
docs/spec/pathway.md §6 (follow-up timepoints: day +30, +100, 6 months, yearly) and
docs/spec/pathway.md §7 (overall survival, relapse or flare, progression, secondary autoimmune
disease, new malignancy).
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date

from lupus_sct.domain.errors import InvalidValueError


class OutcomeKind(enum.Enum):
    """What happened to the patient."""

    DEATH = "death"
    RELAPSE_OR_FLARE = "relapse_or_flare"
    PROGRESSION = "progression"
    SECONDARY_AUTOIMMUNE_DISEASE = "secondary_autoimmune_disease"
    NEW_MALIGNANCY = "new_malignancy"
    LOST_TO_FOLLOW_UP = "lost_to_follow_up"


@dataclasses.dataclass(frozen=True, slots=True)
class OutcomeEvent:
    """A dated outcome; a death carries its cause ("unknown" is a valid cause)."""

    id: str
    patient_id: str
    course_id: str | None
    kind: OutcomeKind
    event_date: date
    detail: str = ""
    version: int = 0

    def __post_init__(self) -> None:
        if self.kind is OutcomeKind.DEATH and not self.detail.strip():
            raise InvalidValueError(
                "outcome.detail", self.detail, "the cause of death (or 'unknown')"
            )


@dataclasses.dataclass(frozen=True, slots=True)
class FollowUpTimepoint:
    """A planned follow-up visit relative to day 0, with its window (days, inclusive)."""

    id: str
    course_id: str
    label: str
    target_day: int
    window_before_days: int
    window_after_days: int
    completed_on: date | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if self.target_day < 1:
            raise InvalidValueError("follow_up.target_day", self.target_day, "a day after day 0")
        if self.window_before_days < 0 or self.window_after_days < 0:
            raise InvalidValueError(
                "follow_up.window", (self.window_before_days, self.window_after_days), "days >= 0"
            )
