"""Every specification citation in the code resolves to a section of docs/spec/ (issue #16).

The citation format is described in docs/spec/README.md:

- ``docs/spec/<name>.md §<number>`` names a section; the file must have a markdown heading whose
  text starts with ``<number>`` followed by a space or a dot. Further sections may follow in a list
  (``§5.4, §5.5 and §10.1``).
- ``decision D<n>`` and ``convention C<n>`` name a heading of docs/spec/decisions.md that starts
  with ``D<n>`` or ``C<n>``.
- A bare ``instruments.md``, ``pathway.md``, ``evidence.md`` or ``landscape.md`` (the old
  out-of-repository specification) and a bare decision number such as ``(D11)`` are errors.

The scan covers every ``.py`` file of src/, tests/ and bench/ and the protocols and templates in
src/ (``.yaml``, ``.yml``, ``.html``). Citations may wrap across lines, in docstrings and in ``#``
comments. All failures are reported at once, as ``file:line: citation: why``. A second test checks
that each numbered section of a docs/spec file, and each decision, names its sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "spec"
SCANNED = ("src", "tests", "bench")
SHIPPED_TEXT = ("yaml", "yml", "html")  # protocols cite their thresholds; pages may cite
OLD_SPEC_NAMES = ("instruments", "pathway", "evidence", "landscape")

_GAP = r"[\s#]+"  # whitespace, possibly across a line break into a ``#`` comment
_NUMBER = r"\d+[a-z]?(?:\.\d+)*"
_SECTION_CITATION = re.compile(
    rf"docs/spec/(?P<name>[\w-]+)\.md{_GAP}(?P<sections>§{_NUMBER}"
    rf"(?:(?:,{_GAP}|{_GAP}and{_GAP}|{_GAP}or{_GAP})§{_NUMBER})*)"
)
_DECISION_CITATION = re.compile(
    rf"\b(?:[Dd]ecision{_GAP}(?P<d>D\d+)|[Cc]onvention{_GAP}(?P<c>C\d+))\b"
)
_OLD_SPEC = re.compile(
    rf"(?<![\w./-])(?:\.\./shared/)?(?:docs/)?(?:{'|'.join(OLD_SPEC_NAMES)})\.md"
)
_BARE_DECISION = re.compile(r"(?<![\w./-])D[1-9]\d?(?![\w.])")
_DECISION_BEFORE = re.compile(rf"[Dd]ecision{_GAP}$")
_SOURCED_HEADING = re.compile(r"^(?:## \d+[a-z]?\.? |### [DC]\d+ ).*$", re.MULTILINE)
_SOURCE_WORD = re.compile(  # a "Sources:" line, a DOI or PMID, or an author-year citation
    r"\b(?:[Ss]ources?|[Rr]eferences?|doi:|PMID)|\b[A-Z][\w'-]+(?: et al\.?)?,? (?:19|20)\d\d\b"
)
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Failure:
    """One unresolved citation, with where it is and why it fails."""

    path: Path
    line: int
    citation: str
    why: str

    def __str__(self) -> str:
        where = self.path.relative_to(ROOT)
        return f"{where}:{self.line}: {' '.join(self.citation.split())}: {self.why}"


def _heading_keys(path: Path) -> set[str]:
    """Section numbers (``12.3``, ``0.6``, ``2d``) or ids (``D11``) that headings start with."""
    keys: set[str] = set()
    for match in _HEADING.finditer(path.read_text(encoding="utf-8")):
        key = re.match(rf"({_NUMBER}|[A-Z]\d+)(?=[ .]|$)", match["text"])
        if key:
            keys.add(key[1].rstrip("."))
    return keys


def _spec_sections() -> dict[str, set[str]]:
    """Heading keys of each docs/spec file, by file name without ``.md``."""
    if not SPEC.is_dir():
        return {}
    return {path.stem: _heading_keys(path) for path in sorted(SPEC.glob("*.md"))}


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _section_failures(path: Path, text: str, spec: dict[str, set[str]]) -> list[Failure]:
    failures = []
    for match in _SECTION_CITATION.finditer(text):
        name, line = match["name"], _line_of(text, match.start())
        if name not in spec:
            failures.append(Failure(path, line, match[0], f"docs/spec/{name}.md does not exist"))
            continue
        for number in re.findall(rf"§({_NUMBER})", match["sections"]):
            if number not in spec[name]:
                why = f"docs/spec/{name}.md has no heading for section {number}"
                failures.append(Failure(path, line, match[0], why))
    return failures


def _decision_failures(path: Path, text: str, decisions: set[str]) -> list[Failure]:
    failures = []
    for match in _DECISION_CITATION.finditer(text):
        key = match["d"] or match["c"]
        if key not in decisions:
            why = f"docs/spec/decisions.md has no heading for {key}"
            failures.append(Failure(path, _line_of(text, match.start()), match[0], why))
    for match in _BARE_DECISION.finditer(text):
        if not _DECISION_BEFORE.search(text, 0, match.start()):
            why = f'a bare decision number: write "decision {match[0]}"'
            failures.append(Failure(path, _line_of(text, match.start()), match[0], why))
    return failures


def _old_style_failures(path: Path, text: str) -> list[Failure]:
    failures = []
    for match in _OLD_SPEC.finditer(text):
        if text[max(0, match.start() - len("docs/spec/")) : match.start()] == "docs/spec/":
            continue
        why = "old-style citation: cite docs/spec/<name>.md §<number>"
        failures.append(Failure(path, _line_of(text, match.start()), match[0], why))
    return failures


def _scanned_files() -> list[Path]:
    """Python files of src/, tests/ and bench/, and the protocols and templates shipped in src/."""
    python = [path for top in SCANNED for path in (ROOT / top).rglob("*.py")]
    shipped = [path for ext in SHIPPED_TEXT for path in (ROOT / "src").rglob(f"*.{ext}")]
    return sorted(python + shipped)


def citation_failures() -> list[Failure]:
    """Every citation in the scanned files that does not resolve."""
    spec = _spec_sections()
    decisions = spec.get("decisions", set())
    failures = []
    for path in _scanned_files():
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        failures += _section_failures(path, text, spec)
        failures += _decision_failures(path, text, decisions)
        failures += _old_style_failures(path, text)
    return failures


def _sections_without_sources(path: Path) -> list[str]:
    """Top-level numbered sections (``## 5.``) and decisions (``### D4``) naming no source."""
    text = path.read_text(encoding="utf-8")
    starts = list(_SOURCED_HEADING.finditer(text))
    ends = [match.start() for match in starts[1:]] + [len(text)]
    missing = []
    for match, end in zip(starts, ends, strict=False):  # README.md has no numbered section
        if not _SOURCE_WORD.search(text, match.end(), end):
            missing.append(f"{path.relative_to(ROOT)}: {match[0].strip()}")
    return missing


def test_every_specification_citation_resolves_to_a_docs_spec_section() -> None:
    failures = citation_failures()
    assert not failures, f"{len(failures)} unresolved citations:\n" + "\n".join(
        str(failure) for failure in failures
    )


def test_every_specification_section_names_its_sources() -> None:
    missing = [
        line for path in sorted(SPEC.glob("*.md")) for line in _sections_without_sources(path)
    ]
    assert not missing, "sections without a source:\n" + "\n".join(missing)


def test_the_checker_reads_wrapped_citations_lists_and_bare_decisions() -> None:
    text = (
        "x  # docs/spec/instruments.md\n    # §5.4, §5.5 and §10.1; decision\n    # D3\n"
        "(D11) ../shared/docs/instruments.md section 1; docs/spec/instruments.md §1\n"
    )
    sections = [m["sections"] for m in _SECTION_CITATION.finditer(text)]
    assert re.findall(rf"§{_NUMBER}", sections[0]) == ["§5.4", "§5.5", "§10.1"]
    assert [m["d"] for m in _DECISION_CITATION.finditer(text)] == ["D3"]
    bare = [m[0] for m in _BARE_DECISION.finditer(text)]
    assert bare == ["D3", "D11"]  # the first is preceded by "decision", so it is not reported
    assert [m[0] for m in _OLD_SPEC.finditer(text)] == ["../shared/docs/instruments.md"]
