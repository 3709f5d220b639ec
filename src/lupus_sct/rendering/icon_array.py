"""Icon arrays of the decision aid: 100 people as SVG circles, and the range in words.

References
----------
Elwyn G et al. BMJ 2006;333:417. doi:10.1136/bmj.38926.629329.AE (IPDAS: more than one way of
viewing probabilities - words, numbers, diagrams).
"""

from __future__ import annotations

from dataclasses import dataclass

from lupus_sct.services.evidence.decision_aid import DENOMINATOR, NaturalFrequency

ICONS_PER_ROW = 10
ICON_PITCH = 10  # SVG user units between icon centres
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


def range_text(frequency: NaturalFrequency) -> str:
    """ "range 48 to 92", or a plain statement that no range was published."""
    if frequency.low_per_100 is None or frequency.high_per_100 is None:
        return "no range was published"
    return f"range {frequency.low_per_100} to {frequency.high_per_100}"
