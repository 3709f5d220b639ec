"""Where the tests' own data lives, named once (test files sit at different depths)."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REFERENCE_DATA = TESTS / "reference" / "data"
FHIR_EXAMPLES = TESTS / "reference" / "fhir_examples"
FHIR_EXTERNAL_SHAPES = TESTS / "reference" / "interop" / "fhir" / "external_shapes"
BENCH = TESTS.parent / "bench"
