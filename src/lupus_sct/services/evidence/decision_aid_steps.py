"""What each option involves, step by step, in plain words (IPDAS qualifying criterion 6).

References
----------
docs/spec/pathway.md §1 to §9 (referral, work-up, mobilisation, conditioning, day 0,
aplasia, engraftment and discharge, follow-up; the MSC and CAR-T pathways), and
docs/spec/evidence.md §2a and §3 (timelines and rates).

Notes
-----
Every option has the same eight stages, so the page gives each the same detail; a stage an option
does not have says so. Statements the pathway marks "general practice" are worded as "usually".
"""

from __future__ import annotations

from dataclasses import dataclass

from lupus_sct.services.evidence.decision_aid_outcomes import OptionKey

STAGES: tuple[str, ...] = (
    "Referral",
    "Check-ups before treatment",
    "Collecting cells",
    "Preparing the body",
    "Treatment day (day 0)",
    "Low blood counts",
    "Recovery",
    "Follow-up",
)


@dataclass(frozen=True)
class Step:
    """One stage of one option; ``applies`` is False when the option has no such stage."""

    stage: str
    text: str
    applies: bool = True


def _steps(*texts: str | None) -> tuple[Step, ...]:
    return tuple(
        Step(stage, text or "This step is not part of this option.", text is not None)
        for stage, text in zip(STAGES, texts, strict=True)
    )


STEPS: dict[OptionKey, tuple[Step, ...]] = {
    OptionKey.STANDARD: _steps(
        "Your lupus doctor (a rheumatologist, often with a kidney doctor) reviews your "
        "treatment. No referral to another centre is needed.",
        "Blood and urine tests, and sometimes a kidney biopsy, show how active the lupus is.",
        None,
        None,
        "You change or add medicines: for example higher doses, mycophenolate, "
        "cyclophosphamide drips, or a biologic medicine such as belimumab or rituximab. "
        "Most are tablets, injections or drips given as an outpatient.",
        "Some medicines lower your blood counts a little. Your team checks this with blood tests.",
        "How quickly the medicines work is not covered by the evidence this aid uses. Steroid "
        "doses are usually lowered step by step.",
        "Clinic visits and blood and urine tests every few months, for life.",
    ),
    OptionKey.HSCT: _steps(
        "Your doctor refers you to a transplant centre that has both blood specialists and lupus "
        "specialists. A team meeting decides whether the transplant is right for you.",
        "Tests of your heart, lungs, kidneys and liver, checks for infections, a talk about "
        "fertility (and storing eggs or sperm), and a talk about how you are coping. You give "
        "written consent.",
        "A drip of cyclophosphamide, then daily injections (G-CSF) for about 10 days, move stem "
        "cells from your bone marrow into your blood. A machine collects them from your blood "
        "over 1 or more days. They are frozen until needed.",
        "In hospital, high-dose chemotherapy (cyclophosphamide) over about 4 days, with "
        "antibody drips (ATG, sometimes rituximab), switches off the immune system.",
        "Your own stem cells are given back through a drip, like a blood transfusion.",
        "For about 9 to 13 days you have almost no white blood cells. Infections and mouth "
        "sores are common. You get medicines against infection, and transfusions.",
        "Blood counts recover, and most people go home about 2 to 3 weeks after they were "
        "admitted.",
        "Visits at about 1 month, 3 months, 6 months and 12 months, then every year to at least "
        "5 years.",
    ),
    OptionKey.MSC: _steps(
        "Usually within a research study. Your doctor refers you to a centre running the study.",
        "Blood and urine tests, infection checks and the study's entry checks. You give "
        "written consent.",
        "Not needed from you: the cells come from a donor (bone marrow or umbilical cord) and "
        "are grown in a laboratory.",
        None,
        "The cells are given through a drip. Some studies give a second drip a week later. Your "
        "usual lupus medicines continue.",
        None,
        "There is no period of low blood counts to recover from.",
        "Visits at about 6 and 12 months, and in some studies up to 5 years.",
    ),
    OptionKey.CAR_T: _steps(
        "Only within a clinical trial. Your doctor refers you to a centre running the trial.",
        "Tests of your heart, lungs, kidneys and liver, infection checks (including a COVID "
        "test), and the trial's entry checks. You give written consent.",
        "A machine collects some of your white blood cells (T cells). Over several weeks a "
        "laboratory changes them so that they attack the B cells that drive lupus. Lupus "
        "medicines are often lowered or stopped.",
        "Mild chemotherapy (fludarabine and cyclophosphamide) for 3 days, about 5 to 3 days "
        "before the treatment.",
        "The changed cells are given back through a drip.",
        "Fever and sometimes low blood pressure (cytokine release syndrome), usually 5 to 11 "
        "days after the drip, so you are watched closely. Blood counts often drop, more so "
        "with some products.",
        "B cells come back after about 3 to 4 months. You get specially treated (irradiated) "
        "blood if you need a transfusion, for at least 3 months.",
        "Close trial visits for the first months, then regular visits for years.",
    ),
}


