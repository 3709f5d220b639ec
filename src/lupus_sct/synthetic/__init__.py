"""Synthetic patients calibrated to the published evidence (issue #5); pure Python and numpy.

Only synthetic data: no real patient's record is used or imitated. See :mod:`.calibration` for
every outcome parameter and its source row, :mod:`.generator` for determinism, and
:mod:`.records` for turning generated rows into validated domain records.
"""

from lupus_sct.synthetic.generator import (
    BLOCK_SIZE,
    DEFAULT_CENTRES,
    centre_rows,
    generate_block,
    generate_cohort,
)
from lupus_sct.synthetic.tables import SyntheticChunk

__all__ = [
    "BLOCK_SIZE",
    "DEFAULT_CENTRES",
    "SyntheticChunk",
    "centre_rows",
    "generate_block",
    "generate_cohort",
]
