"""`python -m complaint_lint`."""

from .cli import main

main()
