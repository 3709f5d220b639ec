"""The record codec round-trips every domain record, keeping "not evaluated" apart from zero."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.course import Apheresis, CourseEvent, EventKind
from lupus_sct.domain.records.assessment import Assessment, RaJointAssessment
from lupus_sct.services.record_codec import canonical_json, from_record, to_record

observed_pga = st.one_of(
    st.sampled_from(list(Missing)), st.floats(min_value=0, max_value=3, allow_nan=False)
)


@given(
    pga=observed_pga,
    descriptors=st.one_of(
        st.just(Missing.NOT_EVALUATED),
        st.lists(st.sampled_from(list(SledaiDescriptor)), unique=True).map(tuple),
    ),
    bilag=st.dictionaries(st.sampled_from(list(BilagDomain)), st.sampled_from(list(BilagGrade))),
    tjc=st.one_of(st.sampled_from(list(Missing)), st.integers(0, 28)),
)
def test_an_assessment_survives_the_round_trip(pga, descriptors, bilag, tjc) -> None:  # type: ignore[no-untyped-def]
    assessment = Assessment(
        "a",
        "p",
        date(2026, 3, 1),
        sledai_descriptors=descriptors,
        pga=pga,
        bilag=bilag,
        ra=RaJointAssessment(tjc28=tjc),
    )
    record = to_record(assessment)
    canonical_json(record)  # JSON-safe
    assert from_record(Assessment, record) == assessment


def test_not_evaluated_is_encoded_apart_from_zero() -> None:
    record = to_record(Apheresis(cd34_x10e6_per_kg=Missing.NOT_EVALUATED, volume_processed_l=0.0))
    assert record == {"cd34_x10e6_per_kg": {"missing": "not_evaluated"}, "volume_processed_l": 0.0}


def test_event_details_are_decoded_to_the_class_of_their_fields() -> None:
    event = CourseEvent("e", "c", EventKind.APHERESIS, date(2026, 1, 20), Apheresis(2.4, 12.0))
    assert from_record(CourseEvent, to_record(event)) == event
