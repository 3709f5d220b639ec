"""Pure clinical science: the pathway's data model, instruments and rules.

Standard library only. No I/O, no clock (functions take ``as_of``), no settings.
"""
