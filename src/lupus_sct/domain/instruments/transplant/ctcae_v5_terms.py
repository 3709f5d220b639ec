"""The adverse-event terms the platform accepts: CTCAE v5.0 terms (and ASTCT 2019 ICANS).

References
----------
National Cancer Institute. Common Terminology Criteria for Adverse Events (CTCAE) v5.0,
27 November 2017 (the term column of the CTCAE v5.0 table, grouped by MedDRA system organ class).
Lee DW, et al. ASTCT consensus grading for cytokine release syndrome and neurologic toxicity
associated with immune effector cells. Biol Blood Marrow Transplant 2019;25:625-638.
doi:10.1016/j.bbmt.2018.12.758 (ICANS, a term CTCAE v5.0 lacks).

Notes
-----
- A term is coded, not typed: free text in a term field carried names and places into the
  de-identified export (issue #15, finding 10). Input is refused unless it is one of these
  terms, spelled exactly as in the table; an event with no specific term takes its system organ
  class's "- Other, specify" term, and its specification never goes in the term field.
- The list is the subset of the 837 CTCAE v5.0 terms that a lupus cell-therapy pathway reports
  (cytopenias, infections, CRS, organ toxicities, glucocorticoid and conditioning effects) plus
  every "- Other, specify" term of those classes. A term missing here is added from the NCI
  table, with its exact spelling; it is never accepted as typed.
- Records stored before this rule keep their text; the de-identified export withholds any term
  not in this list (:mod:`lupus_sct.interop.deidentify`).
"""

from __future__ import annotations

from lupus_sct.domain.errors import InvalidValueError

ICANS_TERM = "Immune effector cell-associated neurotoxicity syndrome"  # ASTCT 2019 (Lee 2019)

