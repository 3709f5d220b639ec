"""Translation to and from outside formats: batch files now; FHIR, tables and registries later."""
