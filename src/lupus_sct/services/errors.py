"""Errors raised by use cases (as opposed to clinical rules, in domain.errors)."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class of use-case errors shown to users as one line."""


class NotFoundError(ServiceError):
    """A referenced record does not exist (or is outside the caller's scope)."""

    def __init__(self, entity: str, entity_id: str) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(f"no {entity} with id {entity_id!r}")


class StaleWriteError(ServiceError):
    """The record changed since it was read: the write is refused, not merged."""

    def __init__(self, entity: str, entity_id: str, expected_version: int) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.expected_version = expected_version
        super().__init__(
            f"{entity} {entity_id!r} was changed by someone else since version {expected_version} "
            "was read; reload it and apply the change again"
        )


class DuplicateError(ServiceError):
    """A record with the same natural key already exists."""

    def __init__(self, entity: str, field: str, value: str) -> None:
        super().__init__(f"a {entity} with {field} {value!r} already exists")
