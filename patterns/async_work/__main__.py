"""``python -m patterns.async_work``: print the cost comparison of the SQS, Beanstalk and Step Functions engines (see cost.py)."""

from .cost import main

main()
