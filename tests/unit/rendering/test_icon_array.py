"""Icon arrays of the decision aid: 100 people, the first ``per_100`` shaded, the range ringed.

IPDAS (Elwyn 2006, doi:10.1136/bmj.38926.629329.AE) asks for probabilities shown as diagrams
with a common denominator; the denominator here is 100 people.
"""

from __future__ import annotations

from lupus_sct.rendering.icon_array import (
    ICON_FILL,
    ICON_OUTLINE,
    RANGE_RING,
    icon_array,
    range_text,
)
from lupus_sct.services.evidence.decision_aid import NaturalFrequency


def test_an_icon_array_shades_per_100_people_and_rings_the_range() -> None:
    icons = icon_array(NaturalFrequency(30, 20, 45, "one study"), is_benefit=True)
    assert len(icons) == 100
    assert [i.fill for i in icons].count(ICON_FILL["ia-benefit"]) == 30
    ringed = [index for index, icon in enumerate(icons) if icon.stroke == RANGE_RING]
    assert ringed == list(range(20, 45))  # low inclusive, high exclusive: 25 people
    assert all("ia-range" in icons[i].css_class for i in ringed)
    assert icons[0].stroke == ICON_OUTLINE


def test_icons_are_laid_out_ten_to_a_row() -> None:
    icons = icon_array(NaturalFrequency(5, None, None, "one study"), is_benefit=False)
    assert (icons[0].x, icons[0].y) == (5, 5)
    assert (icons[9].x, icons[9].y) == (95, 5)
    assert (icons[10].x, icons[10].y) == (5, 15)
    assert (icons[99].x, icons[99].y) == (95, 95)
    assert {i.fill for i in icons[:5]} == {ICON_FILL["ia-harm"]}
    assert {i.fill for i in icons[5:]} == {ICON_FILL["ia-none"]}


def test_the_range_is_stated_in_words_or_said_to_be_missing() -> None:
    assert range_text(NaturalFrequency(64, 48, 92, "pooled")) == "range 48 to 92"
    assert range_text(NaturalFrequency(64, None, None, "pooled")) == "no range was published"
