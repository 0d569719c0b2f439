"""WSGI app of PollingWorker(engine="beanstalk"): the Elastic Beanstalk worker tier's SQS daemon
(sqsd) receives each message of the work queue and POSTs its body here; this app processes it with
the SQS engine's own logic (``poller.py``: check it, and until it is done re-send it with a delay,
dead-letter it after ``max_attempts``, drop duplicates with the DynamoDB ledger).

Responses tell the daemon what to do with the message:

- ``200``: processed (done, re-sent, dead-lettered, or a duplicate dropped); sqsd deletes it.
- ``409``: another worker is processing the same step right now; ``500``: the check or AWS failed.
  sqsd leaves the message, SQS makes it visible again after ``ErrorVisibilityTimeout`` and moves it
  to the dead-letter queue after the queue's ``maxReceiveCount``.
- ``400``: a POST without sqsd's ``X-Aws-Sqsd-Msgid`` header (only the daemon posts here).
- ``GET`` on the path answers ``200`` (a health probe); any other path ``404``, method ``405``.

Environment (Beanstalk environment properties): those of ``poller.py``, plus ``HTTP_PATH`` (the
path sqsd posts to, default ``/``). The platform runs ``beanstalk_app:application`` with gunicorn.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

try:  # deployed: the bundle's root holds both modules; gunicorn's stdout goes to web.stdout.log
    import poller  # type: ignore[import-not-found,unused-ignore]

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
except ImportError:  # imported as part of the library (tests)
    from . import poller  # type: ignore[no-redef,unused-ignore]

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)

MESSAGE_ID_HEADER = "HTTP_X_AWS_SQSD_MSGID"
"""WSGI name of sqsd's ``X-Aws-Sqsd-Msgid`` header: the SQS message id."""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _respond(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def _body(environ: dict[str, Any]) -> str:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length).decode("utf-8", "replace") if length > 0 else ""


def make_app(worker: Callable[[], poller.Worker], *, path: str = "/") -> WsgiApp:
    """The WSGI callable; ``worker`` builds the ``poller.Worker`` on the first message (and is cached)."""
    built: list[poller.Worker] = []

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (environ.get("PATH_INFO") or "/") != path:
            return _respond(start_response, "404 Not Found", {"error": "not found"})
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "GET":
            return _respond(start_response, "200 OK", {"status": "ok"})
        if method != "POST":
            return _respond(start_response, "405 Method Not Allowed", {"error": "POST only"})
        message_id = environ.get(MESSAGE_ID_HEADER)
        if not message_id:
            return _respond(start_response, "400 Bad Request", {"error": "not from the SQS daemon"})
        record = {"messageId": message_id, "body": _body(environ)}
        try:
            if not built:
                built.append(worker())
            outcome = built[0].process(record)
        except poller.StepInProgress:
            logger.info(json.dumps({"event": "in-progress", "messageId": message_id}))
            return _respond(start_response, "409 Conflict", {"outcome": "in-progress"})
        except Exception:
            logger.exception("message %s failed; SQS will make it visible again", message_id)
            return _respond(start_response, "500 Internal Server Error", {"outcome": "failed"})
        return _respond(start_response, "200 OK", {"outcome": outcome})

    return application


application = make_app(poller.Worker.from_environment, path=os.environ.get("HTTP_PATH", "/"))
"""What the Beanstalk Python platform serves (``WSGIPath`` = ``beanstalk_app:application``)."""
