"""The audit trail: hash-chained entries, their redaction on read, the signed anchor and replays."""
