"""Translation to and from outside formats: FHIR R4, tables, REDCap, registries, trial records."""
