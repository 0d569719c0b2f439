"""The Beanstalk engine's WSGI app (runtime/beanstalk_app.py), called as sqsd calls it, against moto's
SQS and DynamoDB: the same protocol as the SQS engine (poller.py), answered with HTTP status codes."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from patterns.async_work.runtime import beanstalk_app, poller

REGION = "us-east-1"


class World:
    """A queue, a dead-letter queue, a dedup table (moto) and a scripted check."""

    names = itertools.count()

    def __init__(self, poll_interval_seconds: int = 300, max_attempts: int = 3) -> None:
        # Fresh resources under one moto mock per module (entering moto once per test is slow).
        n = next(World.names)
        self.table = f"dedup-{n}"
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.dynamodb = boto3.client("dynamodb", region_name=REGION)
        self.queue_url = self.sqs.create_queue(QueueName=f"work-{n}")["QueueUrl"]
        self.dlq_url = self.sqs.create_queue(QueueName=f"work-dlq-{n}")["QueueUrl"]
        self.dynamodb.create_table(
            TableName=self.table,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
        self.config = poller.Config(
            queue_url=self.queue_url,
            dead_letter_queue_url=self.dlq_url,
            table_name=self.table,
            poll_interval_seconds=poll_interval_seconds,
            max_attempts=max_attempts,
            lease_seconds=60,
        )
        self.ledger = poller.Ledger(self.dynamodb, self.table, lease_seconds=60, ttl_seconds=86400)
        self.checked: list[dict[str, Any]] = []
        self.answer: Any = {"done": False}
        self.builds = 0

    def check(self, request: dict[str, Any]) -> dict[str, Any]:
        self.checked.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def worker(self) -> poller.Worker:
        self.builds += 1
        return poller.Worker(config=self.config, check=self.check, sqs=self.sqs, ledger=self.ledger)


def call(
    app: Any,
    body: Any = None,
    *,
    method: str = "POST",
    path: str = "/",
    message_id: str | None = "m-1",
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """One request the way sqsd makes it; returns (status, headers, JSON body)."""
    raw = (body if isinstance(body, str) else json.dumps(body)).encode() if body is not None else b""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
    }
    if message_id is not None:
        environ["HTTP_X_AWS_SQSD_MSGID"] = message_id
        environ["HTTP_X_AWS_SQSD_RECEIVE_COUNT"] = "1"
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    payload = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], json.loads(payload)


def item(attempt: int = 0, wait_remaining: int = 0) -> dict[str, Any]:
    return {"id": "job-1", "payload": {"order": 42}, "attempt": attempt, "wait_remaining": wait_remaining}


@pytest.fixture(scope="module")
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def world(aws: None) -> World:
    return World()


@pytest.fixture
def app(world: World) -> Any:
    return beanstalk_app.make_app(world.worker)


def _delayed(world: World, queue_url: str) -> int:
    attributes = world.sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessagesDelayed"])


class TestProtocol:
    def test_not_done_is_requeued_with_a_delay_and_answered_200(self, world: World, app: Any) -> None:
        status, headers, body = call(app, item())
        assert status == "200 OK" and body == {"outcome": "not-done"}
        assert headers["Content-Type"] == "application/json"
        assert world.checked == [{"id": "job-1", "payload": {"order": 42}, "attempt": 0}]
        assert _delayed(world, world.queue_url) == 1  # re-sent with DelaySeconds (poll interval)

    def test_done_is_answered_200_and_not_requeued(self, world: World, app: Any) -> None:
        world.answer = {"done": True}
        assert call(app, item())[2] == {"outcome": "done"}
        assert _delayed(world, world.queue_url) == 0
        stored = world.dynamodb.get_item(TableName=world.table, Key={"pk": {"S": "job-1#0#0"}})["Item"]
        assert stored["status"]["S"] == "done"

    def test_last_attempt_goes_to_the_dead_letter_queue(self, world: World, app: Any) -> None:
        assert call(app, item(attempt=2))[2] == {"outcome": "dead-lettered"}  # max_attempts=3
        [letter] = world.sqs.receive_message(QueueUrl=world.dlq_url)["Messages"]
        assert json.loads(letter["Body"])["reason"] == "max_attempts"

    def test_duplicate_delivery_is_dropped_with_200(self, world: World, app: Any) -> None:
        world.answer = {"done": True}
        call(app, item(), message_id="m-1")
        status, _, body = call(app, item(), message_id="m-2")  # the same step, delivered twice
        assert status == "200 OK" and body == {"outcome": "duplicate"}
        assert len(world.checked) == 1

    def test_step_in_progress_elsewhere_is_409(self, world: World, app: Any) -> None:
        world.ledger.claim("job-1#0#0")  # another instance holds a live claim
        status, _, body = call(app, item())
        assert status == "409 Conflict" and body == {"outcome": "in-progress"}
        assert world.checked == []

    def test_failing_check_is_500_and_releases_the_claim(self, world: World, app: Any) -> None:
        world.answer = RuntimeError("check crashed")
        status, _, body = call(app, item())
        assert status == "500 Internal Server Error" and body == {"outcome": "failed"}
        assert "Item" not in world.dynamodb.get_item(TableName=world.table, Key={"pk": {"S": "job-1#0#0"}})

    def test_answer_without_done_is_500(self, world: World, app: Any) -> None:
        world.answer = {"status": "maybe"}
        assert call(app, item())[0] == "500 Internal Server Error"

    def test_body_not_in_the_protocol_becomes_a_new_item_keyed_by_message_id(
        self, world: World, app: Any
    ) -> None:
        call(app, "export 2024-01", message_id="msg-8")
        assert world.checked == [{"id": "msg-8", "payload": "export 2024-01", "attempt": 0}]

    def test_worker_is_built_once(self, world: World, app: Any) -> None:
        call(app, item(), message_id="m-1")
        call(app, item(attempt=1), message_id="m-2")
        assert world.builds == 1


class TestHttp:
    def test_post_without_the_daemon_header_is_400(self, world: World, app: Any) -> None:
        assert call(app, item(), message_id=None)[0] == "400 Bad Request"
        assert world.checked == []

    def test_get_is_a_health_probe(self, app: Any) -> None:
        status, _, body = call(app, method="GET", message_id=None)
        assert (status, body) == ("200 OK", {"status": "ok"})

    def test_other_methods_are_405(self, app: Any) -> None:
        assert call(app, item(), method="PUT")[0] == "405 Method Not Allowed"

    def test_other_paths_are_404(self, world: World) -> None:
        app = beanstalk_app.make_app(world.worker, path="/work")
        assert call(app, item(), path="/")[0] == "404 Not Found"
        assert call(app, item(), path="/work")[0] == "200 OK"

    def test_empty_body(self, world: World, app: Any) -> None:
        status, _, _ = call(app, None, message_id="m-empty")
        assert status == "200 OK"
        assert world.checked == [{"id": "m-empty", "payload": "", "attempt": 0}]


class TestDeployedEntryPoint:
    def test_module_application_reads_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, aws: None
    ) -> None:
        world = World()
        for name, value in {
            "QUEUE_URL": world.queue_url,
            "DEAD_LETTER_QUEUE_URL": world.dlq_url,
            "DEDUP_TABLE": world.table,
            "CHECK_FUNCTION": "arn:aws:lambda:us-east-1:123456789012:function:check",
            "POLL_INTERVAL_SECONDS": "120",
            "MAX_ATTEMPTS": "5",
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(poller, "_clients", {})
        monkeypatch.setattr(poller, "lambda_check", lambda client, name: world.check)
        app = beanstalk_app.make_app(poller.Worker.from_environment)
        assert call(app, item())[2] == {"outcome": "not-done"}
        assert _delayed(world, world.queue_url) == 1

    def test_module_exposes_the_wsgi_callable(self) -> None:
        assert callable(beanstalk_app.application)