_BY_SYSTEM_ORGAN_CLASS: dict[str, tuple[str, ...]] = {
    "Blood and lymphatic system disorders": (
        "Anemia",
        "Bone marrow hypocellular",
        "Disseminated intravascular coagulation",
        "Febrile neutropenia",
        "Hemolysis",
        "Hemolytic uremic syndrome",
        "Leukocytosis",
        "Thrombotic thrombocytopenic purpura",
    ),
    "Cardiac disorders": (
        "Atrial fibrillation",
        "Atrial flutter",
        "Cardiac arrest",
        "Chest pain - cardiac",
        "Heart failure",
        "Left ventricular systolic dysfunction",
        "Myocardial infarction",
        "Myocarditis",
        "Pericardial effusion",
        "Pericarditis",
        "Sinus bradycardia",
        "Sinus tachycardia",
        "Supraventricular tachycardia",
        "Ventricular tachycardia",
    ),
    "Endocrine disorders": (
        "Adrenal insufficiency",
        "Cushingoid",
        "Hyperthyroidism",
        "Hypothyroidism",
    ),
    "Eye disorders": ("Blurred vision", "Cataract", "Dry eye"),
    "Gastrointestinal disorders": (
        "Abdominal pain",
        "Colitis",
        "Constipation",
        "Diarrhea",
        "Dyspepsia",
        "Dysphagia",
        "Enterocolitis",
        "Esophagitis",
        "Gastritis",
        "Lower gastrointestinal hemorrhage",
        "Mucositis oral",
        "Nausea",
        "Pancreatitis",
        "Upper gastrointestinal hemorrhage",
        "Vomiting",
    ),
    "General disorders and administration site conditions": (
        "Chills",
        "Death NOS",
        "Edema limbs",
        "Fatigue",
        "Fever",
        "Flu like symptoms",
        "Infusion related reaction",
        "Injection site reaction",
        "Malaise",
        "Multi-organ failure",
        "Pain",
        "Sudden death NOS",
    ),
    "Hepatobiliary disorders": ("Hepatic failure", "Portal hypertension"),
    "Immune system disorders": (
        "Allergic reaction",
        "Anaphylaxis",
        "Autoimmune disorder",
        "Cytokine release syndrome",
    ),
    "Infections and infestations": (
        "Bladder infection",
        "Bone infection",
        "Catheter related infection",
        "Cytomegalovirus infection reactivation",
        "Device related infection",
        "Encephalitis infection",
        "Endocarditis infective",
        "Enterocolitis infectious",
        "Epstein-Barr virus infection reactivation",
        "Hepatitis B reactivation",
        "Hepatitis viral",
        "Herpes simplex reactivation",
        "Joint infection",
        "Kidney infection",
        "Lung infection",
        "Meningitis",
        "Mucosal infection",
        "Sepsis",
        "Sinusitis",
        "Skin infection",
        "Soft tissue infection",
        "Upper respiratory infection",
        "Urinary tract infection",
        "Wound infection",
    ),
    "Injury, poisoning and procedural complications": ("Fall", "Fracture"),
    "Investigations": (
        "Activated partial thromboplastin time prolonged",
        "Alanine aminotransferase increased",
        "Alkaline phosphatase increased",
        "Aspartate aminotransferase increased",
        "Blood bilirubin increased",
        "CD4 lymphocytes decreased",
        "Creatinine increased",
        "Ejection fraction decreased",
        "Fibrinogen decreased",
        "GGT increased",
        "INR increased",
        "Lipase increased",
        "Lymphocyte count decreased",
        "Lymphocyte count increased",
        "Neutrophil count decreased",
        "Platelet count decreased",
        "Serum amylase increased",
        "Weight gain",
        "Weight loss",
        "White blood cell decreased",
    ),
    "Metabolism and nutrition disorders": (
        "Anorexia",
        "Dehydration",
        "Hypercalcemia",
        "Hyperglycemia",
        "Hyperkalemia",
        "Hypernatremia",
        "Hyperuricemia",
        "Hypoalbuminemia",
        "Hypocalcemia",
        "Hypokalemia",
        "Hypomagnesemia",
        "Hyponatremia",
        "Hypophosphatemia",
        "Iron overload",
        "Tumor lysis syndrome",
    ),
    "Musculoskeletal and connective tissue disorders": (
        "Arthralgia",
        "Avascular necrosis",
        "Back pain",
        "Bone pain",
        "Myalgia",
        "Myositis",
        "Osteoporosis",
    ),
    "Neoplasms benign, malignant and unspecified (incl cysts and polyps)": (
        "Treatment related secondary malignancy",
    ),
    "Nervous system disorders": (
        "Cognitive disturbance",
        "Depressed level of consciousness",
        "Dizziness",
        "Dysgeusia",
        "Encephalopathy",
        "Headache",
        "Intracranial hemorrhage",
        "Peripheral motor neuropathy",
        "Peripheral sensory neuropathy",
        "Posterior reversible encephalopathy syndrome",
        "Seizure",
        "Somnolence",
        "Stroke",
        "Syncope",
        "Tremor",
    ),
    "Psychiatric disorders": (
        "Agitation",
        "Anxiety",
        "Confusion",
        "Delirium",
        "Depression",
        "Insomnia",
    ),
    "Renal and urinary disorders": (
        "Acute kidney injury",
        "Chronic kidney disease",
        "Cystitis noninfective",
        "Hematuria",
        "Proteinuria",
        "Urinary retention",
    ),
    "Respiratory, thoracic and mediastinal disorders": (
        "Adult respiratory distress syndrome",
        "Cough",
        "Dyspnea",
        "Epistaxis",
        "Hypoxia",
        "Pleural effusion",
        "Pneumonitis",
        "Pulmonary edema",
        "Pulmonary fibrosis",
        "Pulmonary hypertension",
        "Respiratory failure",
        "Sore throat",
    ),
    "Skin and subcutaneous tissue disorders": (
        "Alopecia",
        "Dry skin",
        "Erythema multiforme",
        "Pruritus",
        "Rash acneiform",
        "Rash maculo-papular",
        "Skin hyperpigmentation",
        "Stevens-Johnson syndrome",
        "Toxic epidermal necrolysis",
        "Urticaria",
    ),
    "Vascular disorders": (
        "Capillary leak syndrome",
        "Hematoma",
        "Hypertension",
        "Hypotension",
        "Thromboembolic event",
        "Vasculitis",
    ),
}
_OTHER_SPECIFY = tuple(
    f"{soc} - Other, specify"
    for soc in _BY_SYSTEM_ORGAN_CLASS
    if not soc.startswith(("Neoplasms", "Musculoskeletal"))
)
ADVERSE_EVENT_TERMS: frozenset[str] = frozenset(
    {term for terms in _BY_SYSTEM_ORGAN_CLASS.values() for term in terms}
    | set(_OTHER_SPECIFY)
    | {ICANS_TERM}
)
ACCEPTED_TERMS = (
    "a CTCAE v5.0 term spelled as in the NCI table, e.g. 'Febrile neutropenia', 'Nausea', "
    "'Cytokine release syndrome', or '<system organ class> - Other, specify' "
    f"(or the ASTCT 2019 '{ICANS_TERM}')"
)


def is_coded_term(text: str) -> bool:
    """Whether ``text`` is exactly one of :data:`ADVERSE_EVENT_TERMS`."""
    return text in ADVERSE_EVENT_TERMS


def check_adverse_event_term(text: str) -> None:
    """Refuse an uncoded term (:class:`InvalidValueError` on ``adverse_event.ctcae_term``)."""
    if not is_coded_term(text):
        raise InvalidValueError("adverse_event.ctcae_term", text, ACCEPTED_TERMS)
