"""Scoring adapters for the lupus instruments (activity, damage, classification, response)."""
