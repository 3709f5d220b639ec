"""Scoring adapters for the transplant and cell-therapy instruments (toxicity, engraftment)."""
