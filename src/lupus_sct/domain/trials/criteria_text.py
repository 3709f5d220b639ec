"""Split a trial's free-text eligibility criteria into numbered inclusion and exclusion items.

References
----------
ClinicalTrials.gov data element definition "Eligibility Criteria": "a limited list of criteria
... using a bulleted list for each criterion below the headers 'Inclusion Criteria' and
'Exclusion Criteria'" (https://clinicaltrials.gov/policy/protocol-definitions). TrialGPT
(Jin Q et al. Nat Commun 2024;15:9074, doi:10.1038/s41467-024-53081-z) matches per numbered item
in the same way.

Notes
-----
- Headings: "Inclusion Criteria", "Exclusion Criteria", with or without a colon, in any case, and
  with a leading "Key", "Main" or "Major". Text after the colon on the heading line is an item.
- Text before any heading is read as inclusion criteria (records without headings list what a
  participant must have).
- Items start at a bullet ("*", "-", "+", "•") or a number or letter ("1.", "1)", "(1)", "a.",
  "a)") at the indentation of the section's first bullet. Deeper bullets and continuation lines
  belong to the item above them and are kept, with their line breaks, in its text.
- In a section without bullets every non-blank line is an item. Text that precedes the first
  bullet of a section ("Participants must meet all of the following:") is kept as an item of its
  own, so no wording is ever lost; it needs review like any item without a rule.
- The text is cleaned first (:func:`clean_criteria_text`): markdown backslash escapes, which the
  API v2 writes as ``\\>10 mg``, ``\\<``, ``\\*``, ``1\\.``, are undone (CommonMark 0.31.2
  §2.4 "Backslash escapes": any ASCII punctuation may be escaped), so an escaped bullet or
  number starts an item; and the sponsors' closing disclaimer ("Other protocol-defined
  inclusion/exclusion criteria may apply", "The above information is not intended to contain
  all considerations relevant to a patient's potential participation in a clinical trial"),
  which is not a criterion, is removed instead of being glued to the last item. The trial's
  ``eligibility_text`` keeps the registry's wording unchanged.
- Headings may be set in markdown emphasis or as a markdown heading (``**Inclusion
  Criteria:**``, ``### Exclusion Criteria``); bullets "•", "●", "○", "▪", "◦", "‣" and "–" are
  read like "*" and "-", and need no space after them.
"""

from __future__ import annotations

import re

from lupus_sct.domain.eligibility.protocol import CriterionKind
from lupus_sct.domain.trials.clinical_trials import EligibilityItem

_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?[*_]{0,2}(?:key\s+|main\s+|major\s+)?(inclusion|exclusion)"
    r"(?:\s+criteria)?\s*(?::[*_]{0,2}\s*(.*?)|[*_]{0,2}\s*:?)\s*[*_]{0,2}\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(
    r"^(\s*)(?:(?:[*\-+·]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(\d{1,3}\))\s+|[•●○▪◦‣–]\s*)(.*)$"
)
# CommonMark 0.31.2 §2.4: a backslash before any ASCII punctuation character escapes it.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Sponsor boilerplate closing many registry records; not a criterion of the trial.
_DISCLAIMER = re.compile(
    r"(?:\bnote\s*:\s*)?(?:"
    r"\bother\s+(?:protocol[\s-]*(?:defined|specific)\s+|protocol\s+|study[\s-]*specific\s+)?"
    r"(?:inclusion\s*(?:/|and|or)\s*exclusion|eligibility)\s+criteria\s+(?:may|will)\s+apply"
    r"|\bthe\s+above\s+information\s+is\s+not\s+intended\s+to\s+contain\s+all\s+"
    r"considerations\s+relevant\s+to\s+an?\s+(?:patient|participant|subject)[\u2019']?s?\s+"
    r"potential\s+participation\s+in\s+(?:a|this)\s+clinical\s+(?:trial|study)"
    r")\s*[.;]?",
    re.IGNORECASE,
)
_BARE_BULLET = re.compile(r"^\s*(?:[*\-+·•●○▪◦‣–]|\(?\d{1,3}[.)])\s*$")

Section = tuple[CriterionKind, list[str]]


def _sections(text: str) -> list[Section]:
    sections: list[Section] = [(CriterionKind.INCLUSION, [])]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        heading = _HEADING.match(line)
        if heading:
            kind = CriterionKind(heading.group(1).lower())
            rest = (heading.group(2) or "").strip()
            sections.append((kind, [rest] if rest else []))
        else:
            sections[-1][1].append(line)
    return sections


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _items_of(lines: list[str]) -> list[str]:
    bullets = [m for m in (_BULLET.match(line) for line in lines) if m]
    if not bullets:
        return [line.strip() for line in lines if line.strip()]
    base = len(bullets[0].group(1).expandtabs(4))
    items: list[list[str]] = []
    current: list[str] | None = None
    for raw in lines:
        line = raw.expandtabs(4)
        if not line.strip():
            continue
        bullet = _BULLET.match(line)
        if bullet and _indent(line) <= base:
            current = [bullet.group(2).strip()]
            items.append(current)
        elif current is None:
            items.append([line.strip()])  # lead-in text before the first bullet
        else:
            current.append(line.strip())
    return ["\n".join(parts) for parts in items if any(parts)]


def clean_criteria_text(text: str) -> str:
    """``text`` with markdown escapes undone and the sponsors' closing disclaimer removed."""
    lines = []
    for line in (
        _ESCAPE.sub(r"\1", text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ):
        kept = _DISCLAIMER.sub("", line).rstrip()
        if kept.strip() and _BARE_BULLET.match(kept) and not _BARE_BULLET.match(line):
            continue  # the disclaimer was the whole item
        if kept.strip() or not line.strip():
            lines.append(kept)
    return "\n".join(lines)


def split_eligibility_criteria(text: str) -> tuple[EligibilityItem, ...]:
    """Numbered items of the cleaned ``text`` in order: ``number`` overall, ``ordinal`` within
    the kind."""
    items: list[EligibilityItem] = []
    ordinals = dict.fromkeys(CriterionKind, 0)
    for kind, lines in _sections(clean_criteria_text(text)):
        for item_text in _items_of(lines):
            ordinals[kind] += 1
            items.append(
                EligibilityItem(
                    number=len(items) + 1, kind=kind, ordinal=ordinals[kind], text=item_text
                )
            )
    return tuple(items)
