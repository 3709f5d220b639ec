"""Every fit the meta-analysis returns can be drawn: an SVG forest plot with an accessible title."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lupus_sct.analytics.meta_analysis import EffectSizes, Measure, Model, meta_analyse
from lupus_sct.rendering.forest_plot import render_forest_plot

studies = st.lists(
    st.tuples(
        st.floats(min_value=-3, max_value=3, allow_nan=False),
        st.floats(min_value=0.005, max_value=2.0, allow_nan=False),
    ),
    min_size=2,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(data=studies, model=st.sampled_from(list(Model)))
def test_every_fit_draws_as_an_svg_forest_plot_with_a_title(data, model) -> None:
    effects = EffectSizes(Measure.GEN, tuple(y for y, _ in data), tuple(v for _, v in data))
    svg = render_forest_plot(
        effects, meta_analyse(effects, model), [f"S{i}" for i in range(effects.k)]
    )
    assert svg.startswith("<svg")
    assert "<title" in svg
