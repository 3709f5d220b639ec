"""The audited entities: the name an audit entry gives each, and the repository that stores it.

The record class of each entity is derived from the :class:`~lupus_sct.services.ports.UnitOfWork`
port, and its secret and identifier fields from the marks on that class
(:mod:`lupus_sct.domain.sensitivity`).
"""

from __future__ import annotations

import typing
from functools import cache

from lupus_sct.domain.sensitivity import Sensitivity, sensitive_fields
from lupus_sct.services.ports import UnitOfWork

# Audit entity name -> UnitOfWork repository. Login attempts and idempotency records are not
# audited (they are not records of care or of access rights) and are left out.
AUDITED_REPOSITORIES: dict[str, str] = {
    "centre": "centres",
    "user": "users",
    "patient": "patients",
    "patient_identity": "identities",
    "diagnosis": "diagnoses",
    "assessment": "assessments",
    "lab_result": "labs",
    "medication": "medications",
    "course": "courses",
    "course_event": "course_events",
    "adverse_event": "adverse_events",
    "infection": "infections",
    "gvhd_episode": "gvhd_episodes",
    "outcome": "outcomes",
    "follow_up": "follow_ups",
    "workup_finding": "workup_findings",
    "transfusion": "transfusions",
    "phase_change": "phase_changes",
    "clinical_trial": "trials",
    "session": "sessions",
    "api_token": "api_tokens",
    "second_factor": "second_factors",
    "evidence_row": "evidence_rows",
}


@cache
def record_class(repository: str) -> type:
    """The dataclass a UnitOfWork repository stores (from the port's annotation)."""
    hint = typing.get_type_hints(UnitOfWork)[repository]
    cls: type = typing.get_args(hint)[0]
    return cls


@cache
def names_marked(sensitivity: Sensitivity) -> frozenset[str]:
    """Every field name marked ``sensitivity`` on any audited record class.

    Matching by name across all classes also covers an entry of an entity not (yet) listed above.
    """
    return frozenset(
        name
        for repository in AUDITED_REPOSITORIES.values()
        for name, marked in sensitive_fields(record_class(repository)).items()
        if marked is sensitivity
    )
