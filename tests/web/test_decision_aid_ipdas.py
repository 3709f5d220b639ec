"""The IPDAS checklist as tests on the rendered decision aid, one test per criterion.

Criteria: Joseph-Williams N et al. Toward minimum standards for certifying patient decision aids.
Med Decis Making 2014;34:699-710, doi:10.1177/0272989X13501721 (Q1-Q6 qualifying, C1-C6
certification), and Elwyn G et al. BMJ 2006;333:417, doi:10.1136/bmj.38926.629329.AE (quality
criteria on probabilities, values clarification and guidance). Accessibility: WCAG 2.1
(https://www.w3.org/TR/WCAG21/), success criteria named on each test.
"""

from __future__ import annotations

import itertools
import re

import lupus_sct.rendering.decision_aid as decision_aid_module
from lupus_sct.domain.evidence.studies import MEMORY_CAUTION
from lupus_sct.rendering.icon_array import ICON_FILL, ICON_OUTLINE, RANGE_RING
from web.decision_aid_html import Node, client, page

OPTION_NAMES = ("Standard treatment", "Stem cell transplant", "MSC", "CAR-T (trial)")
STAGES = (  # the pathway's stages, docs/spec/pathway.md §2 to §9
    "Referral",
    "Check-ups before treatment",
    "Collecting cells",
    "Preparing the body",
    "Treatment day (day 0)",
    "Low blood counts",
    "Recovery",
    "Follow-up",
)
OUT_OF = re.compile(r"[Oo]ut of (\d+) people")


def _section(node: Node, section_id: str) -> Node:
    return node.find("section", id=section_id)


def _option_cards() -> list[Node]:
    return page().find_all("article", class_="option")


def _cells(root: Node | None = None) -> list[Node]:
    return (root or page()).find_all("div", class_="cell")


# Qualifying criteria (Joseph-Williams 2014, Table 2)


def test_q1_describes_the_health_condition() -> None:
    text = _section(page(), "condition").text()
    assert "systemic lupus erythematosus" in text
    assert "immune system attacks" in text
    assert "lupus nephritis" in text


def test_q2_explicitly_states_the_decision() -> None:
    text = _section(page(), "decision").text()
    assert (
        "The decision: should you keep stepping up standard treatment, or try a cell therapy?"
        in text
    )


def test_q3_identifies_the_options_available() -> None:
    headings = [card.find("h3").text() for card in _option_cards()]
    assert len(headings) == 4
    assert any("standard treatment" in h for h in headings)
    assert any("stem cell transplant (HSCT)" in h for h in headings)
    assert any("Mesenchymal stromal cells (MSC)" in h for h in headings)
    assert any("CAR-T cell therapy, within a clinical trial" in h for h in headings)


def test_q4_describes_the_positive_features_of_each_option() -> None:
    for card in _option_cards():
        assert card.find("ul", class_="good").find_all("li")
    benefit_sections = [
        s for s in page().find_all("section", class_="outcome") if "Benefit:" in s.find("h3").text()
    ]
    assert benefit_sections
    for section in benefit_sections:
        assert [c.find("h4").text() for c in _cells(section)] == list(OPTION_NAMES)


def test_q5_describes_the_negative_features_of_each_option() -> None:
    for card in _option_cards():
        assert card.find("ul", class_="downsides").find_all("li")
    harm_sections = [
        s for s in page().find_all("section", class_="outcome") if "Harm:" in s.find("h3").text()
    ]
    assert len(harm_sections) >= 3
    for section in harm_sections:
        assert [c.find("h4").text() for c in _cells(section)] == list(OPTION_NAMES)


def test_q6_describes_what_it_is_like_to_go_through_each_option_step_by_step() -> None:
    timelines = _section(page(), "steps").find_all("article", class_="timeline")
    assert len(timelines) == 4
    for timeline in timelines:
        stages = [li.find("strong").text().rstrip(".") for li in timeline.find_all("li")]
        assert tuple(stages) == STAGES
    hsct = timelines[1].text()
    assert "day 0" in _section(page(), "steps").text().lower()
    assert "hospital" in hsct
    assert "infection" in hsct.lower()


# Certification criteria (Joseph-Williams 2014, Table 3)


