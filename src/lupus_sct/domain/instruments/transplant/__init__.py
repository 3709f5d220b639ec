"""Transplant and cell-therapy instruments: CTCAE, ASTCT, CIBMTR, MAGIC, HCT-CI, KPS/ECOG."""
