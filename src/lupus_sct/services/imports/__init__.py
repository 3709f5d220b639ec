"""Use cases that import rows read from tables: matching, field reading and partial imports."""
