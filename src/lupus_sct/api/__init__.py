"""The REST API under /api/v1: routes, their schemas and dependencies (run by lupus_sct.server)."""
