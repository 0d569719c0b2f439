"""The PollingWorker consumer (runtime/poller.py) against moto's SQS and DynamoDB, and the example check."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from patterns.async_work.runtime import example_check, poller

REGION = "us-east-1"


class RecordingSqs:
    """moto's SQS client, with every send_message call remembered (to read DelaySeconds back)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sent: list[dict[str, Any]] = []

    def send_message(self, **kwargs: Any) -> Any:
        self.sent.append(kwargs)
        return self.client.send_message(**kwargs)


class World:
    def __init__(self, poll_interval_seconds: int = 300, max_attempts: int = 3) -> None:
        sqs = boto3.client("sqs", region_name=REGION)
        self.dynamodb = boto3.client("dynamodb", region_name=REGION)
        self.queue_url = sqs.create_queue(QueueName="work")["QueueUrl"]
        self.dlq_url = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
        self.dynamodb.create_table(
            TableName="dedup",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
        self.sqs = RecordingSqs(sqs)
        self.config = poller.Config(
            queue_url=self.queue_url,
            dead_letter_queue_url=self.dlq_url,
            table_name="dedup",
            poll_interval_seconds=poll_interval_seconds,
            max_attempts=max_attempts,
            lease_seconds=60,
        )
        self.ledger = poller.Ledger(self.dynamodb, "dedup", lease_seconds=60, ttl_seconds=86400)
        self.checked: list[dict[str, Any]] = []
        self.answer: Any = {"done": False}

    def check(self, request: dict[str, Any]) -> dict[str, Any]:
        self.checked.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def run(self, *records: dict[str, Any]) -> dict[str, Any]:
        return poller.handle_batch(
            {"Records": list(records)}, config=self.config, check=self.check, sqs=self.sqs, ledger=self.ledger
        )

    def bodies(self, queue_url: str) -> list[dict[str, Any]]:
        return [json.loads(s["MessageBody"]) for s in self.sqs.sent if s["QueueUrl"] == queue_url]

    def dead_letters(self) -> list[dict[str, Any]]:
        messages = self.sqs.client.receive_message(QueueUrl=self.dlq_url, MaxNumberOfMessages=10)
        return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def record(body: Any, message_id: str = "m-1") -> dict[str, Any]:
    return {"messageId": message_id, "body": body if isinstance(body, str) else json.dumps(body)}


def item(attempt: int = 0, wait_remaining: int = 0, id: str = "job-1") -> dict[str, Any]:
    return {"id": id, "payload": {"order": 42}, "attempt": attempt, "wait_remaining": wait_remaining}


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        yield World()


class TestNotDoneYet:
    def test_resent_with_the_poll_interval_as_delay_and_one_more_attempt(self, world: World) -> None:
        assert world.run(record(item())) == {"batchItemFailures": []}
        assert world.checked == [{"id": "job-1", "payload": {"order": 42}, "attempt": 0}]
        assert [s["DelaySeconds"] for s in world.sqs.sent] == [300]
        assert world.bodies(world.queue_url) == [item(attempt=1)]

    def test_attempts_are_counted_across_checks(self, world: World) -> None:
        world.run(record(item(attempt=1)))
        assert world.bodies(world.queue_url) == [item(attempt=2)]
        assert world.checked[0]["attempt"] == 1

    def test_wait_longer_than_sqs_maximum_is_chained_without_checking(self) -> None:
        with mock_aws():
            world = World(poll_interval_seconds=2000)
            world.run(record(item()))
            assert world.sqs.sent[-1]["DelaySeconds"] == 900
            assert world.bodies(world.queue_url)[-1] == item(attempt=1, wait_remaining=1100)
            world.run(record(item(attempt=1, wait_remaining=1100), "m-2"))
            world.run(record(item(attempt=1, wait_remaining=200), "m-3"))
            assert [s["DelaySeconds"] for s in world.sqs.sent] == [900, 900, 200]
            assert world.bodies(world.queue_url)[1:] == [item(attempt=1, wait_remaining=200), item(attempt=1)]
            assert len(world.checked) == 1  # the hops only wait
            world.run(record(item(attempt=1), "m-4"))
            assert len(world.checked) == 2


class TestEnd:
    def test_done_item_is_not_resent(self, world: World) -> None:
        world.answer = {"done": True, "result": "exported"}
        assert world.run(record(item())) == {"batchItemFailures": []}
        assert world.sqs.sent == []
        stored = world.dynamodb.get_item(TableName="dedup", Key={"pk": {"S": "job-1#0#0"}})["Item"]
        assert stored["status"]["S"] == "done" and stored["outcome"]["S"] == "done"
        assert "expires_at" in stored

    def test_dead_lettered_after_the_maximum(self, world: World) -> None:
        world.run(record(item(attempt=2)))  # max_attempts=3: this is the third check
        assert world.bodies(world.queue_url) == []
        [letter] = world.dead_letters()
        assert letter["id"] == "job-1" and letter["attempt"] == 3 and letter["reason"] == "max_attempts"
        assert letter["last_answer"] == {"done": False}

    def test_one_attempt_allowed(self) -> None:
        with mock_aws():
            world = World(max_attempts=1)
            world.run(record(item()))
            assert len(world.dead_letters()) == 1
            assert world.bodies(world.queue_url) == []


class TestFailures:
    def test_partial_batch_response_names_only_the_failed_record(self, world: World) -> None:
        answers = iter([{"done": False}, RuntimeError("status API down")])

        def check(request: dict[str, Any]) -> dict[str, Any]:
            answer = next(answers)
            if isinstance(answer, Exception):
                raise answer
            return answer

        result = poller.handle_batch(
            {"Records": [record(item(id="a"), "m-a"), record(item(id="b"), "m-b")]},
            config=world.config,
            check=check,
            sqs=world.sqs,
            ledger=world.ledger,
        )
        assert result == {"batchItemFailures": [{"itemIdentifier": "m-b"}]}
        assert [b["id"] for b in world.bodies(world.queue_url)] == ["a"]
        # the failed step's claim is released, so SQS's retry can run it at once
        assert "Item" not in world.dynamodb.get_item(TableName="dedup", Key={"pk": {"S": "b#0#0"}})

    @pytest.mark.parametrize("answer", [{"status": "done"}, {"done": "yes"}, None, [True]])
    def test_check_answer_without_boolean_done_is_a_failure(self, world: World, answer: Any) -> None:
        world.answer = answer
        assert world.run(record(item())) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
        assert world.sqs.sent == []


class TestDuplicates:
    def test_duplicate_delivery_is_processed_once(self, world: World) -> None:
        first = world.run(record(item(), "m-1"))
        second = world.run(record(item(), "m-1-again"))  # SQS/EventBridge at-least-once delivery
        assert first == second == {"batchItemFailures": []}
        assert len(world.checked) == 1
        assert len(world.sqs.sent) == 1

    def test_duplicate_in_the_same_batch(self, world: World) -> None:
        world.run(record(item(), "m-1"), record(item(), "m-2"))
        assert len(world.sqs.sent) == 1

    def test_step_claimed_by_a_live_consumer_is_retried_later(self, world: World) -> None:
        assert world.ledger.claim("job-1#0#0")  # another consumer is on it
        assert world.run(record(item())) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
        assert world.checked == []

    def test_claim_of_a_crashed_consumer_is_taken_over_after_its_lease(self, world: World) -> None:
        assert world.ledger.claim("job-1#0#0", now=1_000)  # lease ran out long ago
        assert world.run(record(item())) == {"batchItemFailures": []}
        assert len(world.checked) == 1

    def test_later_attempts_have_their_own_key(self, world: World) -> None:
        world.run(record(item(attempt=0)))
        world.run(record(item(attempt=1), "m-2"))
        assert len(world.checked) == 2


class TestMessageShapes:
    def test_foreign_body_becomes_an_item_keyed_by_message_id(self, world: World) -> None:
        world.run(record({"orderId": 7}, "msg-7"))
        assert world.checked == [{"id": "msg-7", "payload": {"orderId": 7}, "attempt": 0}]
        assert world.bodies(world.queue_url)[0]["id"] == "msg-7"

    def test_plain_text_body(self, world: World) -> None:
        world.run(record("export 2024-01", "msg-8"))
        assert world.checked[0]["payload"] == "export 2024-01"

    def test_eventbridge_input_transformer_shape(self, world: World) -> None:
        # what the rule's input transformer writes: {"id": <event id>, "payload": <detail>, "attempt": 0}
        world.run(
            record({"id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "payload": {"job": "x"}, "attempt": 0})
        )
        assert world.checked[0]["id"] == "6a7e8feb-b491-4cf7-a9f1-bf3703467718"

    def test_negative_attempt_is_not_trusted(self) -> None:
        parsed = poller.parse_item(record({"id": "x", "payload": 1, "attempt": -1}, "m-9"))
        assert parsed["id"] == "m-9" and parsed["attempt"] == 0


class TestLambdaEntryPoint:
    def test_handler_reads_its_configuration_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with mock_aws():
            world = World()
            for name, value in {
                "QUEUE_URL": world.queue_url,
                "DEAD_LETTER_QUEUE_URL": world.dlq_url,
                "DEDUP_TABLE": "dedup",
                "CHECK_FUNCTION": "arn:aws:lambda:us-east-1:123456789012:function:check",
                "POLL_INTERVAL_SECONDS": "120",
                "MAX_ATTEMPTS": "5",
            }.items():
                monkeypatch.setenv(name, value)
            monkeypatch.setattr(poller, "_clients", {})
            monkeypatch.setattr(poller, "lambda_check", lambda client, name: world.check)
            assert poller.handler({"Records": [record(item())]}, None) == {"batchItemFailures": []}
            messages = world.sqs.client.receive_message(QueueUrl=world.queue_url, AttributeNames=["All"])
            # moto keeps the delayed message invisible: it is there, not yet receivable
            assert "Messages" not in messages
            attributes = world.sqs.client.get_queue_attributes(
                QueueUrl=world.queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
            )
            assert attributes["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"

    def test_check_invocations_outlast_botocore_default_read_timeout(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A check may run up to Lambda's 15 minutes; with botocore's 60-second default the consumer
        # would give up on a slow check and the SDK would retry, running the check twice at once.
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        monkeypatch.setattr(poller, "_clients", {})
        config = poller._client("lambda").meta.config
        assert config.read_timeout > 900
        assert poller._client("sqs").meta.config.read_timeout == 60  # other clients keep the defaults


class FakeLambda:
    """The Lambda Invoke response shape (moto runs functions only in Docker, which tests do not have)."""

    def __init__(self, payload: Any, error: bool = False) -> None:
        self.payload, self.error, self.calls = payload, error, []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        response = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(self.payload).encode())}
        if self.error:
            response["FunctionError"] = "Unhandled"
        return response


class TestLambdaCheck:
    def test_invokes_the_check_function_synchronously(self) -> None:
        client = FakeLambda({"done": True})
        assert poller.lambda_check(client, "check-fn")({"id": "a", "payload": None, "attempt": 0}) == {
            "done": True
        }
        assert client.calls[0]["FunctionName"] == "check-fn"
        assert json.loads(client.calls[0]["Payload"]) == {"id": "a", "payload": None, "attempt": 0}

    def test_function_error_raises(self) -> None:
        with pytest.raises(poller.CheckFailed, match="errorMessage"):
            poller.lambda_check(FakeLambda({"errorMessage": "boom"}, error=True), "check-fn")({})


class TestExampleCheck:
    def test_done_at_the_third_check_by_default(self) -> None:
        assert [example_check.is_done({}, attempt, 0) for attempt in range(3)] == [False, False, True]

    def test_checks_needed(self) -> None:
        assert example_check.is_done({"checks_needed": 1}, 0, 0)

    @pytest.mark.parametrize("ready_at", [1_700_000_000, "2023-11-14T22:13:20Z", "2023-11-14T22:13:20+00:00"])
    def test_ready_at(self, ready_at: Any) -> None:
        assert not example_check.is_done({"ready_at": ready_at}, 99, 1_699_999_999)
        assert example_check.is_done({"ready_at": ready_at}, 0, 1_700_000_000)

    def test_handler_answers_done(self) -> None:
        answer = example_check.handler({"id": "x", "payload": {"checks_needed": 1}, "attempt": 0}, None)
        assert answer["done"] is True and answer["id"] == "x"
