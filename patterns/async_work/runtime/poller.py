"""SQS consumer of PollingWorker(engine="sqs") (and, through ``beanstalk_app.py``, of the Beanstalk
engine's WSGI app): check each work item, and until it is done re-send it
to the queue with a per-message delay; after the maximum number of checks, send it to the DLQ.

Message body (what the EventBridge rule writes, and what this handler re-sends)::

    {"id": "...", "payload": <any JSON>, "attempt": 0, "wait_remaining": 0}

- ``attempt`` counts the checks already made. A body that is not of this shape (a producer writing to
  the queue directly) becomes ``{"id": <SQS message id>, "payload": <the body>, "attempt": 0}``.
- ``wait_remaining``: SQS delays a message by at most 900 seconds. A longer poll interval is a chain of
  re-sends, each delayed by up to 900 s, carrying the rest of the wait; the check runs when it is zero.
- Duplicates (SQS standard queues and EventBridge deliver at least once): each step of an item has the
  key ``<id>#<attempt>#<wait_remaining>``, claimed in a DynamoDB table with a conditional write before
  the step runs and marked done after. A key already done is dropped; a key claimed by a consumer still
  inside its lease is reported as a failure (retried after the visibility timeout); a claim whose lease
  expired (the consumer crashed or timed out) is taken over. Keys expire with the table's TTL.
- A failing check (an error, or an answer without a boolean ``done``) is a batch item failure: SQS
  retries the message after its visibility timeout and moves it to the DLQ after maxReceiveCount.

Environment: QUEUE_URL, DEAD_LETTER_QUEUE_URL, DEDUP_TABLE, CHECK_FUNCTION, POLL_INTERVAL_SECONDS,
MAX_ATTEMPTS, LEASE_SECONDS, DEDUP_TTL_SECONDS.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

MAX_DELAY_SECONDS = 900
"""SQS's per-message DelaySeconds maximum (15 minutes)."""
MAX_FUNCTION_SECONDS = 900
"""Lambda's maximum function timeout: the longest a synchronous Invoke of the check can take."""

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)

Check = Callable[[dict[str, Any]], dict[str, Any]]


class CheckFailed(Exception):
    """The check function raised, or answered without a boolean ``done``."""


class StepInProgress(Exception):
    """Another consumer holds a live claim on this step (a duplicate being processed right now)."""


@dataclass(frozen=True)
class Config:
    queue_url: str
    dead_letter_queue_url: str
    table_name: str
    poll_interval_seconds: int
    max_attempts: int
    lease_seconds: int = 60
    dedup_ttl_seconds: int = 86400

    @classmethod
    def from_environment(cls) -> Config:
        env = os.environ
        return cls(
            queue_url=env["QUEUE_URL"],
            dead_letter_queue_url=env["DEAD_LETTER_QUEUE_URL"],
            table_name=env["DEDUP_TABLE"],
            poll_interval_seconds=int(env["POLL_INTERVAL_SECONDS"]),
            max_attempts=int(env["MAX_ATTEMPTS"]),
            lease_seconds=int(env.get("LEASE_SECONDS", "60")),
            dedup_ttl_seconds=int(env.get("DEDUP_TTL_SECONDS", "86400")),
        )


def parse_item(record: dict[str, Any]) -> dict[str, Any]:
    """The work item carried by an SQS record (see the module docstring for the shape)."""
    body_text = record.get("body", "")
    try:
        body = json.loads(body_text)
    except (TypeError, ValueError):
        body = body_text
    if isinstance(body, dict) and "id" in body and "payload" in body:
        attempt = body.get("attempt", 0)
        wait = body.get("wait_remaining", 0)
        if isinstance(attempt, int) and attempt >= 0 and isinstance(wait, int) and wait >= 0:
            return {
                "id": str(body["id"]),
                "payload": body["payload"],
                "attempt": attempt,
                "wait_remaining": wait,
            }
    return {"id": record["messageId"], "payload": body, "attempt": 0, "wait_remaining": 0}


def step_key(item: dict[str, Any]) -> str:
    return f"{item['id']}#{item['attempt']}#{item['wait_remaining']}"


class Ledger:
    """The dedup table: one key per step, claimed before the step runs and marked done after it."""

    def __init__(self, client: Any, table_name: str, *, lease_seconds: int, ttl_seconds: int) -> None:
        self.client, self.table, self.lease, self.ttl = client, table_name, lease_seconds, ttl_seconds

    def claim(self, key: str, now: int | None = None) -> bool:
        """True if this consumer now owns ``key``; False if the step was already done (a duplicate)."""
        now = int(time.time()) if now is None else now
        try:
            self.client.put_item(
                TableName=self.table,
                Item={
                    "pk": {"S": key},
                    "status": {"S": "in_progress"},
                    "lease_until": {"N": str(now + self.lease)},
                    "expires_at": {"N": str(now + self.ttl)},
                },
                ConditionExpression="attribute_not_exists(pk) OR (#status = :in_progress AND lease_until < :now)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":in_progress": {"S": "in_progress"}, ":now": {"N": str(now)}},
            )
            return True
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
        existing = self.client.get_item(TableName=self.table, Key={"pk": {"S": key}}, ConsistentRead=True)
        if existing.get("Item", {}).get("status", {}).get("S") == "done":
            return False
        raise StepInProgress(key)

    def complete(self, key: str, outcome: str) -> None:
        self.client.update_item(
            TableName=self.table,
            Key={"pk": {"S": key}},
            UpdateExpression="SET #status = :done, outcome = :outcome REMOVE lease_until",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":done": {"S": "done"}, ":outcome": {"S": outcome}},
        )

    def release(self, key: str) -> None:
        """Give up a claim after a failed step so that the retry can claim it at once."""
        try:
            self.client.delete_item(
                TableName=self.table,
                Key={"pk": {"S": key}},
                ConditionExpression="#status = :in_progress",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":in_progress": {"S": "in_progress"}},
            )
        except ClientError:
            logger.warning("could not release claim %s; it expires with its lease", key)


