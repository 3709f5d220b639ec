"""Current and cumulative glucocorticoid exposure in prednisone-equivalent mg.

References
----------
British National Formulary, "Glucocorticoid therapy" (equivalent anti-inflammatory doses), as
tabulated in :mod:`lupus_sct.domain.records.medications`.

Notes
-----
The daily dose on a date is the sum of the prednisone equivalents of every regular glucocorticoid
exposure active that day (start and stop inclusive). The cumulative dose adds each regular
exposure's daily equivalent for every day it was active up to the date, plus every single dose
(an intravenous methylprednisolone pulse, say) given on or before the date. Doses in units
other than mg or g (mg/kg, for instance) cannot be converted without the weight and are
reported in ``unconverted``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta

from lupus_sct.domain.records.medications import (
    DRUGS,
    DrugClass,
    Frequency,
    MedicationExposure,
    prednisone_equivalent_mg_per_day,
)


@dataclasses.dataclass(frozen=True, slots=True)
class GlucocorticoidExposure:
    """Prednisone-equivalent exposure on a date."""

    current_mg_per_day: float
    cumulative_mg: float
    unconverted: tuple[str, ...]
    unconverted_today: tuple[str, ...] = ()

    @property
    def current_is_known(self) -> bool:
        """Whether today's dose counts every exposure given today."""
        return not self.unconverted_today


def _is_glucocorticoid(exposure: MedicationExposure) -> bool:
    return exposure.drug_class is DrugClass.GLUCOCORTICOID


def _single_dose_mg(exposure: MedicationExposure) -> float | None:
    drug = DRUGS.get(exposure.rxnorm_code)
    if drug is None or drug.prednisone_factor is None or exposure.dose_unit not in ("mg", "g"):
        return None
    dose_mg = exposure.dose * (1000.0 if exposure.dose_unit == "g" else 1.0)
    return dose_mg * drug.prednisone_factor


def _days_active(exposure: MedicationExposure, until: date) -> int:
    last = until if exposure.stop_date is None else min(exposure.stop_date, until)
    return max(0, (last - exposure.start_date).days + 1)


def glucocorticoid_exposure(
    exposures: Iterable[MedicationExposure], on: date
) -> GlucocorticoidExposure:
    """Current daily and cumulative prednisone-equivalent dose on ``on``."""
    current = 0.0
    cumulative = 0.0
    unconverted: list[str] = []
    unconverted_today: list[str] = []
    for exposure in filter(_is_glucocorticoid, exposures):
        if exposure.start_date > on:
            continue
        if exposure.frequency is Frequency.SINGLE_DOSE:
            single = _single_dose_mg(exposure)
            if single is None:
                unconverted.append(exposure.id)
                if exposure.start_date == on:
                    unconverted_today.append(exposure.id)
            else:
                cumulative += single
            continue
        daily = prednisone_equivalent_mg_per_day(exposure)
        if daily is None:
            unconverted.append(exposure.id)
            if exposure.is_active_on(on):
                unconverted_today.append(exposure.id)
            continue
        cumulative += daily * _days_active(exposure, on)
        if exposure.is_active_on(on):
            current += daily
    return GlucocorticoidExposure(current, cumulative, tuple(unconverted), tuple(unconverted_today))


def steroid_free_from(
    exposures: Iterable[MedicationExposure], *, start: date, as_of: date
) -> date | None:
    """The first day on or after ``start`` from which no glucocorticoid was given up to ``as_of``.

    ``None`` when a glucocorticoid is still active on ``as_of``.
    """
    last_day_on_steroid: date | None = None
    for exposure in filter(_is_glucocorticoid, exposures):
        if exposure.start_date > as_of:
            continue
        end = (
            exposure.start_date
            if exposure.frequency is Frequency.SINGLE_DOSE
            else (exposure.stop_date or as_of)
        )
        end = min(end, as_of)
        if last_day_on_steroid is None or end > last_day_on_steroid:
            last_day_on_steroid = end
    if last_day_on_steroid is None or last_day_on_steroid < start:
        return start
    if last_day_on_steroid >= as_of:
        return None
    return last_day_on_steroid + timedelta(days=1)
