"""Response over time after day 0: landmark rates, time in state, steroid-free rates, SLEDAI-2K.

Landmark rates carry exact and Wilson intervals; every result is a frozen type of our own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lupus_sct.analytics.response.landmarks import (
    JAYNE_2004,
    TRAYNOR_2002,
    DayValue,
    Endpoint,
    LandmarkRate,
    LandmarkSettings,
    PatientResponseCourse,
    ProtocolRemission,
    Verdict,
    judge_patient,
    landmark_day,
    landmark_rates,
)
from lupus_sct.analytics.response.proportion_ci import (
    ProportionEstimate,
    estimate_proportion,
    wilson_interval,
)
from lupus_sct.analytics.response.trajectories import (
    Quartiles,
    TimeInState,
    TrajectoryPoint,
    quartiles,
    sledai_trajectory,
    time_in_state,
)


@dataclass(frozen=True)
class ResponseOverTime:
    """Landmark rates, time in state and the SLEDAI-2K trajectory of one cohort."""

    n_patients: int
    settings: LandmarkSettings
    rates: tuple[LandmarkRate, ...]
    time_in_state: tuple[TimeInState, ...]
    trajectory: tuple[TrajectoryPoint, ...]

    def rate(self, endpoint: Endpoint, month: int) -> LandmarkRate:
        """The rate of one endpoint at one landmark."""
        for rate in self.rates:
            if rate.endpoint is endpoint and rate.month == month:
                return rate
        raise KeyError((endpoint, month))


def response_over_time(
    patients: Sequence[PatientResponseCourse],
    settings: LandmarkSettings | None = None,
    *,
    trajectory_months: int = 60,
) -> ResponseOverTime:
    """Everything of issue 6 item 2 for one cohort aligned at day 0."""
    used = settings or LandmarkSettings()
    return ResponseOverTime(
        n_patients=len(patients),
        settings=used,
        rates=landmark_rates(patients, used),
        time_in_state=time_in_state(patients),
        trajectory=sledai_trajectory(patients, max_month=trajectory_months),
    )


__all__ = [
    "JAYNE_2004",
    "TRAYNOR_2002",
    "DayValue",
    "Endpoint",
    "LandmarkRate",
    "LandmarkSettings",
    "PatientResponseCourse",
    "ProportionEstimate",
    "ProtocolRemission",
    "Quartiles",
    "ResponseOverTime",
    "TimeInState",
    "TrajectoryPoint",
    "Verdict",
    "estimate_proportion",
    "judge_patient",
    "landmark_day",
    "landmark_rates",
    "quartiles",
    "response_over_time",
    "sledai_trajectory",
    "time_in_state",
    "wilson_interval",
]
