"""ElementCache validation gives what fhir.resources gives, valid or not.

``lupus_sct.interop.fhir.validation.ElementCache`` validates a FHIR R4 resource with the
fhir.resources R4B models, reusing nested complex elements it has already validated. The
reference for every expected value here is the library itself: fhir.resources'
``get_fhir_model_class(resourceType).model_validate(resource)`` on the same resource. Tested:

- valid resources (every resource of exported synthetic Bundles of several patients through one
  shared cache, the official-format R4 examples in tests/reference/fhir_examples, a whole
  Bundle) give the same model dump as the reference, and the cache really reuses elements;
- invalid resources (unknown elements, wrong types, nulls in lists, two choice values, missing
  required elements, at the top and inside nested elements) raise the library's own
  ``pydantic.ValidationError``, with the same message and errors, exactly when the reference
  does, also in a cache that has already validated many valid resources;
- values equal in Python but different in JSON (1, 1.0, true) are not mistaken for each other;
- a cache of small capacity (cleared when full) still gives the same results.

Synthetic data only.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel

from data_paths import FHIR_EXAMPLES
from lupus_sct.interop.fhir.validation import ElementCache
from unit.interop.fhir_synthetic import exported_bundles

EXAMPLES = FHIR_EXAMPLES
PATIENTS = 3  # synthetic patients, so that elements repeat across patients as well as within

Resource = dict[str, Any]
Outcome = FHIRAbstractModel | Exception


def _reference(resource: Resource) -> FHIRAbstractModel:
    """The reference: fhir.resources' own validation of the untouched resource."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def _outcome(validate: Callable[[Resource], FHIRAbstractModel], resource: Resource) -> Outcome:
    try:
        return validate(resource)
    except (pydantic.ValidationError, ValueError, TypeError, KeyError) as exc:
        return exc


def _comparable_errors(exc: pydantic.ValidationError) -> list[dict[str, Any]]:
    """``exc.errors()``, with exceptions in ``ctx`` as (type, args).

    The library puts the ``ValueError`` a validator raised in ``ctx``; exceptions compare by
    identity, so two plain ``model_validate`` calls on the same input would not compare equal.
    """
    errors = []
    for error in exc.errors():
        ctx = {
            key: (type(value), value.args) if isinstance(value, BaseException) else value
            for key, value in error.get("ctx", {}).items()
        }
        errors.append({**error, "ctx": ctx} if "ctx" in error else dict(error))
    return errors


def _types(value: Any) -> Any:
    """The model class of ``value`` and of every nested element, field by field."""
    if isinstance(value, FHIRAbstractModel):
        fields = {name: _types(getattr(value, name)) for name in type(value).model_fields}
        return type(value), fields
    if isinstance(value, list):
        return [_types(item) for item in value]
    return type(value)


def _assert_same_model(got: FHIRAbstractModel, expected: FHIRAbstractModel) -> None:
    assert type(got) is type(expected)
    assert _types(got) == _types(expected)  # e.g. an Age is not handed over as a Quantity
    assert got.model_dump(mode="json") == expected.model_dump(mode="json")
    assert got.model_dump_json() == expected.model_dump_json()  # also 1 vs 1.0, key order


def _assert_same_error(got: pydantic.ValidationError, expected: pydantic.ValidationError) -> None:
    assert type(got) is type(expected)
    assert got.title == expected.title
    assert str(got) == str(expected)
    assert _comparable_errors(got) == _comparable_errors(expected)
    assert got.errors(include_context=False) == expected.errors(include_context=False)
    assert got.json() == expected.json()


def _assert_same_outcome(got: Outcome, expected: Outcome) -> None:
    if isinstance(expected, pydantic.ValidationError):
        assert isinstance(got, pydantic.ValidationError), f"accepted, the library refuses: {got}"
        _assert_same_error(got, expected)
    elif isinstance(expected, Exception):
        assert type(got) is type(expected)
        assert str(got) == str(expected)
    else:
        assert isinstance(got, FHIRAbstractModel), f"refused, the library accepts: {got}"
        _assert_same_model(got, expected)


@pytest.fixture(scope="module")
def bundles() -> list[Resource]:
    """One exported Bundle (parsed JSON) per synthetic patient, as bench_fhir_import builds."""
    return exported_bundles(PATIENTS)


@pytest.fixture(scope="module")
def synthetic(bundles: list[Resource]) -> list[Resource]:
    """Every resource of every exported Bundle (do not modify: deep-copy first)."""
    return [entry["resource"] for bundle in bundles for entry in bundle["entry"]]


def _examples() -> dict[str, Resource]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))
    }


EXAMPLES_BY_NAME = _examples()


