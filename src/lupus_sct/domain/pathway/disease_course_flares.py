"""Inputs of the longitudinal derivation taken from the record between two visits.

References
----------
SELENA Flare Index: Petri M, Buyon J, Kim M. Lupus 1999;8:685-91; operational rules in
docs/spec/instruments.md §1. Derivable SLEDAI-2K descriptors: docs/spec/instruments.md
§1, last column of the descriptor table.

Notes
-----
SFI inputs are derived as decided in ADR 0002:

- new or worse manifestation: a SLEDAI-2K descriptor present now and not at the previous visit;
  severe if it is renal, CNS, vasculitis or myositis, or if haemolytic anaemia is new; mild or
  moderate if it is rash, alopecia, mucosal ulcers, pleurisy, pericarditis, arthritis or fever;
- prednisone increased: the prednisone-equivalent dose on the visit day is higher than on the
  previous visit day; doubled: at least twice a previous dose above zero;
- new drugs: an exposure started after the previous visit and on or before this one (RxNorm
  codes of cyclophosphamide, azathioprine, methotrexate and mycophenolate; NSAID or antimalarial
  by drug class);
- the mg/kg criterion needs a body weight, which the record does not hold: it is not applied;
- a hospitalisation recorded as "not evaluated" or "unknown" is not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from lupus_sct.domain.comparisons import above, at_least
from lupus_sct.domain.instruments.lupus.lldas_2016 import CNS_DESCRIPTORS, RENAL_DESCRIPTORS
from lupus_sct.domain.instruments.lupus.selena_flare_index import (
    SelenaFlare,
    SelenaFlareInput,
    classify_selena_flare,
)
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    SledaiDescriptor,
    SledaiMeasurements,
    sledai_2k_score,
)
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult, canonical_value
from lupus_sct.domain.records.medications import DrugClass, MedicationExposure

_D = SledaiDescriptor
SEVERE_DESCRIPTORS = (
    RENAL_DESCRIPTORS | CNS_DESCRIPTORS | {_D.VASCULITIS, _D.MYOSITIS}
)  # Petri 1999
MILD_DESCRIPTORS = frozenset(
    {_D.RASH, _D.ALOPECIA, _D.MUCOSAL_ULCERS, _D.PLEURISY, _D.PERICARDITIS, _D.ARTHRITIS, _D.FEVER}
)  # Petri 1999, mild/moderate column
CYC_AZA_MTX_RXCUI = frozenset(
    {"3002", "1256", "6851"}
)  # RxNorm: cyclophosphamide, azathioprine, methotrexate
MYCOPHENOLATE_RXCUI = frozenset({"68149"})  # RxNorm: mycophenolate mofetil
LAB_WBC, LAB_PLATELETS, LAB_TEMPERATURE, LAB_PROTEIN_24H = "6690-2", "777-3", "8310-5", "2889-4"

Visit = tuple[Assessment, frozenset[SledaiDescriptor] | None, float | None]


def measurements_in_window(
    labs: Sequence[LabResult], visit_date: date, window_days: int
) -> SledaiMeasurements:
    """The worst value of each SLEDAI-derivable measurement in the visit's window (inclusive)."""
    start = visit_date - timedelta(days=window_days)
    in_window = [lab for lab in labs if start <= lab.collected_at.date() <= visit_date]

    def values(code: str) -> list[float]:
        return [canonical_value(lab) for lab in in_window if lab.loinc_code == code]

    wbc, platelets = values(LAB_WBC), values(LAB_PLATELETS)
    temperature, protein = values(LAB_TEMPERATURE), values(LAB_PROTEIN_24H)
    return SledaiMeasurements(
        wbc_x10e9_per_l=min(wbc) if wbc else None,
        platelets_x10e9_per_l=min(platelets) if platelets else None,
        temp_c=max(temperature) if temperature else None,
        protein_g_per_24h=max(protein) if protein else None,
    )


def _started_between(
    drugs: Sequence[MedicationExposure], after: date, until: date
) -> list[MedicationExposure]:
    return [d for d in drugs if after < d.start_date <= until]


def flare_between(
    previous: Visit, current: Visit, drugs: Sequence[MedicationExposure]
) -> SelenaFlare | None:
    """SELENA flare at ``current`` against ``previous``; ``None`` if SLEDAI or PGA is missing."""
    before, before_descriptors, before_dose = previous
    now, now_descriptors, now_dose = current
    if before_descriptors is None or now_descriptors is None:
        return None
    if isinstance(before.pga, Missing) or isinstance(now.pga, Missing):
        return None
    if before_dose is None or now_dose is None:
        return None
    new = now_descriptors - before_descriptors
    started = _started_between(drugs, before.visit_date, now.visit_date)
    new_hemolysis = now.hemolytic_anemia is True and before.hemolytic_anemia is not True
    flare_input = SelenaFlareInput(
        sledai_prev=sledai_2k_score(before_descriptors),
        sledai_curr=sledai_2k_score(now_descriptors),
        pga_prev=before.pga,
        pga_curr=now.pga,
        prednisone_increased=above(now_dose, before_dose),
        prednisone_doubled=before_dose > 0 and at_least(now_dose, 2 * before_dose),
        nsaid_or_hydroxychloroquine_added=any(
            d.drug_class in (DrugClass.NSAID, DrugClass.ANTIMALARIAL) for d in started
        ),
        new_cyclophosphamide_azathioprine_methotrexate=any(
            d.rxnorm_code in CYC_AZA_MTX_RXCUI for d in started
        ),
        new_mycophenolate=any(d.rxnorm_code in MYCOPHENOLATE_RXCUI for d in started),
        hospitalized_for_sle=now.hospitalised_for_sle is True,
        severe_manifestation_new_or_worse=bool(new & SEVERE_DESCRIPTORS) or new_hemolysis,
        mild_moderate_manifestation_new_or_worse=bool(new & MILD_DESCRIPTORS),
    )
    return classify_selena_flare(flare_input).flare