def test_c1_shows_positive_and_negative_features_with_equal_detail() -> None:
    counts = {
        (
            len(c.find("ul", class_="good").find_all("li")),
            len(c.find("ul", class_="downsides").find_all("li")),
        )
        for c in _option_cards()
    }
    assert len(counts) == 1
    good, bad = counts.pop()
    assert good == bad
    per_option: dict[str, set[str]] = {}
    for cell in _cells():
        per_option.setdefault(cell.attrs["data-option"], set()).add(cell.attrs["data-outcome"])
    assert len(per_option) == 4
    assert len({frozenset(outcomes) for outcomes in per_option.values()}) == 1


def test_c2_provides_citations_to_the_evidence() -> None:
    sources = _section(page(), "sources")
    cited = {li.attrs["id"].removeprefix("cite-"): li.text() for li in sources.find_all("li")}
    # Jayne 2004 (EBMT registry, PMID 15119545) and Deng 2017 (the MSC RCT, PMID 28478399)
    # are in docs/spec/evidence.md §1 with these identifiers.
    assert "PMID:15119545" in cited["JAYNE2004"]
    assert "PMID:28478399" in cited["DENG2017"]
    for cell in _cells():
        for study_list in cell.find_all("ul", class_="study-list"):
            for item in study_list.find_all("li"):
                author_year = re.match(r"(.+) ((?:19|20)\d\d):", item.text())
                assert author_year, item.text()
                assert any(author_year.group(1) in entry for entry in cited.values())


def test_c3_provides_a_production_date_and_the_date_of_the_evidence() -> None:
    text = _section(page(), "sources").text()
    assert "Produced on 2026-06-01" in text  # the fixed clock of the test app
    assert re.search(r"published from (19|20)\d\d to (19|20)\d\d", text)


def test_c4_provides_information_about_the_update_policy() -> None:
    text = page().find(id="update-policy").text()
    assert "recalculated from the lupus-sct evidence table every time" in text
    assert "at least once a year" in text


def test_c5_provides_the_uncertainty_around_outcome_probabilities() -> None:
    captions = page().find_all("figcaption", class_="ia-text")
    assert captions
    for caption in captions:
        assert re.search(r"range \d+ to \d+|no range was published", caption.text())
    assert "95% range" in _section(page(), "numbers").text()
    assert "Not very sure" in _section(page(), "uncertainty").text()


def test_c6_provides_information_about_funding_and_competing_interests() -> None:
    text = page().find(id="funding").text()
    assert "No specific funding" in text
    assert "competing interests" in text


# Quality criteria on probabilities (Elwyn 2006; IPDASi)


def test_outcome_probabilities_use_the_same_denominator_for_every_option() -> None:
    denominators = {int(n) for n in OUT_OF.findall(_section(page(), "numbers").text())}
    assert denominators == {100}


def test_outcome_probabilities_use_the_same_time_period_for_every_option() -> None:
    for section in page().find_all("section", class_="outcome"):
        horizons = section.find_all("p", class_="horizon")
        assert len(horizons) == 1
        assert horizons[0].text().startswith("Time period:")
        assert len(_cells(section)) == 4


def test_event_rates_are_natural_frequencies_in_whole_people() -> None:
    for caption in page().find_all("figcaption", class_="ia-text"):
        text = caption.text()
        assert "%" not in text
        assert not re.search(r"\d\.\d", text)


def test_positive_and_negative_frames_are_both_given_and_add_up_to_100() -> None:
    for caption in page().find_all("figcaption", class_="ia-text"):
        match = re.search(r"about (\d+) .* and (\d+) ", caption.text())
        assert match, caption.text()
        assert int(match.group(1)) + int(match.group(2)) == 100


def test_probabilities_can_be_viewed_in_more_than_one_way() -> None:
    numbers = _section(page(), "numbers")
    assert numbers.find("table", class_="fact-box")  # numbers in a table
    assert numbers.find_all("svg")  # diagrams
    assert numbers.find_all("figcaption", class_="ia-text")  # words


def test_the_reference_class_of_people_like_you_is_described() -> None:
    assert '"People like you" means people in the studies' in _section(page(), "numbers").text()


def test_unknown_outcomes_are_said_to_be_not_known_rather_than_guessed() -> None:
    cells = [c for c in _cells() if "cell-not_known" in c.classes]
    assert cells
    for cell in cells:
        assert "Not known" in cell.text()
        assert not cell.find_all("svg")


