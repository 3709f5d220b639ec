"""A hospital number names one patient within a centre (issue #15, finding 14).

Notes
-----
Hospital numbers (medical record numbers) are issued by a hospital, so the same number at two
centres may be two people, and it is allowed; within one centre it is one person. Enrolment,
adding an identity and correcting one refuse a number another patient of the centre holds, so no
path (form, API, table or FHIR import) can make a second patient of the same person. The message
never repeats the number: it is a direct identifier (HIPAA 164.514(b)(2)(i)(H)).
"""

from __future__ import annotations

from lupus_sct.services.errors import DuplicateError, ServiceError
from lupus_sct.services.ports import UnitOfWork


class HospitalNumberTakenError(DuplicateError):
    """Another patient of the centre holds the hospital number."""

    def __init__(self) -> None:
        ServiceError.__init__(
            self,
            "another patient of this centre already holds this hospital number; "
            "correct that patient's record rather than adding a second patient",
        )


def check_hospital_number_free(
    uow: UnitOfWork, *, centre_id: str, hospital_number: str, patient_id: str | None
) -> None:
    """Refuse the number if a patient of ``centre_id`` other than ``patient_id`` holds it."""
    holders = {i.patient_id for i in uow.identities.find(hospital_number=hospital_number)} - {
        patient_id
    }
    if any(uow.patients.get(holder).centre_id == centre_id for holder in sorted(holders)):
        raise HospitalNumberTakenError()