@dataclass(frozen=True)
class Features:
    """The good things and the downsides of one option, the same number of each."""

    good: tuple[str, ...]
    downsides: tuple[str, ...]


# docs/spec/evidence.md §1 and §2; docs/spec/pathway.md §1 to §9
FEATURES: dict[OptionKey, Features] = {
    OptionKey.STANDARD: Features(
        (
            "No transplant and no experimental treatment: it is available now, near home.",
            "There are several medicines to try, and they can be changed step by step.",
            "In lupus nephritis, the one blinded trial found standard treatment worked as well "
            "as standard treatment plus MSC (Deng 2017).",
        ),
        (
            "Your lupus is already hard to control. This aid has no numbers on how often more "
            "standard treatment helps then, except in one small kidney trial.",
            "Years of steroids and other medicines that lower the immune system have side "
            "effects, such as heart disease and thin bones.",
            "It usually means taking medicines for life.",
        ),
    ),
    OptionKey.HSCT: Features(
        (
            "The cell therapy with the longest experience in lupus (since the late 1990s). "
            "Transplant experts in Europe (EBMT) call it a clinical option.",
            "Many people can stop their lupus medicines, at least for some years.",
            "In some people lupus stays quiet for 5 years or more.",
        ),
        (
            "Some people die because of the treatment. The risk was higher in centres that "
            "do few transplants.",
            "Weeks in hospital with very low blood counts and a high chance of infection. The "
            "strong chemotherapy can affect fertility.",
            "Lupus comes back in many people over the following years.",
        ),
    ),
    OptionKey.MSC: Features(
        (
            "No chemotherapy beforehand and no period of very low blood counts.",
            "Few side effects were reported, and your usual medicines continue alongside.",
            "Open studies, mostly from China, reported improvement in about 6 in 10 people.",
        ),
        (
            "The only blinded trial (Deng 2017) found no extra benefit over standard treatment "
            "and was stopped early.",
            "Mostly available only in research studies. The cells, doses and schedules differ "
            "between centres.",
            "Long-term effects are not well known.",
        ),
    ),
    OptionKey.CAR_T: Features(
        (
            "In small early studies, lupus went into remission in most people within 3 to 6 "
            "months, often with no lupus medicines at all.",
            "A single treatment. B cells come back after 3 to 4 months, and in most people "
            "followed so far the remission lasted.",
            "The chemotherapy beforehand is milder than for a stem cell transplant.",
        ),
        (
            "Only a few dozen people with lupus have been reported, for up to about 2 to 4 "
            "years. Long-term risks are not known.",
            "A reaction with fever (cytokine release syndrome) is common, though mostly mild. "
            "Blood counts drop, and confusion (ICANS) happens rarely.",
            "Only within clinical trials, at few centres, after weeks of making the cells. You "
            "may need to travel.",
        ),
    ),
}