def _creatinine(resources: list[Resource], patient_position: int) -> Resource:
    """The first serum creatinine Observation of the n-th patient's resources."""
    patients = [r["id"] for r in resources if r["resourceType"] == "Patient"]
    subject = f"Patient/{patients[patient_position]}"
    return next(
        r
        for r in resources
        if r["resourceType"] == "Observation"
        and r["subject"]["reference"] == subject
        and r["code"]["coding"][0]["code"] == "2160-0"
    )


# -- valid input -------------------------------------------------------------------------------


def test_every_synthetic_resource_validates_as_the_library_does_through_one_shared_cache(
    synthetic: list[Resource],
) -> None:
    cache = ElementCache()
    for resource in synthetic:
        _assert_same_model(cache.validate(resource), _reference(resource))
    assert len(synthetic) == PATIENTS * 26  # fhir_synthetic.py: 26 resources per patient
    assert {r["resourceType"] for r in synthetic} == {
        "Patient",
        "Condition",
        "EpisodeOfCare",
        "Procedure",
        "Observation",
        "MedicationStatement",
        "AdverseEvent",
    }


def test_the_shared_cache_reuses_elements_the_library_builds_afresh(
    synthetic: list[Resource],
) -> None:
    cache = ElementCache()
    for resource in synthetic:
        cache.validate(resource)
    first, second = _creatinine(synthetic, 0), _creatinine(synthetic, 1)
    again = cache.validate(first)
    assert again.code is cache.validate(first).code  # the same resource twice
    assert again.subject is cache.validate(first).subject
    assert again.code is cache.validate(second).code  # same LOINC code, another patient
    assert again.category[0] is cache.validate(second).category[0]
    assert again.subject is not cache.validate(second).subject  # another patient, not reused
    # the library alone builds new objects each time, so identity above is the cache's doing
    assert _reference(first).code is not _reference(first).code
    _assert_same_model(again, _reference(first))


def test_the_shared_cache_reuses_elements_across_resource_types(
    synthetic: list[Resource],
) -> None:
    cache = ElementCache()
    patient = next(r for r in synthetic if r["resourceType"] == "Patient")
    subject = {"reference": f"Patient/{patient['id']}"}
    of_patient = [r for r in synthetic if r.get("subject") == subject]
    models = [cache.validate(r) for r in of_patient]
    assert {r["resourceType"] for r in of_patient} >= {"Observation", "MedicationStatement"}
    assert all(m.subject is models[0].subject for m in models)
    assert models[0].subject.reference == subject["reference"]


@pytest.mark.parametrize("name", sorted(EXAMPLES_BY_NAME))
def test_each_official_example_validates_as_the_library_does(name: str) -> None:
    resource = EXAMPLES_BY_NAME[name]
    cache = ElementCache()
    _assert_same_model(cache.validate(resource), _reference(resource))
    _assert_same_model(cache.validate(resource), _reference(resource))  # now from the cache


def test_official_examples_after_the_synthetic_resources_in_one_cache(
    synthetic: list[Resource],
) -> None:
    cache = ElementCache()
    resources = [*synthetic, *EXAMPLES_BY_NAME.values(), *synthetic]
    for resource in resources:
        _assert_same_model(cache.validate(resource), _reference(resource))
    assert len(EXAMPLES_BY_NAME) == 8  # tests/reference/fhir_examples/README.md


def test_a_whole_exported_bundle_validates_as_the_library_does(bundles: list[Resource]) -> None:
    cache = ElementCache()
    for bundle in bundles:
        _assert_same_model(cache.validate(bundle), _reference(bundle))


def test_validation_leaves_the_given_resource_untouched(synthetic: list[Resource]) -> None:
    cache = ElementCache()
    for resource in [*synthetic[:30], *synthetic[:30]]:  # the second pass from the cache
        before = copy.deepcopy(resource)
        cache.validate(resource)
        assert resource == before
        assert json.dumps(resource) == json.dumps(before)


# -- invalid and unusual input -----------------------------------------------------------------


def _mutated(name: str, change: Callable[[Resource], object]) -> Resource:
    resource = copy.deepcopy(EXAMPLES_BY_NAME[name])
    change(resource)
    return resource


OBSERVATION = "observation-creatinine"
EXTENSION_URL = "https://lupus-sct.invalid/fhir/StructureDefinition/test-only"

