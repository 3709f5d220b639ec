"""Pseudonyms chosen by a user limited to some centres stay in their centre's own series.

Pseudonyms are unique across the platform (they are the research key of a patient; exports and
the researcher's views address a patient by pseudonym alone). So "a patient with pseudonym X
already exists" would tell a clinician of one centre whether another centre holds X (issue 15,
finding 15: an existence oracle across centres). A user who does not see every centre may only
choose pseudonyms that start with their centre's code and a hyphen (``NWU-0042``): a pseudonym
of another centre's series is refused for its form, whether or not it exists, and within the
series only the centre's own patients can collide. Generated pseudonyms already have this form;
imports by trusted staff and administrators are not limited.
"""

from __future__ import annotations

from datetime import date, datetime

from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.people import Centre, Patient, Sex
from lupus_sct.services.accounts.sign_in import PermissionDeniedError
from lupus_sct.services.clinic import patients
from lupus_sct.services.ports import UnitOfWork


def check_pseudonym_series(principal: Principal, centre: Centre, pseudonym: str | None) -> None:
    """Refuse a chosen pseudonym outside ``centre``'s series, unless the user sees every centre."""
    series = f"{centre.code}-"
    if pseudonym is None or principal.sees_every_centre or pseudonym.startswith(series):
        return
    raise InvalidValueError(
        "patient.pseudonym",
        pseudonym,
        f"a pseudonym of this centre's series, starting with '{series}' (or none: one is made)",
    )


def enrol_patient_as(
    uow: UnitOfWork,
    principal: Principal,
    centre: Centre,
    *,
    sex: Sex,
    birth_date: date,
    identity: patients.IdentityDetails | None,
    pseudonym: str | None,
    now: datetime,
) -> Patient:
    """Enrol a patient at ``centre`` for ``principal``, the pseudonym in the centre's series.

    Identifiers sent without the identity scope are refused, never dropped: the API answers 403
    and the page says why, so no entry point stores a patient without the names it was sent.
    """
    if identity is not None and not principal.may(Scope.IDENTITY):
        raise PermissionDeniedError("recording identifiers needs the 'identity' scope")
    check_pseudonym_series(principal, centre, pseudonym)
    return patients.enrol_patient(
        uow,
        centre_id=centre.id,
        sex=sex,
        birth_date=birth_date,
        identity=identity,
        pseudonym=pseudonym,
        by=principal.actor,
        now=now,
    )
