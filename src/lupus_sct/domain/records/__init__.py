"""The clinical record: people, diagnoses, assessments, labs, drugs, events and outcomes."""
