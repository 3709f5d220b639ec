"""Issue 15 finding 1 over HTTP: ``GET /api/v1/audit`` handed out TOTP seeds, argon2 password
hashes and patients' names and hospital numbers to an auditor without the identity scope.

Each test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from clinic_app_support import IDENTIFIERS, NOW, SEED_ACTOR, Clinic
from lupus_sct.domain.access.sign_in import SecondFactor
from lupus_sct.domain.records.people import Role
from lupus_sct.services.audit.chain import AuditAction, AuditDraft, audited_add
from lupus_sct.services.audit.trail import verify_audit_trail

TOTP_SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # RFC 4648 base32 of a made-up seed


@pytest.fixture
def clinic(clinic_on_each_database: Clinic) -> Clinic:
    return clinic_on_each_database


def _enrol_totp(clinic: Clinic) -> None:
    with clinic.platform.uow() as uow:
        (admin,) = uow.users.find(username=clinic.usernames[Role.ADMIN])
        factor = SecondFactor("sf-admin", admin.id, TOTP_SEED, False, NOW)
        audited_add(
            uow.second_factors, uow.audit, factor, entity="second_factor", by=SEED_ACTOR, now=NOW
        )
        uow.commit()


def _audit(clinic: Clinic, role: Role, entity: str) -> str:
    response = clinic.client(role).get("/api/v1/audit", params={"entity": entity, "limit": 200})
    assert response.status_code == 200
    assert response.json()["items"]
    return response.text


def test_an_auditor_reads_no_totp_seed_in_the_audit_log(clinic: Clinic) -> None:
    _enrol_totp(clinic)
    text = _audit(clinic, Role.AUDITOR, "second_factor")
    assert TOTP_SEED not in text
    assert "[secret: set]" in text


def test_an_auditor_reads_no_password_hash_in_the_audit_log(clinic: Clinic) -> None:
    text = _audit(clinic, Role.AUDITOR, "user")
    assert "$argon2" not in text
    assert "[secret: set]" in text


def test_an_auditor_without_the_identity_scope_reads_no_patient_identifiers(
    clinic: Clinic,
) -> None:
    auditor = clinic.client(Role.AUDITOR)
    assert auditor.get(f"/api/v1/patients/{clinic.patient_a}/identity").status_code == 403
    text = _audit(clinic, Role.AUDITOR, "patient_identity")
    assert [name for name in IDENTIFIERS if name in text] == []
    assert "[identifier: hidden]" in text


def test_an_administrator_reads_identifiers_of_every_centre_in_the_audit_log(
    clinic: Clinic,
) -> None:
    text = _audit(clinic, Role.ADMIN, "patient_identity")
    assert [name for name in IDENTIFIERS if name not in text] == []


def test_a_seed_written_in_the_clear_by_older_code_verifies_and_is_served_hidden(
    clinic: Clinic,
) -> None:
    with clinic.platform.uow() as uow:  # straight through the store, as the old code wrote it
        uow.audit.append(
            AuditDraft(
                recorded_at="2026-06-01T09:30:00.000000+00:00",
                actor=SEED_ACTOR,
                entity="second_factor",
                entity_id="sf-old",
                action=AuditAction.CREATE,
                before=None,
                after={"id": "sf-old", "user_id": "u-1", "secret_base32": TOTP_SEED},
            )
        )
        uow.commit()
    assert verify_audit_trail(clinic.platform.uow()).intact
    text = _audit(clinic, Role.ADMIN, "second_factor")
    assert TOTP_SEED not in text
    assert "[secret: hidden]" in text
