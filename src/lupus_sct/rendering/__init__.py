"""Rendering of computed numbers for people: HTML templates, SVG charts and PDF (no computation).

The only package that imports WeasyPrint, Jinja2 or MarkupSafe (an import-linter contract).
"""
