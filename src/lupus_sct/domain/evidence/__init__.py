"""The evidence base: published results with provenance, stored rows, the centre directory."""
