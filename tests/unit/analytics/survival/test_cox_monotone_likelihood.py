"""A covariate that separates events perfectly has no finite hazard ratio (monotone likelihood;
Therneau & Grambsch 2000, section 3.5): the fit is refused with a clear message, not a crash."""

from __future__ import annotations

import pytest

from lupus_sct.analytics.survival.cox_ph import cox_ph
from lupus_sct.domain.errors import InvalidValueError


def test_a_perfectly_separating_covariate_is_refused_with_a_reason() -> None:
    # Every exposed patient dies before every unexposed one: the partial likelihood keeps rising.
    time = [1, 2, 3, 4, 5, 6, 7, 8]
    event = [1, 1, 1, 1, 0, 1, 0, 1]
    exposed = [[1], [1], [1], [1], [0], [0], [0], [0]]
    with pytest.raises(InvalidValueError, match="monotone likelihood"):
        cox_ph(time, event, exposed, ("exposed",))
