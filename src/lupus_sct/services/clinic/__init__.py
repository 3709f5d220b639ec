"""Use cases that write a patient's record: patients, clinical records, courses, pathway."""
