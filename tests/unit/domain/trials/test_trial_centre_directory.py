"""The centre directory answers the questions patients are told to ask (Snowden 2012: JACIE
accreditation; Alexander 2025: haematology with the disease specialists; CIBMTR: volume)."""

from __future__ import annotations

from lupus_sct.domain.evidence.centre_directory import (
    Accreditation,
    DirectoryCentre,
    MscSource,
    PublishedOutcome,
    Specialty,
    centre_facts,
)
from lupus_sct.domain.pathway.course import CourseKind
from trial_builders import LONDON, MANCHESTER

ON_PLATFORM = DirectoryCentre(
    code="NWU",
    name="Synthetic centre on the platform",
    city="Manchester",
    country="GB",
    geo_point=MANCHESTER,
    specialties=(Specialty.HAEMATOLOGY_ONCOLOGY, Specialty.RHEUMATOLOGY),
    accreditations=(Accreditation.FACT_JACIE,),
    therapies=(CourseKind.AUTOLOGOUS_HSCT, CourseKind.CAR_T),
    car_t_targets=("CD19",),
    uses_platform=True,
)
ELSEWHERE = DirectoryCentre(
    code="OTH",
    name="Synthetic centre elsewhere",
    city="London",
    country="GB",
    geo_point=LONDON,
    specialties=(Specialty.RHEUMATOLOGY,),
    accreditations=(),
    therapies=(CourseKind.MSC,),
    msc_sources=(MscSource.UMBILICAL_CORD,),
    published_outcomes=(PublishedOutcome(CourseKind.MSC, "synthetic summary", "Synthetic 2025"),),
)


def test_volume_comes_from_the_platform_and_is_unknown_elsewhere_never_zero() -> None:
    volumes = {"NWU": {CourseKind.AUTOLOGOUS_HSCT: 3, CourseKind.CAR_T: 1}}
    on, off = sorted(centre_facts([ELSEWHERE, ON_PLATFORM], volumes), key=lambda f: f.centre.code)
    assert on.volume_text().startswith("autologous_hsct 3, allogeneic_hsct 0, msc 0, car_t 1")
    assert off.procedure_volume is None
    assert off.volume_text().startswith("not known")


def test_the_answers_name_teams_accreditation_cells_volume_and_outcomes() -> None:
    (facts,) = centre_facts([ELSEWHERE], {})
    answers = dict(facts.answers())
    assert answers["Haematology/oncology and rheumatology teams together?"] == "no (rheumatology)"
    assert answers["Accredited for cellular therapy (FACT-JACIE)?"] == "none stated"
    assert answers["Which cell therapies are offered?"] == "msc (MSC from umbilical_cord)"
    assert answers["Published outcomes?"] == "msc: synthetic summary [Synthetic 2025]"
    assert ON_PLATFORM.combines_haematology_and_rheumatology


def test_centres_are_listed_nearest_first_and_filtered_by_therapy() -> None:
    facts = centre_facts([ON_PLATFORM, ELSEWHERE], {}, near=LONDON)
    assert [f.centre.code for f in facts] == ["OTH", "NWU"]
    assert facts[0].distance_km == 0.0
    car_t = centre_facts([ON_PLATFORM, ELSEWHERE], {}, therapy=CourseKind.CAR_T)
    assert [f.centre.code for f in car_t] == ["NWU"]
