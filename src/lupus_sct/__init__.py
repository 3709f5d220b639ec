"""lupus-sct: a clinical platform for cell-therapy programmes in lupus and rheumatoid arthritis."""

__version__ = "0.1.0"