def test_the_numbers_are_personalised_for_lupus_nephritis() -> None:
    general = page().find("div", data_option="msc", data_outcome="remission_6m").text()
    kidney = page("?kidney=yes").find("div", data_option="msc", data_outcome="remission_6m").text()
    # Gu 2014 (49/81) and Deng 2017 (9/12) studied lupus nephritis; Wang 2014 (13/40) did not
    # (docs/spec/evidence.md §1b).
    assert "from 13 of 40 people" in general
    assert "from 13 of 40 people" not in kidney
    assert "from 49 of 81 people" in kidney
    assert "from 9 of 12 people" in kidney
    hsct = page("?kidney=yes").find("div", data_option="hsct", data_outcome="remission_6m").text()
    assert "No separate figure for lupus nephritis" in hsct


def test_the_reader_can_choose_which_options_to_compare() -> None:
    tailored = page("?option=hsct&option=car-t")
    names = [card.find("h3").text() for card in tailored.find_all("article", class_="option")]
    assert len(names) == 2
    assert "HSCT" in names[0]
    assert "CAR-T" in names[1]


def test_rows_from_memory_carry_the_caution() -> None:
    cell = page().find("div", data_option="hsct", data_outcome="remission_5y")
    burt_2006 = [li for li in cell.find_all("li") if li.text().startswith("Burt RK 2006")]
    assert burt_2006
    assert MEMORY_CAUTION in burt_2006[0].text()


def test_values_clarification_asks_what_matters_most_and_works_without_javascript() -> None:
    form = _section(page(), "values").find("form")
    assert form.attrs["method"] == "get"
    scales = form.find_all("fieldset", class_="scale")
    assert len(scales) >= 5
    for fieldset in scales:
        assert len(fieldset.find_all("input", type="radio")) == 5
    answered = page("?values=1&v_safety=5&v_remission=2&sure_sure=no")
    result = answered.find("section", id="values-result").text()
    assert "Avoiding any risk of dying from the treatment: extremely important" in result
    assert "more information or support" in result


def test_guidance_lists_questions_to_ask_a_doctor_or_centre() -> None:
    headings = [h.text() for h in _section(page(), "questions").find_all("h3")]
    assert headings == [
        "Qualifications and specialty",
        "Experience and volume",
        "Outcomes",
        "Cell type",
        "Side effects",
        "Cost",
    ]


def test_how_the_evidence_was_selected_and_combined_is_described() -> None:
    text = _section(page(), "uncertainty").text()
    assert "nobody is counted twice" in text
    assert "random-effects meta-analysis" in text


def test_authorship_is_stated_honestly() -> None:
    text = page().find(id="authorship").text()
    assert text == decision_aid_module.AUTHORSHIP
    assert "not yet reviewed by a clinician or a patient panel" in text
    assert not re.search(r"placeholder|TBD|lorem|\[name\]", page().text(), re.IGNORECASE)


def test_the_aid_does_not_recommend_an_option() -> None:
    text = page().text().lower()
    for phrase in ("we recommend", "best option", "you should choose", "the right choice is"):
        assert phrase not in text
    assert "does not tell you what to choose" in text


def test_plain_language_short_sentences_and_expanded_abbreviations() -> None:
    paragraphs = [p.text() for p in _section(page(), "summary").iter() if p.tag == "p"]
    for section_id in ("condition", "decision", "uncertainty", "values"):
        paragraphs += [p.text() for p in _section(page(), section_id).find_all("p")]
    sentences = [s for text in paragraphs for s in re.split(r"(?<=[.?!])\s+", text) if s]
    words = sum(len(s.split()) for s in sentences)
    assert words / len(sentences) <= 20  # a common plain-language ceiling for sentence length
    for abbr in page().find_all("abbr"):
        assert abbr.attrs.get("title")


# Accessibility (WCAG 2.1)


def test_every_form_control_has_a_label() -> None:  # WCAG 1.3.1, 3.3.2, 4.1.2
    root = page()
    label_targets = {label.attrs.get("for") for label in root.find_all("label")}
    controls = [
        n
        for n in root.iter()
        if n.tag in ("input", "select", "textarea") and n.attrs.get("type") != "hidden"
    ]
    assert controls
    for control in controls:
        assert control.attrs.get("id") in label_targets or control.attrs.get("aria-label")
    for fieldset in root.find_all("fieldset"):
        assert fieldset.find("legend").text()