# Each refused by fhir.resources (checked by the test itself before comparing).
REFUSED: dict[str, Callable[[], Resource]] = {
    "unknown element at top level": lambda: _mutated(
        OBSERVATION, lambda r: r.update(unknownElement="x")
    ),
    "unknown element in code.coding[0]": lambda: _mutated(
        OBSERVATION, lambda r: r["code"]["coding"][0].update(bogus="x")
    ),
    "coding given as a string": lambda: _mutated(
        OBSERVATION, lambda r: r["code"].update(coding="http://loinc.org|2160-0")
    ),
    "a coding given as a string": lambda: _mutated(
        OBSERVATION, lambda r: r["code"].update(coding=["2160-0"])
    ),
    "code given as a string": lambda: _mutated(OBSERVATION, lambda r: r.update(code="2160-0")),
    "code given as a list": lambda: _mutated(OBSERVATION, lambda r: r.update(code=[r["code"]])),
    "category given as one object": lambda: _mutated(
        OBSERVATION, lambda r: r.update(category=r["category"][0])
    ),
    "Quantity value abc": lambda: _mutated(
        OBSERVATION, lambda r: r["valueQuantity"].update(value="abc")
    ),
    "Quantity value abc four levels down": lambda: _mutated(
        "medicationstatement",
        lambda r: r["dosage"][0]["doseAndRate"][0]["doseQuantity"].update(value="abc"),
    ),
    "bad dateTime in a nested Period": lambda: _mutated(
        OBSERVATION, lambda r: r["effectivePeriod"].update(start="yesterday")
    ),
    "null in a list of complex elements": lambda: _mutated(
        OBSERVATION, lambda r: r["category"].append(None)
    ),
    "null in a nested list of complex elements": lambda: _mutated(
        OBSERVATION, lambda r: r["code"].update(coding=[None, *r["code"]["coding"]])
    ),
    "two choice values": lambda: _mutated(OBSERVATION, lambda r: r.update(valueString="118")),
    "two choice values in an extension": lambda: _mutated(
        OBSERVATION,
        lambda r: r.update(
            extension=[{"url": EXTENSION_URL, "valueString": "x", "valueBoolean": True}]
        ),
    ),
    "missing Observation.status": lambda: _mutated(OBSERVATION, lambda r: r.pop("status")),
    "missing Extension.url": lambda: _mutated(
        OBSERVATION, lambda r: r.update(extension=[{"valueString": "x"}])
    ),
    "bad value in a primitive extension": lambda: _mutated(
        "patient",
        lambda r: r.update(
            _birthDate={"extension": [{"url": EXTENSION_URL, "valueDateTime": "nope"}]}
        ),
    ),
    "empty primitive extension": lambda: _mutated("patient", lambda r: r.update(_birthDate={})),
    "unknown element in a contained resource": lambda: _mutated(
        OBSERVATION,
        lambda r: r.update(contained=[{"resourceType": "Patient", "id": "p", "bogus": 1}]),
    ),
    "Decimal given as a boolean in an extension": lambda: _mutated(
        OBSERVATION, lambda r: r.update(extension=[{"url": EXTENSION_URL, "valueDecimal": True}])
    ),
}

# Unusual but accepted by fhir.resources (checked by the test itself): accepted here as well.
ACCEPTED: dict[str, Callable[[], Resource]] = {
    "empty code": lambda: _mutated(OBSERVATION, lambda r: r.update(code={})),
    "coding null": lambda: _mutated(OBSERVATION, lambda r: r["code"].update(coding=None)),
    "status outside its value set": lambda: _mutated(OBSERVATION, lambda r: r.update(status="x")),
    "status only as a primitive extension": lambda: _mutated(
        OBSERVATION,
        lambda r: (
            r.pop("status"),
            r.update(_status={"extension": [{"url": EXTENSION_URL, "valueString": "y"}]}),
        ),
    ),
    "primitive extensions in a list with nulls": lambda: _mutated(
        "patient",
        lambda r: r["name"][0].update(
            _given=[None, {"extension": [{"url": EXTENSION_URL, "valueString": "y"}]}]
        ),
    ),
    "fhir_comments in a nested element": lambda: _mutated(
        OBSERVATION, lambda r: r["code"].update(fhir_comments=["synthetic"])
    ),
    "a contained resource": lambda: _mutated(
        OBSERVATION, lambda r: r.update(contained=[{"resourceType": "Patient", "id": "p"}])
    ),
    "Quantity value as a string": lambda: _mutated(
        OBSERVATION, lambda r: r["valueQuantity"].update(value="118")
    ),
}


