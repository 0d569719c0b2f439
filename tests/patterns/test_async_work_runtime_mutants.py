"""The async-work handlers, detail by detail (what mutation testing showed untested): the exact
messages re-sent, the log lines, the configuration defaults, odd bodies, and the Beanstalk app's exact
HTTP answers. AWS is replaced by fakes that record each call."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError

from patterns.async_work.runtime import beanstalk_app, example_check, poller

CONFIG = poller.Config(
    queue_url="https://sqs/q",
    dead_letter_queue_url="https://sqs/dlq",
    table_name="dedup",
    poll_interval_seconds=1000,
    max_attempts=3,
    lease_seconds=30,
    dedup_ttl_seconds=600,
)


class Sqs:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send_message(self, **params: Any) -> dict[str, Any]:
        self.sent.append({**params, "MessageBody": json.loads(params["MessageBody"])})
        return {}


class Table:
    """A dedup table: ``put_item`` fails its condition for the keys in ``taken``; ``status`` answers
    GetItem; every call is recorded."""

    def __init__(self, *, taken: bool = False, status: str | None = None, delete_error: bool = False) -> None:
        self.taken, self.status, self.delete_error = taken, status, delete_error
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def put_item(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("put_item", params))
        if self.taken:
            raise ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "PutItem")
        return {}

    def get_item(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("get_item", params))
        return {"Item": {"status": {"S": self.status}}} if self.status else {}

    def update_item(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("update_item", params))
        return {}

    def delete_item(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("delete_item", params))
        if self.delete_error:
            raise ClientError({"Error": {"Code": "ConditionalCheckFailedException"}}, "DeleteItem")
        return {}


def ledger(table: Table) -> poller.Ledger:
    return poller.Ledger(table, "dedup", lease_seconds=30, ttl_seconds=600)


def record(body: Any, message_id: str = "m-1") -> dict[str, Any]:
    return {"messageId": message_id, "body": body if isinstance(body, str) else json.dumps(body)}


def messages(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records]


# ---------------------------------------------------------------------------------------------- poller
ENV = {
    "QUEUE_URL": "q",
    "DEAD_LETTER_QUEUE_URL": "dlq",
    "DEDUP_TABLE": "t",
    "POLL_INTERVAL_SECONDS": "120",
    "MAX_ATTEMPTS": "5",
}


class TestConfig:
    def test_defaults_of_lease_and_ttl(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for key in ("LEASE_SECONDS", "DEDUP_TTL_SECONDS"):
            monkeypatch.delenv(key, raising=False)
        for key, value in ENV.items():
            monkeypatch.setenv(key, value)
        assert poller.Config.from_environment() == poller.Config("q", "dlq", "t", 120, 5, 60, 86400)
        monkeypatch.setenv("LEASE_SECONDS", "7")
        monkeypatch.setenv("DEDUP_TTL_SECONDS", "8")
        assert poller.Config.from_environment() == poller.Config("q", "dlq", "t", 120, 5, 7, 8)

    def test_dataclass_defaults(self) -> None:
        config = poller.Config("q", "dlq", "t", 1, 2)
        assert (config.lease_seconds, config.dedup_ttl_seconds) == (60, 86400)


class TestParseItem:
    @pytest.mark.parametrize(
        ("body", "item"),
        [
            ({"id": 7, "payload": None}, {"id": "7", "payload": None, "attempt": 0, "wait_remaining": 0}),
            (
                {"id": "a", "payload": 1, "attempt": 2, "wait_remaining": 5},
                {"id": "a", "payload": 1, "attempt": 2, "wait_remaining": 5},
            ),
            (
                {"id": "a", "payload": 1, "attempt": 0, "wait_remaining": 0},
                {"id": "a", "payload": 1, "attempt": 0, "wait_remaining": 0},
            ),
        ],
    )
    def test_protocol_bodies(self, body: dict[str, Any], item: dict[str, Any]) -> None:
        assert poller.parse_item(record(body)) == item

    @pytest.mark.parametrize(
        "body",
        [
            {"id": "a", "payload": 1, "attempt": -1},
            {"id": "a", "payload": 1, "wait_remaining": -1},
            {"id": "a", "payload": 1, "attempt": "1"},
            {"id": "a", "payload": 1, "wait_remaining": 1.5},
            {"id": "a"},
            {"payload": 1},
        ],
    )
    def test_bodies_outside_the_protocol_are_payloads(self, body: dict[str, Any]) -> None:
        assert poller.parse_item(record(body)) == {
            "id": "m-1",
            "payload": body,
            "attempt": 0,
            "wait_remaining": 0,
        }

    def test_record_without_a_body(self) -> None:
        assert poller.parse_item({"messageId": "m-2"}) == {
            "id": "m-2",
            "payload": "",
            "attempt": 0,
            "wait_remaining": 0,
        }
        assert poller.parse_item({"messageId": "m-3", "body": None})["payload"] is None

    def test_step_key(self) -> None:
        assert poller.step_key({"id": "a", "attempt": 2, "wait_remaining": 100}) == "a#2#100"


class TestLedgerCalls:
    def test_claim_at_a_given_time(self) -> None:
        table = Table()
        assert ledger(table).claim("k", now=1000) is True
        assert table.calls == [
            (
                "put_item",
                {
                    "TableName": "dedup",
                    "Item": {
                        "pk": {"S": "k"},
                        "status": {"S": "in_progress"},
                        "lease_until": {"N": "1030"},
                        "expires_at": {"N": "1600"},
                    },
                    "ConditionExpression": "attribute_not_exists(pk) OR (#status = :in_progress AND lease_until < :now)",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":in_progress": {"S": "in_progress"},
                        ":now": {"N": "1000"},
                    },
                },
            )
        ]

    def test_claim_now_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(poller.time, "time", lambda: 2000.9)
        table = Table()
        ledger(table).claim("k")
        assert table.calls[0][1]["Item"]["lease_until"] == {"N": "2030"}

    @pytest.mark.parametrize("status", [None, "in_progress"])
    def test_taken_and_not_done_is_in_progress(self, status: str | None) -> None:
        table = Table(taken=True, status=status)
        with pytest.raises(poller.StepInProgress, match=r"^k$"):
            ledger(table).claim("k", now=1)
        assert table.calls[1] == (
            "get_item",
            {"TableName": "dedup", "Key": {"pk": {"S": "k"}}, "ConsistentRead": True},
        )

    def test_complete_and_release_calls(self) -> None:
        table = Table()
        ledger(table).complete("k", "done")
        ledger(table).release("k")
        assert table.calls == [
            (
                "update_item",
                {
                    "TableName": "dedup",
                    "Key": {"pk": {"S": "k"}},
                    "UpdateExpression": "SET #status = :done, outcome = :outcome REMOVE lease_until",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":done": {"S": "done"}, ":outcome": {"S": "done"}},
                },
            ),
            (
                "delete_item",
                {
                    "TableName": "dedup",
                    "Key": {"pk": {"S": "k"}},
                    "ConditionExpression": "#status = :in_progress",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":in_progress": {"S": "in_progress"}},
                },
            ),
        ]

    def test_failed_release_is_a_warning(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.INFO):
            ledger(Table(delete_error=True)).release("k")
        assert messages(caplog) == [("WARNING", "could not release claim k; it expires with its lease")]


class TestSteps:
    def test_waiting_hop_carries_the_rest_of_the_wait(self) -> None:
        sqs = Sqs()
        item = {"id": "a", "payload": {"p": 1}, "attempt": 1, "wait_remaining": 1000}
        assert poller.run_step(item, config=CONFIG, check=None, sqs=sqs) == "waiting"  # type: ignore[arg-type]
        assert sqs.sent == [
            {
                "QueueUrl": "https://sqs/q",
                "MessageBody": {"id": "a", "payload": {"p": 1}, "attempt": 1, "wait_remaining": 100},
                "DelaySeconds": 900,
            }
        ]

    def test_one_second_left_is_one_more_hop(self) -> None:
        sqs = Sqs()
        item = {"id": "a", "payload": None, "attempt": 0, "wait_remaining": 1}
        outcome = poller.run_step(item, config=CONFIG, check=lambda _: pytest.fail("checked"), sqs=sqs)
        assert (outcome, sqs.sent[0]["DelaySeconds"], sqs.sent[0]["MessageBody"]["wait_remaining"]) == (
            "waiting",
            1,
            0,
        )

    def test_last_hop_of_exactly_900(self) -> None:
        sqs = Sqs()
        item = {"id": "a", "payload": None, "attempt": 0, "wait_remaining": 900}
        poller.run_step(item, config=CONFIG, check=None, sqs=sqs)  # type: ignore[arg-type]
        assert (sqs.sent[0]["DelaySeconds"], sqs.sent[0]["MessageBody"]["wait_remaining"]) == (900, 0)

    def test_not_done_is_resent_with_the_longest_delay_and_the_rest(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        sqs = Sqs()
        asked: list[dict[str, Any]] = []

        def check(request: dict[str, Any]) -> dict[str, Any]:
            asked.append(request)
            return {"done": False}

        item = {"id": "a", "payload": [1], "attempt": 1, "wait_remaining": 0}
        assert poller.run_step(item, config=CONFIG, check=check, sqs=sqs) == "not-done"
        assert asked == [{"id": "a", "payload": [1], "attempt": 1}]
        assert sqs.sent == [
            {
                "QueueUrl": "https://sqs/q",
                "MessageBody": {"id": "a", "payload": [1], "attempt": 2, "wait_remaining": 100},
                "DelaySeconds": 900,
            }
        ]

    def test_short_interval_is_one_hop(self) -> None:
        sqs = Sqs()
        config = poller.Config("q", "dlq", "t", poll_interval_seconds=60, max_attempts=3)
        item = {"id": "a", "payload": None, "attempt": 0, "wait_remaining": 0}
        poller.run_step(item, config=config, check=lambda _: {"done": False}, sqs=sqs)
        assert sqs.sent == [
            {
                "QueueUrl": "q",
                "MessageBody": {"id": "a", "payload": None, "attempt": 1, "wait_remaining": 0},
                "DelaySeconds": 60,
            }
        ]

    def test_done_is_logged_with_the_answer(self, caplog: pytest.LogCaptureFixture) -> None:
        sqs = Sqs()
        item = {"id": "a", "payload": None, "attempt": 2, "wait_remaining": 0}
        with caplog.at_level(logging.INFO):
            outcome = poller.run_step(item, config=CONFIG, check=lambda _: {"done": True, "x": 1}, sqs=sqs)
        assert (outcome, sqs.sent) == ("done", [])
        assert messages(caplog) == [
            ("INFO", '{"event": "done", "id": "a", "attempts": 3, "answer": {"done": true, "x": 1}}')
        ]

    def test_dead_letter_message_and_log(self, caplog: pytest.LogCaptureFixture) -> None:
        sqs = Sqs()
        item = {"id": "a", "payload": "p", "attempt": 2, "wait_remaining": 0}
        with caplog.at_level(logging.INFO):
            outcome = poller.run_step(
                item, config=CONFIG, check=lambda _: {"done": False, "why": "x"}, sqs=sqs
            )
        assert outcome == "dead-lettered"
        assert sqs.sent == [
            {
                "QueueUrl": "https://sqs/dlq",
                "MessageBody": {
                    "id": "a",
                    "payload": "p",
                    "attempt": 3,
                    "reason": "max_attempts",
                    "last_answer": {"done": False, "why": "x"},
                },
                "DelaySeconds": 0,
            }
        ]
        assert messages(caplog) == [("WARNING", '{"event": "dead-lettered", "id": "a", "attempts": 3}')]

    @pytest.mark.parametrize("answer", [None, [], {"done": 1}, {"status": "ok"}])
    def test_answer_without_a_boolean_done(self, answer: Any) -> None:
        item = {"id": "a", "payload": None, "attempt": 0, "wait_remaining": 0}
        with pytest.raises(poller.CheckFailed) as error:
            poller.run_step(item, config=CONFIG, check=lambda _: answer, sqs=Sqs())
        assert str(error.value) == f"check answered {answer!r}; expected an object with a boolean 'done'"


class TestRecords:
    def test_duplicate_is_logged_and_not_run(self, caplog: pytest.LogCaptureFixture) -> None:
        table = Table(taken=True, status="done")
        with caplog.at_level(logging.INFO):
            outcome = poller.process_record(
                record({"id": "a", "payload": 1, "attempt": 1}),
                config=CONFIG,
                check=lambda _: pytest.fail("checked"),
                sqs=Sqs(),
                ledger=ledger(table),
            )
        assert outcome == "duplicate"
        assert messages(caplog) == [("INFO", '{"event": "duplicate", "key": "a#1#0"}')]
        assert [c[0] for c in table.calls] == ["put_item", "get_item"]

    def test_success_completes_the_key_with_the_outcome(self) -> None:
        table = Table()
        poller.process_record(
            record({"id": "a", "payload": 1}),
            config=CONFIG,
            check=lambda _: {"done": True},
            sqs=Sqs(),
            ledger=ledger(table),
        )
        assert table.calls[-1][0] == "update_item"
        assert table.calls[-1][1]["Key"] == {"pk": {"S": "a#0#0"}}
        assert table.calls[-1][1]["ExpressionAttributeValues"][":outcome"] == {"S": "done"}

    def test_failed_record_is_logged_and_reported_and_the_others_go_on(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        def check(request: dict[str, Any]) -> dict[str, Any]:
            if request["id"] == "bad":
                raise RuntimeError("boom")
            return {"done": True}

        event = {
            "Records": [record({"id": "bad", "payload": 1}, "m-1"), record({"id": "ok", "payload": 1}, "m-2")]
        }
        with caplog.at_level(logging.ERROR):
            result = poller.handle_batch(event, config=CONFIG, check=check, sqs=Sqs(), ledger=ledger(Table()))
        assert result == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
        assert messages(caplog) == [("ERROR", "record m-1 failed; SQS will retry it")]
        assert caplog.records[0].exc_info is not None

    def test_event_without_records(self) -> None:
        assert poller.handle_batch({}, config=CONFIG, check=None, sqs=None, ledger=None) == {
            "batchItemFailures": []
        }  # type: ignore[arg-type]


class TestLambdaCheck:
    class Lambda:
        def __init__(self, payload: bytes, error: bool = False) -> None:
            self.payload, self.error = payload, error
            self.calls: list[dict[str, Any]] = []

        def invoke(self, **params: Any) -> dict[str, Any]:
            self.calls.append(params)
            response: dict[str, Any] = {"Payload": io.BytesIO(self.payload)}
            if self.error:
                response["FunctionError"] = "Unhandled"
            return response

    def test_request_and_answer(self) -> None:
        client = self.Lambda(b'{"done": true}')
        assert poller.lambda_check(client, "fn")({"id": "a"}) == {"done": True}
        assert client.calls == [{"FunctionName": "fn", "Payload": b'{"id": "a"}'}]

    def test_empty_payload_is_null(self) -> None:
        assert poller.lambda_check(self.Lambda(b""), "fn")({}) is None

    def test_function_error_names_the_payload(self) -> None:
        with pytest.raises(poller.CheckFailed) as error:
            poller.lambda_check(self.Lambda(b'{"errorMessage": "x"}', error=True), "fn")({})
        assert str(error.value) == "check function failed: {'errorMessage': 'x'}"


class TestClients:
    def test_one_client_per_service_and_the_lambda_read_timeout(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        made: list[tuple[str, Any]] = []
        function = TestLambdaCheck.Lambda(b'{"done": false}')
        clients = {"dynamodb": "dynamodb", "sqs": "sqs", "lambda": function}
        monkeypatch.setattr(poller, "_clients", {})
        monkeypatch.setattr(
            poller.boto3,
            "client",
            lambda service, config=None: made.append((service, config)) or clients[service],
        )
        for key, value in ENV.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("CHECK_FUNCTION", "fn")
        worker = poller.Worker.from_environment()
        poller.Worker.from_environment()
        assert [service for service, _ in made] == ["dynamodb", "lambda", "sqs"]
        config = dict(made)
        assert config["dynamodb"] is None and config["sqs"] is None
        assert config["lambda"].read_timeout == 910
        assert config["lambda"].tcp_keepalive is True
        assert (worker.sqs, worker.ledger.client, worker.ledger.table) == ("sqs", "dynamodb", "t")
        assert (worker.ledger.lease, worker.ledger.ttl) == (60, 86400)
        assert worker.check({"id": "a"}) == {"done": False}
        assert function.calls == [{"FunctionName": "fn", "Payload": b'{"id": "a"}'}]


# ---------------------------------------------------------------------------------------------- beanstalk app
class Worker:
    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome
        self.records: list[dict[str, Any]] = []

    def process(self, record: dict[str, Any]) -> str:
        self.records.append(record)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def call(app: Any, **environ: Any) -> tuple[str, list[tuple[str, str]], Any]:
    started: list[Any] = []
    body = b"".join(app(environ, lambda status, headers: started.append((status, headers))))
    [(status, headers)] = started
    return status, headers, json.loads(body)


def post(body: bytes = b"", **extra: Any) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/work",
        "HTTP_X_AWS_SQSD_MSGID": "m-1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **extra,
    }


class TestBeanstalkApp:
    def test_processed_message_answers_the_outcome_with_exact_headers(self) -> None:
        worker = Worker("not-done")
        built: list[int] = []
        app = beanstalk_app.make_app(lambda: built.append(1) or worker, path="/work")  # type: ignore[func-returns-value]
        status, headers, body = call(app, **post(b'{"id": "a", "payload": 1}'))
        assert (status, body) == ("200 OK", {"outcome": "not-done"})
        assert headers == [("Content-Type", "application/json"), ("Content-Length", "23")]
        assert worker.records == [{"messageId": "m-1", "body": '{"id": "a", "payload": 1}'}]
        call(app, **post(b"{}"))
        assert built == [1]

    def test_step_in_progress_is_409_and_logged(self, caplog: pytest.LogCaptureFixture) -> None:
        app = beanstalk_app.make_app(lambda: Worker(poller.StepInProgress("k")), path="/work")  # type: ignore[arg-type,return-value]
        with caplog.at_level(logging.INFO):
            status, _, body = call(app, **post(b"x"))
        assert (status, body) == ("409 Conflict", {"outcome": "in-progress"})
        assert messages(caplog) == [("INFO", '{"event": "in-progress", "messageId": "m-1"}')]

    def test_failure_is_500_and_logged(self, caplog: pytest.LogCaptureFixture) -> None:
        app = beanstalk_app.make_app(lambda: Worker(RuntimeError("boom")), path="/work")  # type: ignore[arg-type,return-value]
        with caplog.at_level(logging.INFO):
            status, _, body = call(app, **post(b"x"))
        assert (status, body) == ("500 Internal Server Error", {"outcome": "failed"})
        assert messages(caplog) == [("ERROR", "message m-1 failed; SQS will make it visible again")]

    def test_failing_worker_construction_is_500(self) -> None:
        def broken() -> Any:
            raise RuntimeError("no environment")

        status, _, _ = call(beanstalk_app.make_app(broken, path="/work"), **post(b"x"))
        assert status == "500 Internal Server Error"

    @pytest.mark.parametrize(
        ("environ", "answer"),
        [
            ({"PATH_INFO": "/other"}, ("404 Not Found", {"error": "not found"})),
            ({"PATH_INFO": "/work"}, ("200 OK", {"status": "ok"})),
            (
                {"PATH_INFO": "/work", "REQUEST_METHOD": "PUT"},
                ("405 Method Not Allowed", {"error": "POST only"}),
            ),
            (
                {"PATH_INFO": "/work", "REQUEST_METHOD": "POST"},
                ("400 Bad Request", {"error": "not from the SQS daemon"}),
            ),
            (
                {"PATH_INFO": "/work", "REQUEST_METHOD": "POST", "HTTP_X_AWS_SQSD_MSGID": ""},
                ("400 Bad Request", {"error": "not from the SQS daemon"}),
            ),
        ],
    )
    def test_answers_without_processing(self, environ: dict[str, Any], answer: tuple[str, Any]) -> None:
        app = beanstalk_app.make_app(lambda: pytest.fail("built"), path="/work")
        status, _, body = call(app, **environ)
        assert (status, body) == answer

    @pytest.mark.parametrize("path_info", [None, "", "/"])
    def test_root_path_by_default(self, path_info: str | None) -> None:
        app = beanstalk_app.make_app(lambda: pytest.fail("built"))
        assert call(app, PATH_INFO=path_info)[0] == "200 OK"

    @pytest.mark.parametrize(
        ("length", "body"),
        [("5", "hello"), ("3", "hel"), ("1", "h"), ("", ""), (None, ""), ("x", ""), ("0", ""), ("-1", "")],
    )
    def test_body_read_by_content_length(self, length: str | None, body: str) -> None:
        assert (
            beanstalk_app._body({"CONTENT_LENGTH": length, "wsgi.input": io.BytesIO(b"hello world")}) == body
        )

    def test_undecodable_body_is_replaced_not_refused(self) -> None:
        assert beanstalk_app._body({"CONTENT_LENGTH": "2", "wsgi.input": io.BytesIO(b"\xffa")}) == "\ufffda"


# ---------------------------------------------------------------------------------------------- example check
class TestExampleCheck:
    def test_checks_needed_boundary(self) -> None:
        assert example_check.is_done({"checks_needed": 2}, 1, 0) is True
        assert example_check.is_done({"checks_needed": 2}, 0, 0) is False
        assert example_check.is_done(None, 1, 0) is False
        assert example_check.is_done(None, 2, 0) is True

    def test_handler_compares_ready_at_with_the_time_now(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(example_check.time, "time", lambda: 100.5)
        assert example_check.handler({"id": "a", "payload": {"ready_at": 100}}, None) == {
            "done": True,
            "id": "a",
            "checked_at": 100,
        }
        assert example_check.handler({"payload": {"ready_at": 101}}, None)["done"] is False

    def test_ready_at_boundary(self) -> None:
        assert example_check.is_done({"ready_at": 10}, 0, 10) is True
        assert example_check.is_done({"ready_at": "1970-01-01T00:00:10Z"}, 0, 9.5) is False