def test_every_icon_array_has_a_text_alternative() -> None:  # WCAG 1.1.1
    figures = page().find_all("figure", class_="ia")
    assert figures
    for figure in figures:
        svg = figure.find("svg")
        assert svg.attrs["role"] == "img"
        title, desc = svg.find("title"), svg.find("desc")
        assert title.text()
        assert desc.text()
        assert svg.attrs["aria-labelledby"].split() == [title.attrs["id"], desc.attrs["id"]]
        assert figure.find("figcaption", class_="ia-text").text().startswith("Out of 100 people")


def test_images_have_alternative_text() -> None:  # WCAG 1.1.1
    for image in page().find_all("img"):
        assert "alt" in image.attrs
    for svg in page().find_all("svg"):
        assert svg.attrs.get("role") == "img" or svg.attrs.get("aria-hidden") == "true"


def test_headings_start_at_one_h1_and_never_skip_a_level() -> None:  # WCAG 1.3.1, 2.4.6
    levels = [int(n.tag[1]) for n in page().iter() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    for previous, current in itertools.pairwise(levels):
        assert current <= previous + 1, (previous, current)


def test_the_page_states_its_language_and_has_a_title() -> None:  # WCAG 3.1.1, 2.4.2
    root = page()
    assert root.find("html").attrs["lang"] == "en"
    assert root.find("title").text()


def test_the_page_needs_no_inline_script_or_style_and_loads_nothing_from_outside() -> None:
    root = page()  # the app's CSP forbids 'unsafe-inline'; no CDN, no network
    assert not root.find_all("style")
    for script in root.find_all("script"):
        assert script.attrs.get("src", "").startswith("/")
    for node in root.iter():
        assert "style" not in node.attrs
        assert not any(name.startswith("on") for name in node.attrs)
        for name in ("src", "href"):
            assert not node.attrs.get(name, "").startswith(("http:", "https:", "//"))
    stylesheet = root.find("link", rel="stylesheet").attrs["href"]
    assert client().get(stylesheet).status_code == 200


def test_the_page_is_public() -> None:
    response = client().get("/decision-aid")
    assert response.status_code == 200
    assert "login" not in str(response.url)


# Colour contrast: WCAG 2.1 relative luminance and contrast ratio (definitions in
# https://www.w3.org/TR/WCAG21/#dfn-relative-luminance and #dfn-contrast-ratio).

CSS = decision_aid_module.stylesheet_text()
PAGE_BACKGROUND = "#ffffff"


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_wcag_reference_values() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0  # WCAG 2.1: black on white
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48  # WebAIM checker: #777 on #fff


def _css_rules() -> list[tuple[str, dict[str, str]]]:
    body = re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)
    rules = []
    for selector, declarations in re.findall(r"([^{}]+)\{([^{}]*)\}", body):
        props = {}
        for declaration in declarations.split(";"):
            if ":" in declaration:
                name, value = declaration.split(":", 1)
                props[name.strip()] = value.strip()
        rules.append((selector.strip(), props))
    return rules


def test_every_text_colour_has_a_contrast_of_at_least_4_5_to_1() -> None:  # WCAG 1.4.3
    pairs = []
    for selector, props in _css_rules():
        if "color" in props:
            background = props.get("background-color", PAGE_BACKGROUND)
            pairs.append((selector, props["color"], background))
    assert len(pairs) >= 8
    for selector, colour, background in pairs:
        assert re.fullmatch(r"#[0-9a-f]{6}", colour)
        assert re.fullmatch(r"#[0-9a-f]{6}", background)
        assert contrast_ratio(colour, background) >= 4.5, (selector, colour, background)


def test_icon_colours_have_a_contrast_of_at_least_3_to_1() -> None:  # WCAG 1.4.11
    for colour in (ICON_FILL["ia-benefit"], ICON_FILL["ia-harm"], ICON_OUTLINE, RANGE_RING):
        assert contrast_ratio(colour, PAGE_BACKGROUND) >= 3.0, colour
