"""Presentation helpers of the decision aid: icon arrays, the tailoring choices, the values form.

References
----------
Elwyn G et al. BMJ 2006;333:417. doi:10.1136/bmj.38926.629329.AE (IPDAS: more than one way of
viewing probabilities - words, numbers, diagrams; values clarification).
Legare F et al. Are you SURE? Assessing patient decisional conflict with a 4-item screening test.
Can Fam Physician 2010;56(8):e308-e314. PMID:20705870 (the SURE test).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lupus_sct.services.evidence.decision_aid import DENOMINATOR, NaturalFrequency
from lupus_sct.services.evidence.decision_aid_outcomes import OptionKey, Population

ICONS_PER_ROW = 10
ICON_PITCH = 10  # SVG user units between icon centres
IMPORTANCE = (  # a 5-point importance scale, one label per point
    (1, "Not important"),
    (2, "A little important"),
    (3, "Quite important"),
    (4, "Very important"),
    (5, "Extremely important"),
)


ICON_FILL = {"ia-benefit": "#1d6b3a", "ia-harm": "#a32a0b", "ia-none": "#ffffff"}
ICON_OUTLINE = "#6b7580"  # >= 3:1 against white (WCAG 2.1, 1.4.11 non-text contrast)
RANGE_RING = "#1b1f24"


@dataclass(frozen=True)
class Icon:
    """One person in an icon array: centre, CSS classes and SVG presentation colours.

    The colours are SVG presentation attributes (allowed by a CSP without 'unsafe-inline', and
    honoured by WeasyPrint, which does not apply the page's stylesheet inside inline SVG).
    """

    x: int
    y: int
    css_class: str
    fill: str
    stroke: str
    stroke_width: float


@dataclass(frozen=True)
class ValueItem:
    """One statement of the values-clarification exercise and the user's rating (if any)."""

    key: str
    label: str
    outcome_hint: str
    rating: int | None


VALUE_STATEMENTS: tuple[tuple[str, str, str], ...] = (
    ("remission", "Having the best chance that my lupus goes quiet", "remission at 6 months"),
    ("long_term", "Keeping lupus quiet for years, not just months", "remission at 5 years"),
    ("safety", "Avoiding any risk of dying from the treatment", "deaths"),
    ("hospital", "Avoiding weeks in hospital with very low blood counts", "the steps"),
    ("off_medicines", "Being able to stop or lower my daily lupus medicines", "the options"),
    ("proven", "Choosing a treatment with long experience and more evidence", "the sources"),
    ("fertility", "Protecting my chance to have children", "the steps"),
    ("trial", "Joining a research study to get a newer treatment", "the options"),
    ("travel_cost", "Keeping travel and costs low", "the questions to ask"),
)

SURE_QUESTIONS: tuple[tuple[str, str], ...] = (  # Legare 2010, the four SURE items
    ("sure", "Do you feel sure about the best choice for you?"),
    ("understand", "Do you know the benefits and risks of each option?"),
    ("risk_benefit", "Are you clear about which benefits and risks matter most to you?"),
    ("encouragement", "Do you have enough support and advice to make a choice?"),
)


def icon_array(frequency: NaturalFrequency, *, is_benefit: bool) -> tuple[Icon, ...]:
    """100 icons, row by row: the first ``per_100`` shaded, the range ``low..high`` ringed."""
    shaded = "ia-benefit" if is_benefit else "ia-harm"
    low = frequency.low_per_100
    high = frequency.high_per_100
    icons = []
    for index in range(DENOMINATOR):
        kind = shaded if index < frequency.per_100 else "ia-none"
        in_range = low is not None and high is not None and low <= index < high
        row, column = divmod(index, ICONS_PER_ROW)
        icons.append(
            Icon(
                ICON_PITCH // 2 + column * ICON_PITCH,
                ICON_PITCH // 2 + row * ICON_PITCH,
                f"{kind} ia-range" if in_range else kind,
                ICON_FILL[kind],
                RANGE_RING if in_range else ICON_OUTLINE,
                1.4 if in_range else 0.8,
            )
        )
    return tuple(icons)


def population_of(kidney: str) -> Population:
    """Lupus nephritis evidence only when the reader says their kidneys are affected."""
    return Population.NEPHRITIS if kidney == "yes" else Population.ALL


def chosen_options(values: list[str]) -> tuple[OptionKey, ...]:
    """The options the reader ticked (all of them when none or only unknown ones are given)."""
    known = {option.value: option for option in OptionKey}
    chosen = tuple(known[value] for value in values if value in known)
    return chosen or tuple(OptionKey)


def value_items(query: Mapping[str, str]) -> tuple[ValueItem, ...]:
    """The statements with the reader's ratings from ``v_<key>`` (1-5; anything else ignored)."""
    valid = {str(score) for score, _ in IMPORTANCE}
    return tuple(
        ValueItem(
            key,
            label,
            hint,
            int(query[f"v_{key}"]) if query.get(f"v_{key}") in valid else None,
        )
        for key, label, hint in VALUE_STATEMENTS
    )


def sure_answers(query: Mapping[str, str]) -> dict[str, str]:
    """The SURE answers given (``yes`` or ``no``), keyed by item."""
    return {
        key: query[f"sure_{key}"]
        for key, _ in SURE_QUESTIONS
        if query.get(f"sure_{key}") in ("yes", "no")
    }


def range_text(frequency: NaturalFrequency) -> str:
    """ "range 48 to 92", or a plain statement that no range was published."""
    if frequency.low_per_100 is None or frequency.high_per_100 is None:
        return "no range was published"
    return f"range {frequency.low_per_100} to {frequency.high_per_100}"
