"""FHIR R4 (fhir.resources R4B models): export a patient's record as a Bundle, import Bundles.

See :mod:`.export` and :mod:`.bundle_import`; the code systems and extensions are listed in
:mod:`.systems`.
"""

from lupus_sct.interop.fhir.bundle_import import (
    BundleError,
    ImportReport,
    ImportStatus,
    ResourceOutcome,
    import_bundle,
    load_bundle_json,
)
from lupus_sct.interop.fhir.export import bundle_json, export_patient_bundle

__all__ = [
    "BundleError",
    "ImportReport",
    "ImportStatus",
    "ResourceOutcome",
    "bundle_json",
    "export_patient_bundle",
    "import_bundle",
    "load_bundle_json",
]
