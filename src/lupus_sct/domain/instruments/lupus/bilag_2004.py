"""BILAG-2004 domains and grades, captured as entered (decision D10).

References
----------
Isenberg DA et al. BILAG 2004. Rheumatology 2005;44:902-6. Yee CS et al. Arthritis Rheum 2009.

Notes
-----
The domain-grading algorithm is licensed by the BILAG group; the platform stores the grades a
clinician enters and never derives them (docs/spec/instruments.md §5.3).
"""

from __future__ import annotations

import enum


class BilagDomain(enum.Enum):
    """The nine BILAG-2004 organ domains."""

    CONSTITUTIONAL = "constitutional"
    MUCOCUTANEOUS = "mucocutaneous"
    NEUROPSYCHIATRIC = "neuropsychiatric"
    MUSCULOSKELETAL = "musculoskeletal"
    CARDIORESPIRATORY = "cardiorespiratory"
    GASTROINTESTINAL = "gastrointestinal"
    OPHTHALMIC = "ophthalmic"
    RENAL = "renal"
    HAEMATOLOGICAL = "haematological"


class BilagGrade(enum.Enum):
    """A severe, B moderate, C mild, D inactive but previously active, E never involved."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
