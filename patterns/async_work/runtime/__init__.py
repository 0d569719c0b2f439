"""Lambda source of the async work pattern (plain Python, stdlib + boto3 only).

- ``poller``: the SQS consumer of ``PollingWorker(engine="sqs")``.
- ``example_check``: the default check function (both engines call it).
"""
