"""Clinical trials: registry records, criteria text and matching a patient to trials."""
