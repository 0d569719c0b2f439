"""The default check of PollingWorker: an example of "is the work done yet?".

Replace it with your own check (``PollingWorker(check_function=...)``): a function that receives
``{"id": ..., "payload": ..., "attempt": n}`` and returns ``{"done": true|false, ...}``. Anything else it
returns travels along in the logs (SQS engine) or the execution history (Step Functions engine).

This example is done when ``payload["ready_at"]`` (epoch seconds or an ISO-8601 timestamp) has passed,
or, without ``ready_at``, at the ``payload["checks_needed"]``-th check (default 3): enough to watch the
loop turn without calling anything outside AWS.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

DEFAULT_CHECKS_NEEDED = 3


def _epoch(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    text = str(value).replace("Z", "+00:00")
    return datetime.fromisoformat(text).timestamp()


def is_done(payload: Any, attempt: int, now: float) -> bool:
    """Whether the example work item is done at ``now`` on check number ``attempt + 1``."""
    details = payload if isinstance(payload, dict) else {}
    if "ready_at" in details:
        return now >= _epoch(details["ready_at"])
    return attempt + 1 >= int(details.get("checks_needed", DEFAULT_CHECKS_NEEDED))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    attempt = int(event.get("attempt", 0))
    now = time.time()
    return {
        "done": is_done(event.get("payload"), attempt, now),
        "id": event.get("id"),
        "checked_at": int(now),
    }
