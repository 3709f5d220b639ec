"""fhir.resources validation of imported resources, each distinct element validated only once.

References
----------
fhir.resources / fhir_core (R4B models): a nested complex element (a CodeableConcept, a
Reference, an Extension ...) is validated on its own by its model (``fhir_model_validator``
calls ``model_validate`` on the nested object, whatever its parent), and an element given as an
instance of its model is taken as it is (models are not revalidated).

Notes
-----
Resources of one import repeat the same elements again and again: the LOINC code of every
creatinine, the subject of every resource of a patient, the same extensions. A
:class:`ElementCache` validates each distinct complex element (same model, same content) once,
keeps the validated model and hands it to the parent's validation in place of the JSON object,
so only new content is validated. The outcome is the model the library builds from the JSON
(tests/unit/interop/fhir/test_fhir_validation.py compares the two on every resource type we read).
Any failure falls back to validating the untouched resource, so a refusal carries the library's
own message and location.

The models returned share their cached elements (the same ``code`` object in every creatinine
of the import), so they are read-only by contract: the importer's readers only read them. A
change to one (the R4B models allow assignment) would show in later resources of the same cache.
"""

from __future__ import annotations

import functools
import typing
from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from fhir_core.types import FhirBase, FhirElementOrResourceBase

DEFAULT_CAPACITY = 200_000  # elements kept before the cache starts again (bounds memory)


class ElementCache:
    """Validated complex elements, by model and content."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._models: dict[tuple[type, str], FHIRAbstractModel] = {}

    def validate(self, resource: dict[str, Any]) -> FHIRAbstractModel:
        """The fhir.resources model of ``resource`` (by its resourceType); read-only (see above).

        Raises :class:`pydantic.ValidationError` exactly as ``model_validate`` on the untouched
        resource does; an unknown resourceType raises the library's ``ValueError`` and a missing
        one ``KeyError`` (the importer checks both before calling).
        """
        model_class = get_fhir_model_class(resource["resourceType"])
        try:
            return model_class.model_validate(self._prepare(model_class, resource))
        except (pydantic.ValidationError, ValueError, TypeError):
            return model_class.model_validate(resource)  # the library's error, full location

    def _prepare(self, model_class: type, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with each nested complex element replaced by its validated model."""
        plan = _nested_fields(model_class)
        prepared = {}
        for key, value in data.items():
            element_class = plan.get(key)
            if element_class is None:
                prepared[key] = value
            elif isinstance(value, dict):
                prepared[key] = self._element(element_class, value)
            elif isinstance(value, list):
                prepared[key] = [
                    self._element(element_class, item) if isinstance(item, dict) else item
                    for item in value
                ]
            else:
                prepared[key] = value
        return prepared

    def _element(self, element_class: type, value: dict[str, Any]) -> Any:
        key = (element_class, repr(value))
        model = self._models.get(key)
        if model is None:
            model = element_class.model_validate(self._prepare(element_class, value))  # type: ignore[attr-defined]
            if len(self._models) >= self._capacity:
                self._models.clear()
            self._models[key] = model
        return model


@functools.cache
def _nested_fields(model_class: type) -> dict[str, type]:
    """JSON key -> model class of the fields of ``model_class`` that hold complex elements.

    Fields typed as "any resource" (``contained``, ``Bundle.entry.resource``) are left out: the
    library picks their model from the content, so they are validated as they come.
    """
    fields: dict[str, type] = {}
    for name, field in model_class.model_fields.items():  # type: ignore[attr-defined]
        element_type = _element_type(field.annotation)
        if element_type is None or issubclass(element_type, FhirElementOrResourceBase):
            continue
        fields[field.alias or name] = element_type.get_model_klass()
    return fields


def _element_type(annotation: Any) -> type[FhirBase] | None:
    if isinstance(annotation, type) and issubclass(annotation, FhirBase):
        return annotation
    for argument in typing.get_args(annotation):
        found = _element_type(argument)
        if found is not None:
            return found
    return None
