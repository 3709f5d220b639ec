"""Use cases: each owns a transaction (a unit of work) and writes its audit entries in it."""
