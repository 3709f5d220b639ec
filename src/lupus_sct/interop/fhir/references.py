"""Resolve the references inside a Bundle to the ``Type/id`` form the mapping modules read.

References
----------
FHIR R4 References (hl7.org/fhir/R4/references.html#literal): a literal reference is relative
(``Patient/123``), absolute (``https://example.org/fhir/Patient/123``) or, inside a Bundle, the
``fullUrl`` of an entry, which in a transaction is often a ``urn:uuid:`` (Bundle,
hl7.org/fhir/R4/bundle.html#references: "resolving references in Bundles").

Notes
-----
Every entry with a resource type and an id is indexed under its ``fullUrl``; references equal to
one of those URLs (``urn:uuid:``, ``urn:oid:`` or absolute) are rewritten to ``Type/id`` before
the resources are validated, so every mapping module reads one form through
:func:`~lupus_sct.interop.fhir.systems.referenced_id`, which also reads relative and absolute
``Type/id`` references that no entry names. A resource without an id whose ``fullUrl`` is a
``urn:uuid:`` takes the UUID as its id (Synthea writes both the same). A reference that no entry
resolves is left as it is, and the mapping module that needs it refuses the resource naming the
reference.
"""

from __future__ import annotations

from typing import Any

_UUID_PREFIX = "urn:uuid:"


def entry_id(entry: Any) -> str | None:
    """The id of an entry's resource, or the UUID of its ``urn:uuid:`` fullUrl when it has none."""
    resource = entry.get("resource") if isinstance(entry, dict) else None
    if not isinstance(resource, dict):
        return None
    if isinstance(resource.get("id"), str) and resource["id"]:
        return str(resource["id"])
    full_url = entry.get("fullUrl")
    if isinstance(full_url, str) and full_url.startswith(_UUID_PREFIX):
        return full_url.removeprefix(_UUID_PREFIX) or None
    return None


def bundle_targets(entries: list[Any]) -> dict[str, str]:
    """``fullUrl`` -> ``Type/id`` for every entry whose fullUrl is not already its ``Type/id``."""
    targets: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("fullUrl"), str):
            continue
        resource = entry.get("resource")
        resource_id = entry_id(entry)
        if not isinstance(resource, dict) or resource_id is None:
            continue
        relative = f"{resource.get('resourceType')}/{resource_id}"
        full_url = str(entry["fullUrl"])
        if full_url != relative and not full_url.endswith(f"/{relative}"):
            targets[full_url] = relative
    return targets


def resolved(resource: dict[str, Any], targets: dict[str, str]) -> dict[str, Any]:
    """``resource`` with every ``reference`` named in ``targets`` rewritten (a copy if any is)."""
    if not targets:
        return resource
    result = _resolve(resource, targets)
    return result if isinstance(result, dict) else resource


def _resolve(value: Any, targets: dict[str, str]) -> Any:
    if isinstance(value, dict):
        changed = {}
        for key, item in value.items():
            if key == "reference" and isinstance(item, str) and item in targets:
                changed[key] = targets[item]
            elif isinstance(item, dict | list):
                new = _resolve(item, targets)
                if new is not item:
                    changed[key] = new
        return {**value, **changed} if changed else value
    if isinstance(value, list):
        items = [_resolve(item, targets) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value
