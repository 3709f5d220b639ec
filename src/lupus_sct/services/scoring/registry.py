"""The instruments ``lupus-sct score`` knows, in the order of docs/spec/instruments.md §12.3."""

from __future__ import annotations

from lupus_sct.services.scoring import Instrument, ckd_epi_2021
from lupus_sct.services.scoring.arthritis import acr_response, cdai_sdai, das28, eular_response
from lupus_sct.services.scoring.lupus import (
    bicla,
    doris_2021,
    eular_acr_2019,
    lldas,
    ln_renal_response,
    selena_flare_index,
    sledai_2k,
    slicc_2012,
    slicc_acr_di,
    sri_4,
)
from lupus_sct.services.scoring.transplant import (
    astct_crs,
    astct_icans,
    ctcae_v5,
    engraftment,
    hct_ci,
    magic_agvhd,
    performance_status,
)

INSTRUMENTS: dict[str, Instrument] = {
    module.INSTRUMENT.id: module.INSTRUMENT
    for module in (
        sledai_2k,
        selena_flare_index,
        slicc_acr_di,
        eular_acr_2019,
        slicc_2012,
        sri_4,
        bicla,
        doris_2021,
        lldas,
        ln_renal_response,
        ckd_epi_2021,
        hct_ci,
        performance_status,
        ctcae_v5,
        engraftment,
        astct_crs,
        astct_icans,
        magic_agvhd,
        das28,
        cdai_sdai,
        eular_response,
        acr_response,
    )
}
