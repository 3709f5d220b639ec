"""Rendering of computed numbers for people: HTML templates, SVG charts and PDF (no computation)."""
