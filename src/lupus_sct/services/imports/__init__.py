"""Use cases that import records read from outside: table rows and FHIR Bundles (staged writes)."""
