"""Domain records to response bodies (tri-state ``Missing`` becomes ``null``)."""

from __future__ import annotations

from typing import Any

from fastapi import Header, HTTPException, Response

from lupus_sct.api import schemas_clinical as sc
from lupus_sct.api import schemas_courses as sk
from lupus_sct.api import schemas_people as sp
from lupus_sct.domain.eligibility.evaluation import EligibilityReport
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiResult
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.records.people import Patient, PatientIdentity
from lupus_sct.services.record_codec import to_record
from lupus_sct.services.views.clinic import CourseView, ScoredAssessment


def _plain(value: Any) -> Any:
    return None if isinstance(value, Missing) else value


def etag(version: int) -> str:
    """The entity tag of a record version (a strong validator)."""
    return f'"{version}"'


def tagged(response: Response, version: int) -> None:
    """Set the ETag header of a single-record answer."""
    response.headers["ETag"] = etag(version)


MAX_VERSION = 2**31 - 1  # record versions are SQL INTEGER (PostgreSQL docs, 8.1.1 Integer Types)


def if_match_version(if_match: str | None = Header(default=None)) -> int:
    """The version named by If-Match; a change without one is refused (RFC 6585, 428)."""
    if if_match is None:
        raise HTTPException(428, "send If-Match with the ETag of the version you read")
    text = if_match.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit()):
        raise HTTPException(428, 'If-Match must be an ETag this API returned, e.g. "3"')
    if len(text) > len(str(MAX_VERSION)) or int(text) > MAX_VERSION:
        raise InvalidValueError(
            "If-Match", text, f'an ETag this API returned, "0" to "{MAX_VERSION}"'
        )
    return int(text)


def patient_out(patient: Patient) -> sp.PatientOut:
    return sp.PatientOut.model_validate(patient, from_attributes=True)


def identity_out(identity: PatientIdentity) -> sp.IdentityOut:
    return sp.IdentityOut.model_validate(identity, from_attributes=True)


def sledai_out(result: SledaiResult | None) -> sc.SledaiOut | None:
    if result is None:
        return None
    return sc.SledaiOut(
        score=result.score,
        clinical_score=result.clinical_score,
        descriptors=[d.value for d in result.descriptors],
        window_days=result.window_days,
    )


def assessment_out(scored: ScoredAssessment) -> sc.AssessmentOut:
    a = scored.assessment
    descriptors = _plain(a.sledai_descriptors)
    return sc.AssessmentOut(
        id=a.id,
        patient_id=a.patient_id,
        visit_date=a.visit_date,
        sledai_window_days=a.sledai_window_days,
        sledai_descriptors=list(descriptors) if descriptors is not None else None,
        sledai_not_attributed=list(a.sledai_not_attributed),
        pga=_plain(a.pga),
        sledai_2k=sledai_out(scored.sledai),
        version=a.version,
    )


def course_out(view: CourseView) -> sk.CourseOut:
    c = view.course
    return sk.CourseOut(
        id=c.id,
        patient_id=c.patient_id,
        kind=c.kind,
        protocol_id=c.protocol_id,
        status=c.status,
        phase=c.phase,
        start_date=c.start_date,
        day0=c.day0,
        end_reason=c.end_reason,
        version=c.version,
        events=[
            sk.EventOut(
                id=d.event.id,
                course_id=d.event.course_id,
                kind=d.event.kind,
                event_date=d.event.event_date,
                day=d.day,
                details=to_record(d.event.details),
                version=d.event.version,
            )
            for d in view.events
        ],
    )


def eligibility_out(report: EligibilityReport) -> sk.EligibilityOut:
    return sk.EligibilityOut(
        protocol_id=report.protocol_id,
        protocol_version=report.protocol_version,
        patient_id=report.patient_id,
        as_of=report.as_of,
        overall=report.overall.value,
        criteria=[
            sk.CriterionOut(
                id=r.criterion.id,
                kind=r.criterion.kind.value,
                text=r.criterion.text,
                verdict=r.verdict.value,
                passes=r.passes,
                reason=r.reason,
                citation=r.criterion.citation,
            )
            for r in report.results
        ],
    )


def attributes(model: type[Any], item: Any) -> Any:
    """A response body read from a record's attributes."""
    return model.model_validate(item, from_attributes=True)
