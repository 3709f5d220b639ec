"""Bulk FHIR export as NDJSON, one file per resource type, and reading such files back.

References
----------
HL7 FHIR Bulk Data Access IG v2.0.0 (hl7.org/fhir/uv/bulkdata/export.html): the output is
newline-delimited JSON (``application/fhir+ndjson``), one resource per line, each file holding
resources of one type; the complete-status body lists ``transactionTime``, ``request``,
``requiresAccessToken`` and ``output`` (``type``, ``url``, ``count`` per file), with ``error``
for OperationOutcome files.

Notes
-----
The resources are those of the per-patient export (:func:`.export.patient_resources`, the one
mapping), written as compact JSON with ``ensure_ascii=False`` in UTF-8. The IG does not fix file
names; ours are ``{type}.ndjson`` in the output folder, with the manifest beside them in
``manifest.json`` (``url`` relative to it: the files are not served here). Lines are in patient
order and, within a patient, by id. Resources are not validated one by one while writing (the
mapping is tested to validate: tests/unit/interop/fhir/test_fhir_bulk_export.py), which keeps the
export in pace with the database reads.
"""

from __future__ import annotations

import collections
import contextlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from lupus_sct.interop.fhir import systems as s
from lupus_sct.interop.fhir.export import RESOURCE_ORDER, patient_resources
from lupus_sct.services.exports.stored_records import PatientRecords

NDJSON_CONTENT_TYPE = "application/fhir+ndjson"
MANIFEST_NAME = "manifest.json"


def write_bulk_ndjson(
    records: Iterable[PatientRecords],
    folder: Path,
    *,
    transaction_time: datetime,
    request: str,
) -> dict[str, Any]:
    """Write each patient's resources to ``folder/{type}.ndjson``; the manifest, also written.

    ``folder`` is created if needed; files of the types written are replaced. Only the types
    that hold at least one resource get a file. ``transaction_time`` must be timezone-aware.
    """
    if transaction_time.utcoffset() is None:
        raise ValueError(f"transaction_time: {transaction_time} is not accepted; timezone-aware")
    folder.mkdir(parents=True, exist_ok=True)
    counts: collections.Counter[str] = collections.Counter()
    with contextlib.ExitStack() as stack:
        files: dict[str, IO[str]] = {}
        for patient in records:
            for resource in patient_resources(patient):
                kind = resource["resourceType"]
                out = files.get(kind)
                if out is None:
                    path = folder / f"{kind}.ndjson"
                    out = files[kind] = stack.enter_context(path.open("w", encoding="utf-8"))
                out.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
                counts[kind] += 1
    manifest = {
        "transactionTime": transaction_time.isoformat(),
        "request": request,
        "requiresAccessToken": False,
        "output": [
            {"type": kind, "url": f"{kind}.ndjson", "count": counts[kind]}
            for kind in RESOURCE_ORDER
            if counts[kind]
        ],
        "error": [],
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_ndjson(path: Path) -> Iterator[dict[str, Any]]:
    """The resources of one NDJSON file, a line at a time (blank lines are skipped).

    A line that is not a JSON object raises :class:`ValueError` naming the file and line.
    """
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                resource = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(resource, dict) or "resourceType" not in resource:
                raise ValueError(f"{path}:{number}: not a FHIR resource (no resourceType)")
            yield resource


def ndjson_patient_bundles(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The resources of NDJSON files as one ``collection`` Bundle per patient (parsed JSON).

    A resource goes with the patient it refers to (``subject`` or ``patient``), a Patient with
    itself; resources that refer to no patient go in a last Bundle of their own. Every file is
    read into memory: the Bundles are what :func:`~.bundle_import.import_bundle` takes.
    """
    groups: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for path in paths:
        for resource in read_ndjson(path):
            groups[_patient_of(resource)].append(resource)
    return [
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": f"{s.LOCAL_BASE}/{r['resourceType']}/{r.get('id')}", "resource": r}
                for r in resources
            ],
        }
        for _, resources in sorted(groups.items(), key=lambda item: item[0] == "")
    ]


def _patient_of(resource: dict[str, Any]) -> str:
    if resource["resourceType"] == "Patient":
        return f"Patient/{resource.get('id')}"
    for field in ("subject", "patient"):
        reference = resource.get(field)
        if isinstance(reference, dict) and str(reference.get("reference", "")).startswith(
            "Patient/"
        ):
            return str(reference["reference"])
    return ""
