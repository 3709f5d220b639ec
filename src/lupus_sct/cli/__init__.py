"""The ``lupus-sct`` command line."""
