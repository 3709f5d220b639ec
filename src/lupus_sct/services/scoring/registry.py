"""The instruments ``lupus-sct score`` knows, in the order of instruments.md section 12.3."""

from __future__ import annotations

from lupus_sct.services.scoring import (
    Instrument,
    acr_response,
    astct_crs,
    astct_icans,
    bicla,
    cdai_sdai,
    ckd_epi_2021,
    ctcae_v5,
    das28,
    doris_2021,
    engraftment,
    eular_acr_2019,
    eular_response,
    hct_ci,
    lldas,
    ln_renal_response,
    magic_agvhd,
    performance_status,
    selena_flare_index,
    sledai_2k,
    slicc_2012,
    slicc_acr_di,
    sri_4,
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