def _send(sqs: Any, queue_url: str, body: dict[str, Any], delay: int = 0) -> None:
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(body), DelaySeconds=delay)


def run_step(item: dict[str, Any], *, config: Config, check: Check, sqs: Any) -> str:
    """One step of an item: wait some more, or check it. Returns the outcome (for the ledger and logs)."""
    ident = {"id": item["id"], "payload": item["payload"]}
    if item["wait_remaining"] > 0:
        hop = min(item["wait_remaining"], MAX_DELAY_SECONDS)
        _send(
            sqs,
            config.queue_url,
            {**ident, "attempt": item["attempt"], "wait_remaining": item["wait_remaining"] - hop},
            hop,
        )
        return "waiting"
    answer = check({**ident, "attempt": item["attempt"]})
    if not isinstance(answer, dict) or not isinstance(answer.get("done"), bool):
        raise CheckFailed(f"check answered {answer!r}; expected an object with a boolean 'done'")
    attempts = item["attempt"] + 1
    if answer["done"]:
        logger.info(json.dumps({"event": "done", "id": item["id"], "attempts": attempts, "answer": answer}))
        return "done"
    if attempts >= config.max_attempts:
        _send(
            sqs,
            config.dead_letter_queue_url,
            {**ident, "attempt": attempts, "reason": "max_attempts", "last_answer": answer},
        )
        logger.warning(json.dumps({"event": "dead-lettered", "id": item["id"], "attempts": attempts}))
        return "dead-lettered"
    hop = min(config.poll_interval_seconds, MAX_DELAY_SECONDS)
    _send(
        sqs,
        config.queue_url,
        {**ident, "attempt": attempts, "wait_remaining": config.poll_interval_seconds - hop},
        hop,
    )
    return "not-done"


def process_record(record: dict[str, Any], *, config: Config, check: Check, sqs: Any, ledger: Ledger) -> str:
    """Process one SQS record idempotently. Raises when the record must be retried."""
    item = parse_item(record)
    key = step_key(item)
    if not ledger.claim(key):
        logger.info(json.dumps({"event": "duplicate", "key": key}))
        return "duplicate"
    try:
        outcome = run_step(item, config=config, check=check, sqs=sqs)
    except Exception:
        ledger.release(key)
        raise
    ledger.complete(key, outcome)
    return outcome


def handle_batch(
    event: dict[str, Any], *, config: Config, check: Check, sqs: Any, ledger: Ledger
) -> dict[str, Any]:
    """Process every record; report those that failed so that SQS retries only them."""
    failures = []
    for record in event.get("Records", []):
        try:
            process_record(record, config=config, check=check, sqs=sqs, ledger=ledger)
        except Exception:
            logger.exception("record %s failed; SQS will retry it", record.get("messageId"))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def lambda_check(client: Any, function_name: str) -> Check:
    """A check that invokes the check function synchronously."""

    def check(request: dict[str, Any]) -> dict[str, Any]:
        response = client.invoke(FunctionName=function_name, Payload=json.dumps(request).encode())
        payload: dict[str, Any] = json.loads(response["Payload"].read() or b"null")
        if "FunctionError" in response:
            raise CheckFailed(f"check function failed: {payload!r}")
        return payload

    return check


_clients: dict[str, Any] = {}

_CLIENT_CONFIG = {
    # A synchronous Invoke returns when the check returns, which may take up to Lambda's 15 minutes.
    # With botocore's default 60-second read timeout, a check slower than a minute would time out on
    # the consumer's side and be invoked again by the SDK's retries while the first call still runs.
    "lambda": BotoConfig(read_timeout=MAX_FUNCTION_SECONDS + 10, tcp_keepalive=True),
}


def _client(service: str) -> Any:
    if service not in _clients:
        _clients[service] = boto3.client(service, config=_CLIENT_CONFIG.get(service))
    return _clients[service]


@dataclass(frozen=True)
class Worker:
    """What processing a record needs: the configuration, the check, an SQS client and the ledger."""

    config: Config
    check: Check
    sqs: Any
    ledger: Ledger

    @classmethod
    def from_environment(cls) -> Worker:
        """From the environment variables (see the module docstring) and cached boto3 clients."""
        config = Config.from_environment()
        ledger = Ledger(
            _client("dynamodb"),
            config.table_name,
            lease_seconds=config.lease_seconds,
            ttl_seconds=config.dedup_ttl_seconds,
        )
        check = lambda_check(_client("lambda"), os.environ["CHECK_FUNCTION"])
        return cls(config=config, check=check, sqs=_client("sqs"), ledger=ledger)

    def process(self, record: dict[str, Any]) -> str:
        return process_record(record, config=self.config, check=self.check, sqs=self.sqs, ledger=self.ledger)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    worker = Worker.from_environment()
    return handle_batch(event, config=worker.config, check=worker.check, sqs=worker.sqs, ledger=worker.ledger)
