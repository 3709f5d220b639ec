"""Splitting the registry's free-text eligibility criteria into numbered items.

The formats are those of ClinicalTrials.gov records: "Inclusion Criteria:" / "Exclusion
Criteria:" headings with "*" bullets (the registry's current editor), numbered lists with nested
bullets (older records), "-" bullets, and headings without blank lines.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.eligibility.protocol import CriterionKind
from lupus_sct.domain.trials.criteria_text import (
    clean_criteria_text,
    split_eligibility_criteria,
)

INC, EXC = CriterionKind.INCLUSION, CriterionKind.EXCLUSION


def test_star_bullets_under_both_headings_become_numbered_items() -> None:
    text = (
        "Inclusion Criteria:\n\n* Age 18 to 65 years\n* SLEDAI-2K >= 8\n\n"
        "Exclusion Criteria:\n\n* Pregnancy\n"
    )
    items = split_eligibility_criteria(text)
    assert [(i.number, i.label, i.kind, i.text) for i in items] == [
        (1, "I1", INC, "Age 18 to 65 years"),
        (2, "I2", INC, "SLEDAI-2K >= 8"),
        (3, "E1", EXC, "Pregnancy"),
    ]
    assert all(i.needs_review for i in items)


def test_numbered_items_keep_their_nested_lines() -> None:
    text = (
        "Inclusion Criteria:\n\n  1. SLE\n  2. Adequate organ function:\n"
        "     * LVEF >= 55%\n     * eGFR >= 30\n     continued wording\n  3. Consent\n"
    )
    items = split_eligibility_criteria(text)
    assert [i.text for i in items] == [
        "SLE",
        "Adequate organ function:\n* LVEF >= 55%\n* eGFR >= 30\ncontinued wording",
        "Consent",
    ]


def test_dash_bullets_headings_in_capitals_and_without_blank_lines_are_read() -> None:
    text = "KEY INCLUSION CRITERIA\n- a\n- b\nExclusion criteria:\n- c\r\n- d"
    items = split_eligibility_criteria(text)
    assert [(i.label, i.text) for i in items] == [
        ("I1", "a"),
        ("I2", "b"),
        ("E1", "c"),
        ("E2", "d"),
    ]


def test_numbering_forms_with_parentheses_and_letters_start_items() -> None:
    text = "Inclusion Criteria:\n1) one\n(2) two\na. three\nb) four"
    assert [i.text for i in split_eligibility_criteria(text)] == ["one", "two", "three", "four"]


def test_text_on_the_heading_line_is_an_item() -> None:
    items = split_eligibility_criteria(
        "Inclusion Criteria: adults with SLE\nExclusion Criteria: none"
    )
    assert [(i.kind, i.text) for i in items] == [(INC, "adults with SLE"), (EXC, "none")]


def test_without_headings_the_lines_are_inclusion_criteria() -> None:
    items = split_eligibility_criteria("Adults with SLE\n\nSLEDAI-2K >= 6")
    assert [(i.kind, i.text) for i in items] == [(INC, "Adults with SLE"), (INC, "SLEDAI-2K >= 6")]


def test_a_lead_in_before_the_first_bullet_is_kept_as_its_own_item() -> None:
    text = "Inclusion Criteria:\nParticipants must meet all of:\n* SLE\n* Age >= 18"
    assert [i.text for i in split_eligibility_criteria(text)] == [
        "Participants must meet all of:",
        "SLE",
        "Age >= 18",
    ]


def test_a_sentence_starting_with_exclusion_is_not_a_heading() -> None:
    text = "Inclusion Criteria:\n* Exclusion of other diagnoses by a rheumatologist"
    (item,) = split_eligibility_criteria(text)
    assert item.kind is INC


# API v2 returns the criteria as markdown with ASCII punctuation backslash-escaped (CommonMark
# 0.31.2 §2.4): a record's "Age >= 18" arrives as "Age \>= 18" (JSON "Age \\>= 18"), and "1\."
# and "\*" are escaped list markers. The texts below are written for the tests in that shape.
def test_escaped_markdown_is_shown_unescaped() -> None:
    text = (
        "Inclusion Criteria:\n\n* Age \\>= 18 years\n* Prednisone \\<= 10 mg/day\n"
        "* anti\\-dsDNA \\> 30 IU/mL \\(by ELISA\\)\n* SLE\\_DAI wording \\*kept\\*"
    )
    assert [i.text for i in split_eligibility_criteria(text)] == [
        "Age >= 18 years",
        "Prednisone <= 10 mg/day",
        "anti-dsDNA > 30 IU/mL (by ELISA)",
        "SLE_DAI wording *kept*",
    ]


def test_escaped_bullets_and_numbers_start_items_like_plain_ones() -> None:
    text = (
        "Inclusion Criteria:\n\n\\* Biopsy-proven lupus nephritis\n\\* UPCR \\> 1 g/g\n\n"
        "Exclusion Criteria:\n\n1\\. Active infection\n2\\. Pregnancy"
    )
    assert [(i.label, i.text) for i in split_eligibility_criteria(text)] == [
        ("I1", "Biopsy-proven lupus nephritis"),
        ("I2", "UPCR > 1 g/g"),
        ("E1", "Active infection"),
        ("E2", "Pregnancy"),
    ]


# Sponsor boilerplate closing many registry records, in its common wordings: "Other
# protocol-defined inclusion/exclusion criteria may apply" and "The above information is not
# intended to contain all considerations relevant to a patient's potential participation in a
# clinical trial." (short standard lines, as they appear in ClinicalTrials.gov records).
@pytest.mark.parametrize(
    "tail",
    [
        "\n\nOther protocol-defined inclusion/exclusion criteria may apply.",
        "\nNote: Other protocol defined Inclusion/Exclusion criteria may apply.",
        " Other protocol-defined inclusion/exclusion criteria may apply",
        "\n* Other inclusion/exclusion criteria may apply",
        "\n\nThe above information is not intended to contain all considerations relevant to a "
        "patient's potential participation in a clinical trial.",
        "\nThe above information is not intended to contain all considerations relevant to a "
        "participant\u2019s potential participation in a clinical trial.",
    ],
)
def test_the_registry_disclaimer_is_not_glued_to_the_last_criterion(tail: str) -> None:
    text = "Inclusion Criteria:\n\n* SLE\n\nExclusion Criteria:\n\n* HIV\n* Pregnancy" + tail
    assert [(i.label, i.text) for i in split_eligibility_criteria(text)] == [
        ("I1", "SLE"),
        ("E1", "HIV"),
        ("E2", "Pregnancy"),
    ]


def test_a_criterion_merely_mentioning_other_criteria_is_kept() -> None:
    text = "Exclusion Criteria:\n* Meets other exclusion criteria of the parent study"
    assert clean_criteria_text(text) == text


@pytest.mark.parametrize("bullet", ["- ", "* ", "• ", "•", "● ", "▪ ", "– "])
def test_unnumbered_lists_split_like_numbered_ones(bullet: str) -> None:
    text = (
        f"Inclusion Criteria:\n{bullet}Age 18 to 65 years\n{bullet}SLEDAI-2K >= 6\n"
        f"Exclusion Criteria:\n{bullet}Pregnancy"
    )
    assert [(i.label, i.text) for i in split_eligibility_criteria(text)] == [
        ("I1", "Age 18 to 65 years"),
        ("I2", "SLEDAI-2K >= 6"),
        ("E1", "Pregnancy"),
    ]


def test_plain_lines_under_the_headings_are_items_and_emphasised_headings_are_read() -> None:
    text = (
        "**Inclusion Criteria:**\n\nAge 18 to 65 years\nSLE by the 2019 EULAR/ACR criteria\n\n"
        "### Exclusion Criteria\n\nPregnancy\nActive infection\n"
        "Other protocol-defined inclusion/exclusion criteria may apply."
    )
    assert [(i.label, i.text) for i in split_eligibility_criteria(text)] == [
        ("I1", "Age 18 to 65 years"),
        ("I2", "SLE by the 2019 EULAR/ACR criteria"),
        ("E1", "Pregnancy"),
        ("E2", "Active infection"),
    ]


def test_a_star_bullet_reading_exclusion_stays_an_item() -> None:
    (item,) = split_eligibility_criteria("Inclusion Criteria:\n* Exclusion")
    assert (item.kind, item.text) == (INC, "Exclusion")


def test_empty_text_has_no_items() -> None:
    assert split_eligibility_criteria("") == ()


_WORDS = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789>=% ", min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda s: bool(s) and not s.lower().startswith(("inclusion", "exclusion")))
)


@given(
    inclusion=st.lists(_WORDS, max_size=6),
    exclusion=st.lists(_WORDS, max_size=6),
    bullet=st.sampled_from(["* ", "- ", "1. "]),
)
def test_every_criterion_written_as_a_bullet_comes_back_once_in_order(
    inclusion: list[str], exclusion: list[str], bullet: str
) -> None:
    text = "Inclusion Criteria:\n\n" + "\n".join(bullet + t for t in inclusion)
    text += "\n\nExclusion Criteria:\n\n" + "\n".join(bullet + t for t in exclusion)
    items = split_eligibility_criteria(text)
    assert [(i.kind, i.text) for i in items] == [(INC, t) for t in inclusion] + [
        (EXC, t) for t in exclusion
    ]
    assert [i.number for i in items] == list(range(1, len(items) + 1))
