"""Cohort-level computation: vectorised instrument scoring over cohort tables.

Each module is named after the instrument it vectorises and mirrors the scalar function of the
same name in :mod:`lupus_sct.domain`. Cohort tables are Polars ``DataFrame`` or ``LazyFrame``
objects with one row per assessment; the functions add result columns and return a frame of the
same kind, or return Polars expressions to compose in a larger query.

Notes
-----
- numpy and polars are allowed here (the domain stays standard library only); results are Polars
  frames or our own types, never another third-party object.
- Weights, thresholds and the 1e-9 tolerance (decision D11) are imported from the domain modules,
  never re-typed, and Hypothesis property tests (``tests/property/test_analytics_*_agrees.py``)
  check that every vectorised result equals the domain result row by row.
- Missing data follows Kleene logic: a null input gives a null result unless the other inputs
  already decide it (for example a clinical SLEDAI above 0 excludes DORIS remission whatever the
  PGA). A null is never read as zero (docs/spec/instruments.md §0.4).
"""
