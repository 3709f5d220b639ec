"""``python -m lupus_sct.cli``."""

from lupus_sct.cli.main import main

main()
