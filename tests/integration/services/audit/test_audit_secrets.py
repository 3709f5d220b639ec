"""Issue 15 finding 1, service level: secrets never enter the audit trail, and reading the trail
hides identifiers from readers without the identity scope for the record's centre.

Each test runs on the in-memory fake, SQLite and PostgreSQL (the ``backend`` fixture).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import closing

from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.domain.access.sign_in import SecondFactor
from lupus_sct.domain.records.people import Role
from lupus_sct.services.audit import reading as audit_reading
from lupus_sct.services.audit.chain import AuditAction, AuditDraft, audited_add, audited_update
from lupus_sct.services.audit.redaction import IDENTIFIER_HIDDEN, SECRET_HIDDEN
from lupus_sct.services.audit.secrets import SECRET_SET, SECRET_UNCHANGED
from lupus_sct.services.audit.trail import verify_audit_trail
from lupus_sct.services.clinic import patients
from lupus_sct.services.ports import UnitOfWork
from support import ACTOR, NOW, seed_centre, seed_patient

TOTP_SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # RFC 4648 base32 of a made-up seed
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$made-up-hash-for-the-test"
AUDITOR = Principal("u-aud", "auditor", "Auditor", Role.AUDITOR, (), frozenset({Scope.AUDIT}))
ADMIN = Principal(
    "u-adm", "admin", "Admin", Role.ADMIN, (), frozenset({Scope.AUDIT, Scope.IDENTITY})
)


def _raw_text(uow_factory: Callable[[], UnitOfWork]) -> str:
    with uow_factory() as uow, closing(uow.audit.entries()) as entries:
        return "\n".join(repr((e.before, e.after)) for e in entries)


def _add_factor(uow_factory: Callable[[], UnitOfWork]) -> SecondFactor:
    with uow_factory() as uow:
        centre = seed_centre(uow)
        user = patients.create_user(
            uow,
            username="clin",
            display_name="A clinician",
            role=Role.CLINICIAN,
            centre_ids=(centre.id,),
            password_hash=PASSWORD_HASH,
            by=ACTOR,
            now=NOW,
        )
        factor = SecondFactor("sf-1", user.id, TOTP_SEED, False, NOW)
        stored = audited_add(
            uow.second_factors, uow.audit, factor, entity="second_factor", by=ACTOR, now=NOW
        )
        uow.commit()
    return stored


def test_a_totp_seed_and_a_password_hash_never_enter_the_audit_trail(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    factor = _add_factor(uow_factory)
    with uow_factory() as uow:
        confirmed = dataclasses.replace(factor, confirmed=True)
        audited_update(
            uow.second_factors, uow.audit, confirmed, entity="second_factor", by=ACTOR, now=NOW
        )
        uow.commit()
    text = _raw_text(uow_factory)
    assert TOTP_SEED not in text
    assert PASSWORD_HASH not in text
    with uow_factory() as uow, closing(uow.audit.entries()) as entries:
        by_entity = [(e.entity, e.action, e.before, e.after) for e in entries]
    user_after = next(a for n, _, _, a in by_entity if n == "user")
    assert user_after["password_hash"] == SECRET_SET
    created, updated = [(b, a) for n, _, b, a in by_entity if n == "second_factor"]
    assert created[1]["secret_base32"] == SECRET_SET
    assert updated[1]["secret_base32"] == SECRET_UNCHANGED
    assert updated[1]["confirmed"] is True
    assert verify_audit_trail(uow_factory()).intact


def test_an_auditor_reads_no_names_or_hospital_numbers_and_an_admin_reads_them(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        seed_patient(uow)
        uow.commit()
    hidden = audit_reading.audit_page(
        uow_factory(), AUDITOR, offset=0, limit=50, entity="patient_identity"
    )
    (entry,) = hidden.items
    assert entry.after is not None
    assert {entry.after[k] for k in ("family_name", "given_name", "hospital_number")} == {
        IDENTIFIER_HIDDEN
    }
    shown = audit_reading.audit_page(
        uow_factory(), ADMIN, offset=0, limit=50, entity="patient_identity"
    )
    assert shown.items[0].after is not None
    assert shown.items[0].after["hospital_number"] == "H0000001"  # tests/support.py seed_patient


def test_identifiers_are_shown_only_for_the_centres_whose_identities_the_reader_may_see(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        own = seed_patient(uow, seed_centre(uow, "OWN"))
        seed_patient(uow, seed_centre(uow, "OTH"))
        uow.commit()
    reader = Principal(
        "u-x", "x", "X", Role.CLINICIAN, (own.centre_id,), frozenset({Scope.AUDIT, Scope.IDENTITY})
    )
    page = audit_reading.audit_page(
        uow_factory(), reader, offset=0, limit=50, entity="patient_identity"
    )
    shown = {e.entity_id: e.after["hospital_number"] for e in page.items if e.after}
    assert shown[own.id] == "H0000001"
    assert [v for k, v in shown.items() if k != own.id] == [IDENTIFIER_HIDDEN]


def test_a_secret_written_in_the_clear_by_older_code_still_verifies_and_is_read_hidden(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:  # as the code before issue 15 wrote it: the seed in the clear
        uow.audit.append(
            AuditDraft(
                recorded_at="2026-06-01T09:30:00.000000+00:00",
                actor=ACTOR,
                entity="second_factor",
                entity_id="sf-old",
                action=AuditAction.CREATE,
                before=None,
                after={"id": "sf-old", "user_id": "u-1", "secret_base32": TOTP_SEED},
            )
        )
        uow.commit()
    assert TOTP_SEED in _raw_text(uow_factory)  # stored as written: its hash still covers it
    assert verify_audit_trail(uow_factory()).intact
    page = audit_reading.audit_page(uow_factory(), ADMIN, offset=0, limit=50)
    (entry,) = page.items
    assert entry.after is not None
    assert entry.after["secret_base32"] == SECRET_HIDDEN
    assert TOTP_SEED not in repr(page)
