"""Scoring adapters for the rheumatoid arthritis instruments (DAS28, CDAI/SDAI, ACR, EULAR)."""
