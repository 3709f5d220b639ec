"""The reader's choices on the decision aid, read from the query: tailoring, values form, SURE test.

The icon arrays and the page itself are drawn in :mod:`lupus_sct.rendering.decision_aid`.

References
----------
Elwyn G et al. BMJ 2006;333:417. doi:10.1136/bmj.38926.629329.AE (IPDAS: values clarification).
Legare F et al. Are you SURE? Assessing patient decisional conflict with a 4-item screening test.
Can Fam Physician 2010;56(8):e308-e314. PMID:20705870 (the SURE test).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lupus_sct.services.evidence.decision_aid_outcomes import OptionKey, Population

IMPORTANCE = (  # a 5-point importance scale, one label per point
    (1, "Not important"),
    (2, "A little important"),
    (3, "Quite important"),
    (4, "Very important"),
    (5, "Extremely important"),
)


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
