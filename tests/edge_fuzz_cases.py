"""Requests built from the bad-input corpus (edge_fuzz_corpus) for any write endpoint.

Endpoints are found, not listed: API writes from the OpenAPI document, web forms from the
application's POST routes with their fields read from the templates. A route added later is
fuzzed without editing this file.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI

import lupus_sct.web
from edge_fuzz_corpus import (
    BAD_VALUES,
    IDEMPOTENCY_KEYS,
    IF_MATCH_VALUES,
    LEAK_MARKERS,
    OTHERS,
    PATH_VALUES,
    RAW_BODIES,
)

FAMILY, GIVEN, HOSPITAL = LEAK_MARKERS

# Every bad value reaches every endpoint and form (issue #15: "against every write endpoint").
# A larger number sends each value that is not critical to every ROTATION-th endpoint only.
ROTATION = 1


def is_critical(value: Any) -> bool:
    """Values every endpoint gets: unstorable text, huge sizes, overflows, non-finite numbers."""
    if isinstance(value, str):
        return bool(re.search("[\x00\ud800-\udfff]", value)) or len(value) > 1_000
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value.bit_length() > 31
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    return isinstance(value, list) and len(value) > 100


def values_for(endpoint: int) -> list[tuple[int, Any]]:
    """``(index, value)`` of the bad values sent to the ``endpoint``-th endpoint."""
    return [
        (index, value)
        for index, value in enumerate(BAD_VALUES)
        if is_critical(value) or (index + endpoint) % ROTATION == 0
    ]


def corpus_size() -> int:
    """How many distinct bad inputs the corpus holds (issue 15's probe had 194)."""
    query_values = 4  # the first PATH_VALUES, also sent in the query string
    return (
        len({repr(v) for v in BAD_VALUES})
        + len(set(RAW_BODIES))
        + len(set(PATH_VALUES))
        + query_values
        + len(set(IF_MATCH_VALUES))
        + len(set(IDEMPOTENCY_KEYS))
    )


@dataclass(frozen=True)
class Case:
    """One request: what it tests, and how to send it."""

    label: str
    method: str
    path: str
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def api_writes(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(method, path template, operation)`` of every write in the OpenAPI document."""
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                yield method.upper(), path, operation


def form_posts(app: FastAPI) -> list[str]:
    """The path templates of the web forms (POST routes outside the API document)."""
    found: list[str] = []

    def walk(routes: Any) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)
            elif "POST" in (getattr(route, "methods", None) or ()) and not getattr(
                route, "include_in_schema", True
            ):
                found.append(route.path)

    walk(app.router.routes)
    return sorted(set(found))


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}\}?", "{}", path)


def form_fields() -> dict[str, list[str]]:
    """The field names of every POST form in the templates, by the shape of its action."""
    fields: dict[str, list[str]] = {}
    templates = Path(lupus_sct.web.__file__).parent / "templates"
    pattern = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
    for template in templates.glob("*.html"):
        for action, inner in pattern.findall(template.read_text(encoding="utf-8")):
            names = [n for n in re.findall(r'name="([^"{}]+)"', inner)]
            fields.setdefault(_shape(action), []).extend(names)
    return fields


def fill(path: str, ids: dict[str, str]) -> str:
    """``path`` with its parameters replaced by seeded ids ("x" where none is known)."""
    return re.sub(r"\{([^}]+)\}", lambda m: ids.get(m.group(1), "x"), path)


class Schemas:
    """A minimal valid body for an OpenAPI schema, with seeded ids and the leak markers."""

    def __init__(self, document: dict[str, Any], ids: dict[str, str]) -> None:
        self.components = document.get("components", {}).get("schemas", {})
        self.ids = ids

    def example(self, schema: dict[str, Any], name: str = "", depth: int = 0) -> Any:
        if "$ref" in schema:
            return self.example(self.components[schema["$ref"].rsplit("/", 1)[-1]], name, depth)
        if "anyOf" in schema:
            options = [s for s in schema["anyOf"] if s.get("type") != "null"]
            return self.example(options[0], name, depth) if options else None
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            properties = schema.get("properties", {})
            return {k: self.example(v, k, depth + 1) for k, v in properties.items()}
        if kind == "array":
            items = max(int(schema.get("minItems", 0)), 1)
            return [self.example(schema.get("items", {}), name, depth + 1)] * items
        return self._scalar(kind, schema, name)

    def _scalar(self, kind: Any, schema: dict[str, Any], name: str) -> Any:
        if kind == "integer":
            return int(schema.get("minimum", 1))
        if kind == "number":
            return float(schema.get("minimum", 1.0))
        if kind == "boolean":
            return False
        fmt = schema.get("format")
        if fmt == "date":
            return "2026-05-01"
        if fmt == "date-time":
            return "2026-05-01T08:00:00Z"
        named = {"family_name": FAMILY, "given_name": GIVEN, "hospital_number": HOSPITAL}
        return self.ids.get(name) or named.get(name) or "xx-fuzz"

    def body(self, operation: dict[str, Any]) -> Any:
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return None if schema is None else self.example(schema)


def leaves(body: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a leaf (and to each object itself) in a template body."""
    if isinstance(body, dict):
        found: list[tuple[Any, ...]] = [prefix] if prefix else []
        for key, value in body.items():
            found.extend(leaves(value, (*prefix, key)))
        return found
    return [prefix] if prefix else []


def replaced(body: Any, where: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``body`` with the value at ``where`` replaced."""
    changed = copy.deepcopy(body)
    target = changed
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return changed


def json_cases(method: str, path: str, template: Any, endpoint: int) -> list[Case]:
    """Every bad value at two places of the body, the whole body replaced, and raw bodies."""
    json_header = {"content-type": "application/json"}
    places = leaves(template) or [()]
    cases = []
    for index, value in values_for(endpoint):
        for where in {places[index % len(places)]}:
            body = replaced(template, where, value) if where else value
            content = json.dumps(body).encode()
            cases.append(
                Case(
                    f"{'.'.join(map(str, where))}={value!r:.30}", method, path, content, json_header
                )
            )
    for value in OTHERS[endpoint % ROTATION :: ROTATION]:
        cases.append(
            Case(f"body={value!r:.30}", method, path, json.dumps(value).encode(), json_header)
        )
    cases += [
        Case(f"raw {t} {c[:20]!r}", method, path, c, {"content-type": t}) for t, c in RAW_BODIES
    ]
    return cases


def form_cases(
    path: str, names: list[str], csrf: str, ids: dict[str, str], endpoint: int
) -> list[Case]:
    """Every bad value (as text) in each field in turn, and raw bodies."""
    from urllib.parse import urlencode

    template = {n: _form_value(n, csrf, ids) for n in names} or {"value": "x"}
    fields = list(template)
    header = {"content-type": "application/x-www-form-urlencoded"}
    cases = []
    for index, value in values_for(endpoint):
        for name in {fields[index % len(fields)]}:
            text = value if isinstance(value, str) else json.dumps(value)
            encoded = urlencode({**template, name: text}, encoding="utf-8", errors="surrogatepass")
            cases.append(Case(f"{name}={value!r:.30}", "POST", path, encoded.encode(), header))
    cases += [
        Case(f"raw {t} {c[:20]!r}", "POST", path, c, {"content-type": t}) for t, c in RAW_BODIES
    ]
    return cases


def _form_value(name: str, csrf: str, ids: dict[str, str]) -> str:
    if name == "csrf_token":
        return csrf
    named = {"family_name": FAMILY, "given_name": GIVEN, "hospital_number": HOSPITAL}
    if name in named:
        return named[name]
    return ids.get(name) or ("2026-05-01" if "date" in name or name.endswith("_on") else "x")


def address_cases(method: str, path: str, ids: dict[str, str], content: bytes) -> list[Case]:
    """Bad path parameters, query strings, If-Match and Idempotency-Key headers."""
    header = {"content-type": "application/json"}
    cases = []
    for parameter in re.findall(r"\{([^}]+)\}", path):
        for value in PATH_VALUES:
            broken = fill(path, {**ids, parameter: value})
            cases.append(Case(f"path {parameter}={value[:20]}", method, broken, content, header))
    filled = fill(path, ids)
    for value in PATH_VALUES[:4]:
        cases.append(Case(f"query {value[:20]}", method, f"{filled}?q={value}", content, header))
    if method in ("PUT", "PATCH"):
        for value in IF_MATCH_VALUES:
            cases.append(
                Case(
                    f"If-Match {value[:20]}", method, filled, content, {**header, "if-match": value}
                )
            )
    if method == "POST":
        for value in IDEMPOTENCY_KEYS:
            cases.append(
                Case(
                    f"Idempotency-Key {value[:20]}",
                    method,
                    filled,
                    content,
                    {**header, "idempotency-key": value},
                )
            )
    return cases