@pytest.fixture(scope="module")
def warm_cache(synthetic: list[Resource]) -> ElementCache:
    """A cache that has validated every synthetic resource and every official example."""
    cache = ElementCache()
    for resource in [*synthetic, *EXAMPLES_BY_NAME.values()]:
        cache.validate(resource)
    return cache


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_invalid_resource_raises_the_library_error_from_a_fresh_cache(case: str) -> None:
    resource = REFUSED[case]()
    expected = _outcome(_reference, resource)
    assert isinstance(expected, pydantic.ValidationError)  # the case is invalid for the library
    got = _outcome(ElementCache().validate, resource)
    _assert_same_outcome(got, expected)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_invalid_resource_raises_the_library_error_after_many_valid_ones(
    case: str, warm_cache: ElementCache
) -> None:
    resource = REFUSED[case]()
    expected = _outcome(_reference, resource)
    assert isinstance(expected, pydantic.ValidationError)
    _assert_same_outcome(_outcome(warm_cache.validate, resource), expected)
    # and the cache still validates the untouched resource afterwards
    original = EXAMPLES_BY_NAME[OBSERVATION]
    _assert_same_model(warm_cache.validate(original), _reference(original))


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_an_unusual_resource_the_library_accepts_is_accepted_alike(
    case: str, warm_cache: ElementCache
) -> None:
    resource = ACCEPTED[case]()
    expected = _outcome(_reference, resource)
    assert isinstance(expected, FHIRAbstractModel)  # the case is valid for the library
    _assert_same_outcome(_outcome(ElementCache().validate, resource), expected)
    _assert_same_outcome(_outcome(warm_cache.validate, resource), expected)


def test_invalid_synthetic_resources_raise_the_library_error_in_a_cache_that_knows_them(
    synthetic: list[Resource],
) -> None:
    cache = ElementCache()
    for resource in synthetic:
        cache.validate(resource)
    creatinine = _creatinine(synthetic, 0)
    mutations: list[Callable[[Resource], object]] = [
        lambda r: r["valueQuantity"].update(value="abc"),
        lambda r: r["subject"].update(unknown="x"),  # a subject seen valid 20 times before
        lambda r: r["category"].insert(0, None),
        lambda r: r.update(valueString="x"),
        lambda r: r.pop("status"),
    ]
    for mutate in mutations:
        resource = copy.deepcopy(creatinine)
        mutate(resource)
        expected = _outcome(_reference, resource)
        assert isinstance(expected, pydantic.ValidationError)
        _assert_same_outcome(_outcome(cache.validate, resource), expected)


def test_an_unknown_resource_type_raises_what_the_library_raises() -> None:
    resource = {"resourceType": "NotAResource", "id": "x"}
    expected = _outcome(_reference, resource)
    assert isinstance(expected, Exception)
    _assert_same_outcome(_outcome(ElementCache().validate, resource), expected)


def test_values_equal_in_python_but_not_in_json_are_not_taken_for_one_another() -> None:
    """1, 1.0 and true compare equal in Python: each keeps its own outcome in one cache."""
    cache = ElementCache()
    outputs = []
    for value in [1, 1.0, True, 1, 1.0]:
        resource = _mutated(
            OBSERVATION,
            lambda r, v=value: r.update(extension=[{"url": EXTENSION_URL, "valueDecimal": v}]),
        )
        expected = _outcome(_reference, resource)
        _assert_same_outcome(_outcome(cache.validate, resource), expected)
        outputs.append(
            type(expected).__name__
            if isinstance(expected, Exception)
            else json.loads(expected.model_dump_json())["extension"][0]["valueDecimal"]
        )
    # the library itself tells them apart (so the comparisons above were not trivial)
    assert [repr(o) for o in outputs] == ["1", "1.0", "'ValidationError'", "1", "1.0"]


def test_the_same_content_under_two_element_models_keeps_the_model_of_each_field() -> None:
    """The same JSON object is an Age in Condition.onsetAge and a Quantity in valueQuantity."""
    years = {"value": 40, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"}
    condition = _mutated("condition", lambda r: (r.pop("onsetDateTime"), r.update(onsetAge=years)))
    observation = _mutated(OBSERVATION, lambda r: r.update(valueQuantity=years))
    cache = ElementCache()
    for resource in [condition, observation, condition, observation]:
        _assert_same_model(cache.validate(resource), _reference(resource))
    assert type(cache.validate(condition).onsetAge) is type(_reference(condition).onsetAge)
    assert type(cache.validate(observation).valueQuantity) is type(
        _reference(observation).valueQuantity
    )
    assert type(_reference(condition).onsetAge) is not type(_reference(observation).valueQuantity)


# -- capacity --------------------------------------------------------------------------------


@pytest.mark.parametrize("capacity", [1, 5])
def test_a_small_cache_cleared_when_full_gives_the_same_results(
    capacity: int, synthetic: list[Resource]
) -> None:
    cache = ElementCache(capacity=capacity)
    resources = [*synthetic, *EXAMPLES_BY_NAME.values(), *synthetic]
    for resource in resources:
        _assert_same_model(cache.validate(resource), _reference(resource))
    invalid = REFUSED["unknown element in code.coding[0]"]()
    _assert_same_outcome(_outcome(cache.validate, invalid), _outcome(_reference, invalid))
