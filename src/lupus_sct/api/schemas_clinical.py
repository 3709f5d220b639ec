"""Request and response bodies for assessments, SLEDAI-2K scoring, labs, drugs and adverse events.

``null`` in a tri-state field means "not evaluated"; it is never read as zero or as false.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.records.adverse_events import Attribution
from lupus_sct.domain.records.medications import DrugClass, Frequency, Route

# A JSON number and nothing else: strict, so `true` or "3" is refused rather than read as 1 or 3.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class AssessmentIn(BaseModel):
    """A visit's disease assessment; omitted or null items were not evaluated."""

    model_config = ConfigDict(extra="forbid")
    visit_date: date
    sledai_window_days: int = Field(default=30, examples=[30])
    sledai_descriptors: list[SledaiDescriptor] | None = Field(default=None, max_length=24)
    sledai_not_attributed: list[SledaiDescriptor] = Field(default_factory=list, max_length=24)
    pga: Number | None = Field(default=None, examples=[0.5])
    hemolytic_anemia: bool | None = None
    gi_activity: bool | None = None
    maintenance_therapy_tolerated: bool | None = None
    investigational_drug: bool | None = None
    hospitalised_for_sle: bool | None = None


class SledaiOut(BaseModel):
    """SLEDAI-2K of a visit (Gladman 2002), with the descriptors that counted."""

    score: int
    clinical_score: int
    descriptors: list[str]
    window_days: int


class AssessmentOut(BaseModel):
    """A stored assessment with its SLEDAI-2K (null when the descriptors were not evaluated)."""

    id: str
    patient_id: str
    visit_date: date
    sledai_window_days: int
    sledai_descriptors: list[SledaiDescriptor] | None
    sledai_not_attributed: list[SledaiDescriptor]
    pga: float | None
    sledai_2k: SledaiOut | None
    version: int


class SledaiScoreIn(BaseModel):
    """Descriptors ticked so far and any measurements, for live scoring."""

    model_config = ConfigDict(extra="forbid")
    descriptors: list[SledaiDescriptor] = Field(default_factory=list, max_length=24)
    not_attributed_to_sle: list[SledaiDescriptor] = Field(default_factory=list, max_length=24)
    window_days: int = 30


class LabIn(BaseModel):
    """A laboratory result, LOINC-coded, in a UCUM unit the test accepts."""

    model_config = ConfigDict(extra="forbid")
    loinc_code: str = Field(min_length=3, max_length=10, examples=["2160-0"])
    value: Number
    unit: str = Field(min_length=1, max_length=20, examples=["mg/dL"])
    collected_at: AwareDatetime
    reference_low: Number | None = None
    reference_high: Number | None = None


class LabCorrection(LabIn):
    """A corrected result and the reason; the version read goes in If-Match."""

    reason: str = Field(min_length=1, max_length=500)


class LabOut(BaseModel):
    """A stored laboratory result."""

    id: str
    patient_id: str
    loinc_code: str
    value: float
    unit: str
    collected_at: datetime
    reference_low: float | None
    reference_high: float | None
    version: int


class MedicationIn(BaseModel):
    """A period on one drug at one dose."""

    model_config = ConfigDict(extra="forbid")
    drug_name: str = Field(min_length=1, max_length=200)
    rxnorm_code: str = Field(min_length=1, max_length=20)
    drug_class: DrugClass
    dose: Number
    dose_unit: str = Field(min_length=1, max_length=20, examples=["mg"])
    route: Route
    frequency: Frequency
    start_date: date
    stop_date: date | None = None


class MedicationOut(MedicationIn):
    """A stored medication exposure."""

    model_config = ConfigDict(extra="ignore")
    id: str
    patient_id: str
    version: int


class AdverseEventIn(BaseModel):
    """A CTCAE v5.0 graded adverse event."""

    model_config = ConfigDict(extra="forbid")
    course_id: str | None = Field(default=None, max_length=64)
    ctcae_term: str = Field(min_length=1, max_length=200)
    grade: int
    onset_date: date
    serious: bool
    attribution: Attribution
    resolution_date: date | None = None


class AdverseEventOut(AdverseEventIn):
    """A stored adverse event."""

    model_config = ConfigDict(extra="ignore")
    id: str
    patient_id: str
    ctcae_version: str
    version: int
