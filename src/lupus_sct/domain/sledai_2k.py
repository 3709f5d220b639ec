"""SLEDAI-2K descriptor vocabulary.

References
----------
Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000.
J Rheumatol 2002;29:288-91. Touma Z, Urowitz MB, Gladman DD. SLEDAI-2K for a 30-day window.
Lupus 2010;19:49-51.

Notes
-----
Descriptor ids and weights follow ../shared/docs/instruments.md, section 1 (24 descriptors,
range 0-105). The window is stored with each assessment (decision D1): 30 days by default,
10 days allowed.
"""

from __future__ import annotations

import enum


class SledaiDescriptor(enum.Enum):
    """The 24 SLEDAI-2K descriptors, in the order of the published form."""

    SEIZURE = "seizure"
    PSYCHOSIS = "psychosis"
    ORGANIC_BRAIN_SYNDROME = "organic_brain_syndrome"
    VISUAL_DISTURBANCE = "visual_disturbance"
    CRANIAL_NERVE_DISORDER = "cranial_nerve_disorder"
    LUPUS_HEADACHE = "lupus_headache"
    CVA = "cva"
    VASCULITIS = "vasculitis"
    ARTHRITIS = "arthritis"
    MYOSITIS = "myositis"
    URINARY_CASTS = "urinary_casts"
    HEMATURIA = "hematuria"
    PROTEINURIA = "proteinuria"
    PYURIA = "pyuria"
    RASH = "rash"
    ALOPECIA = "alopecia"
    MUCOSAL_ULCERS = "mucosal_ulcers"
    PLEURISY = "pleurisy"
    PERICARDITIS = "pericarditis"
    LOW_COMPLEMENT = "low_complement"
    INCREASED_DNA_BINDING = "increased_dna_binding"
    FEVER = "fever"
    THROMBOCYTOPENIA = "thrombocytopenia"
    LEUKOPENIA = "leukopenia"


SLEDAI_WINDOWS_DAYS = (10, 30)  # Gladman 2002 (10 days); Touma 2010 (30 days); decision D1
DEFAULT_SLEDAI_WINDOW_DAYS = 30  # Touma 2010; decision D1
