"""Centre-scoped reads and writes: every patient-level use case for a signed-in user goes here.

A record of a centre the user does not see raises :class:`NotFoundError`, exactly as a record that
does not exist, so the answer never reveals that it exists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.domain.pathway.course import TherapyCourse
from lupus_sct.domain.records.people import Centre, Patient, PatientIdentity
from lupus_sct.services.accounts.sign_in import PermissionDeniedError
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@dataclasses.dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list."""

    items: tuple[T, ...]
    total: int
    offset: int
    limit: int


def paginate(items: Sequence[T], *, offset: int, limit: int) -> Page[T]:
    """The page of ``items`` starting at ``offset`` (both bounds already validated)."""
    limit = min(limit, MAX_PAGE_SIZE)
    return Page(tuple(items[offset : offset + limit]), len(items), offset, limit)


def visible_patient(uow: UnitOfWork, principal: Principal, patient_id: str) -> Patient:
    """The patient, if the user's centres include theirs; else "not found"."""
    patient = uow.patients.get(patient_id)
    if not principal.sees_centre(patient.centre_id):
        raise NotFoundError("patient", patient_id)
    return patient


def visible_course(
    uow: UnitOfWork, principal: Principal, course_id: str
) -> tuple[TherapyCourse, Patient]:
    """The course and its patient, if visible to the user."""
    course = uow.courses.get(course_id)
    try:
        patient = visible_patient(uow, principal, course.patient_id)
    except NotFoundError:
        raise NotFoundError("course", course_id) from None
    return course, patient


def visible_centres(uow: UnitOfWork, principal: Principal) -> list[Centre]:
    """The centres the user sees, by code."""
    centres = uow.centres.find()
    return sorted((c for c in centres if principal.sees_centre(c.id)), key=lambda c: c.code)


def check_centre(uow: UnitOfWork, principal: Principal, centre_id: str) -> Centre:
    """A centre the user may see; else "not found"."""
    centre = uow.centres.get(centre_id)
    if not principal.sees_centre(centre.id):
        raise NotFoundError("centre", centre_id)
    return centre


def list_patients(
    uow: UnitOfWork,
    principal: Principal,
    *,
    centre_id: str | None = None,
    pseudonym_prefix: str = "",
    offset: int = 0,
    limit: int = 50,
) -> Page[Patient]:
    """Patients of the user's centres (or of one of them), by pseudonym."""
    with uow:
        if centre_id is not None:
            check_centre(uow, principal, centre_id)
            found = uow.patients.find(centre_id=centre_id)
        elif principal.sees_every_centre:
            found = uow.patients.find()
        else:
            found = [p for c in principal.centre_ids for p in uow.patients.find(centre_id=c)]
    chosen = sorted(
        (p for p in found if p.pseudonym.startswith(pseudonym_prefix)), key=lambda p: p.pseudonym
    )
    return paginate(chosen, offset=offset, limit=limit)


def read_patient(uow: UnitOfWork, principal: Principal, patient_id: str) -> Patient:
    """One patient, if visible."""
    with uow:
        return visible_patient(uow, principal, patient_id)


def read_identity(uow: UnitOfWork, principal: Principal, patient_id: str) -> PatientIdentity:
    """A patient's direct identifiers, if visible and the user has the identity scope."""
    if not principal.may(Scope.IDENTITY):
        raise PermissionDeniedError("reading identifiers needs the 'identity' scope")
    with uow:
        visible_patient(uow, principal, patient_id)
        return uow.identities.get(patient_id)


def for_patient(
    uow: UnitOfWork,
    principal: Principal,
    patient_id: str,
    action: Callable[[UnitOfWork, Patient], T],
    *,
    commit: bool = False,
) -> T:
    """Run a use case on a visible patient in one transaction (committed if ``commit``)."""
    with uow:
        patient = visible_patient(uow, principal, patient_id)
        result = action(uow, patient)
        if commit:
            uow.commit()
        return result


def for_course(
    uow: UnitOfWork,
    principal: Principal,
    course_id: str,
    action: Callable[[UnitOfWork, TherapyCourse], T],
    *,
    commit: bool = False,
) -> T:
    """Run a use case on a visible course in one transaction (committed if ``commit``)."""
    with uow:
        course, _ = visible_course(uow, principal, course_id)
        result = action(uow, course)
        if commit:
            uow.commit()
        return result


def for_centre(
    uow: UnitOfWork,
    principal: Principal,
    centre_id: str,
    action: Callable[[UnitOfWork, Centre], T],
    *,
    commit: bool = False,
) -> T:
    """Run a use case on a visible centre in one transaction (committed if ``commit``)."""
    with uow:
        centre = check_centre(uow, principal, centre_id)
        result = action(uow, centre)
        if commit:
            uow.commit()
        return result


def check_patient(uow: UnitOfWork, principal: Principal, patient_id: str) -> Patient:
    """Check visibility in a transaction of its own (before a use case that opens its own)."""
    with uow:
        return visible_patient(uow, principal, patient_id)


def check_course(uow: UnitOfWork, principal: Principal, course_id: str) -> TherapyCourse:
    """Check visibility of a course in a transaction of its own."""
    with uow:
        return visible_course(uow, principal, course_id)[0]


def for_patient_record(
    uow: UnitOfWork,
    principal: Principal,
    repository: str,
    record_id: str,
    action: Callable[[UnitOfWork, Any], T],
    *,
    commit: bool = False,
) -> T:
    """Run a use case on a stored record (lab, assessment...) of a visible patient."""
    with uow:
        record = getattr(uow, repository).get(record_id)
        try:
            visible_patient(uow, principal, record.patient_id)
        except NotFoundError:
            raise NotFoundError(repository.rstrip("s"), record_id) from None
        result = action(uow, record)
        if commit:
            uow.commit()
        return result


def for_centres(uow: UnitOfWork, principal: Principal) -> list[Centre]:
    """The centres the user sees, in a transaction of its own."""
    with uow:
        return visible_centres(uow, principal)
