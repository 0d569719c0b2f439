"""``python -m patterns.async_work``: print the SQS vs Step Functions cost comparison (see cost.py)."""

from .cost import main

main()
