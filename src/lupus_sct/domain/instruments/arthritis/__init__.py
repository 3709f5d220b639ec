"""Rheumatoid arthritis instruments: DAS28, CDAI/SDAI, ACR and EULAR response."""
