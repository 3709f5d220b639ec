"""The one error of the rendering package: a template or the PDF engine failed."""

from __future__ import annotations


class RenderingError(Exception):
    """A page, report or handout could not be rendered (a template or PDF engine failure)."""
