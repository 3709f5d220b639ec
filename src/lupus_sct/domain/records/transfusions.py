"""Blood product transfusions, which the CIBMTR platelet-recovery rule needs.

References
----------
CIBMTR Forms Instruction Manual, platelet recovery: no platelet transfusion in the previous 7 days
(docs/spec/instruments.md §8.2).
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date


class BloodProduct(enum.Enum):
    """Transfused product."""

    PLATELETS = "platelets"
    RED_CELLS = "red_cells"
    PLASMA = "plasma"


@dataclasses.dataclass(frozen=True, slots=True)
class Transfusion:
    """One transfusion episode (irradiated after HSCT, CAR-T: docs/spec/pathway.md §4.5, §9.5)."""

    id: str
    patient_id: str
    course_id: str | None
    product: BloodProduct
    given_on: date
    units: int = 1
    version: int = 0
