"""Lupus instruments: SLEDAI-2K, BILAG-2004, SDI, classification, LLDAS, DORIS, SRI-4, BICLA."""
