"""Protocol files are validated on load, with errors naming file, place, value and what fits."""

from __future__ import annotations

import pytest

from lupus_sct.interop.protocol_files import read_protocol_text
from lupus_sct.services.eligibility.protocol_parsing import ProtocolError

MINIMAL = """
id: test
title: Test
version: "1"
course_kind: msc
disease: SLE
sources: [invented]
inclusion:
  - id: age
    text: adult
    rule: {age: {min: 18}}
    citation: invented
"""


def test_a_minimal_protocol_loads() -> None:
    protocol = read_protocol_text(MINIMAL, "test.yaml")
    assert [c.id for c in protocol.criteria] == ["age"]
    assert protocol.criteria[0].max_age_days == 90  # DEFAULT_MAX_AGE_DAYS, Greco 2024


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("course_kind: msc", "course_kind: stem_cells"),
            "test.yaml: course_kind: 'stem_cells' is not accepted; expected one of autologous_hsct",
        ),
        (
            ("{age: {min: 18}}", "{age: {least: 18}}"),
            "inclusion[0].rule.age.least: 'least' is not accepted",
        ),
        (("{age: {min: 18}}", "{age: {}}"), "expected at least one of min, max, above, below"),
        (
            ("{age: {min: 18}}", "{lab: {loinc: 2160-0, unit: mmol/L, max: 2}}"),
            "inclusion[0].rule.lab.unit: 'mmol/L' is not accepted; expected one of mg/dL, umol/L",
        ),
        (
            ("{age: {min: 18}}", "{lab: {loinc: 9999-9, unit: mg/dL, max: 2}}"),
            "inclusion[0].rule.lab.loinc: '9999-9'",
        ),
        (
            ("{age: {min: 18}}", "{workup: {item: hiv_positive, min: 1}}"),
            "inclusion[0].rule.workup.equals: None is not accepted; expected true or false",
        ),
        (
            ("{age: {min: 18}}", "{any: []}"),
            "inclusion[0].rule.any: [] is not accepted; expected at least one rule",
        ),
        (
            ("{age: {min: 18}}", "{frobnicate: 1}"),
            "inclusion[0].rule.frobnicate: 'frobnicate' is not accepted; expected a rule kind",
        ),
        (
            ("    citation: invented\n", ""),
            "inclusion[0].citation: None is not accepted; expected a value (required)",
        ),
        (('version: "1"', "version: [1"), "test.yaml: not valid YAML at line"),
    ],
)
def test_an_invalid_protocol_names_where_and_why(change: tuple[str, str], message: str) -> None:
    text = MINIMAL.replace(*change)
    with pytest.raises(ProtocolError) as caught:
        read_protocol_text(text, "test.yaml")
    assert message in str(caught.value)


def test_two_criteria_cannot_share_an_id() -> None:
    text = (
        MINIMAL
        + """  - id: age
    text: again
    rule: {age: {max: 65}}
    citation: invented
"""
    )
    with pytest.raises(ProtocolError, match=r"inclusion\[1\]\.id: 'age' is not accepted"):
        read_protocol_text(text, "test.yaml")
