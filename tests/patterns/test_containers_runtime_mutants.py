"""The migration runner's custom-resource handlers, call by call (what mutation testing showed
untested): the exact StartExecution request, the execution name's limit, the already-started path and
its log lines, and the failure message in each form. ``boto3.client`` is a spy handing out a fake."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError

from patterns.containers.runtime import migration_runner as runner

MACHINE = "arn:aws:states:eu-west-1:111122223333:stateMachine:migrate"


class StepFunctions:
    def __init__(self) -> None:
        self.made: list[str] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.error: str | None = None
        self.execution: dict[str, Any] = {}

    def __call__(self, service: str, *args: Any, **kwargs: Any) -> StepFunctions:
        self.made.append(service)
        return self

    def start_execution(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("start_execution", params))
        if self.error:
            raise ClientError({"Error": {"Code": self.error, "Message": "m"}}, "StartExecution")
        return {"executionArn": f"arn:aws:states:eu-west-1:111122223333:execution:migrate:{params['name']}"}

    def describe_execution(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("describe_execution", params))
        return self.execution


@pytest.fixture
def sfn(monkeypatch: pytest.MonkeyPatch) -> StepFunctions:
    fake = StepFunctions()
    monkeypatch.setattr(runner.boto3, "client", fake)
    return fake


def event(request: str = "Create", **extra: Any) -> dict[str, Any]:
    return {
        "RequestType": request,
        "RequestId": "req-1",
        "LogicalResourceId": "Migrate",
        "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/s/1",
        "ResourceProperties": {"StateMachineArn": MACHINE, "Image": "repo:tag", "TaskDefinitionArn": "td:3"},
        **extra,
    }


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records]


def test_update_starts_one_execution_with_the_exact_request(
    sfn: StepFunctions, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        result = runner.on_event(event("Update", PhysicalResourceId="kept"))
    arn = "arn:aws:states:eu-west-1:111122223333:execution:migrate:update-req-1"
    assert result == {"PhysicalResourceId": "kept", "Data": {"ExecutionArn": arn}}
    assert sfn.made == ["stepfunctions"]
    assert sfn.calls == [
        (
            "start_execution",
            {
                "stateMachineArn": MACHINE,
                "name": "update-req-1",
                "input": json.dumps(
                    {
                        "requestType": "Update",
                        "image": "repo:tag",
                        "taskDefinitionArn": "td:3",
                        "stackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/s/1",
                    }
                ),
            },
        )
    ]
    assert messages(caplog) == [f"started migration {arn} for Update"]


def test_execution_name_is_cut_to_80_characters(sfn: StepFunctions) -> None:
    runner.on_event(event(RequestId="r" * 100))
    assert sfn.calls[0][1]["name"] == "create-" + "r" * 73


def test_properties_and_stack_may_be_absent(sfn: StepFunctions) -> None:
    bare = {
        "RequestType": "Create",
        "RequestId": "req-1",
        "LogicalResourceId": "Migrate",
        "ResourceProperties": {"StateMachineArn": MACHINE},
        "PhysicalResourceId": "",
    }
    assert runner.on_event(bare)["PhysicalResourceId"] == "migration-Migrate"
    assert json.loads(sfn.calls[0][1]["input"]) == {
        "requestType": "Create",
        "image": None,
        "taskDefinitionArn": None,
        "stackId": None,
    }


def test_already_started_execution_is_named_after_the_request(
    sfn: StepFunctions, caplog: pytest.LogCaptureFixture
) -> None:
    sfn.error = "ExecutionAlreadyExists"
    with caplog.at_level(logging.INFO):
        result = runner.on_event(event())
    arn = "arn:aws:states:eu-west-1:111122223333:execution:migrate:create-req-1"
    assert result == {"PhysicalResourceId": "migration-Migrate", "Data": {"ExecutionArn": arn}}
    assert messages(caplog) == [
        f"migration {arn} already started for this request",
        f"started migration {arn} for Create",
    ]


def test_only_the_first_state_machine_marker_is_replaced(sfn: StepFunctions) -> None:
    sfn.error = "ExecutionAlreadyExists"
    machine = "arn:aws:states:eu-west-1:111122223333:stateMachine:a:stateMachine:b"
    result = runner.on_event({**event(), "ResourceProperties": {"StateMachineArn": machine}})
    assert result["Data"]["ExecutionArn"] == (
        "arn:aws:states:eu-west-1:111122223333:execution:a:stateMachine:b:create-req-1"
    )


def test_other_errors_are_raised(sfn: StepFunctions) -> None:
    sfn.error = "StateMachineDoesNotExist"
    with pytest.raises(ClientError, match="StateMachineDoesNotExist"):
        runner.on_event(event())


def test_delete_makes_no_client(sfn: StepFunctions) -> None:
    assert runner.on_event(event("Delete")) == {"PhysicalResourceId": "migration-Migrate"}
    assert runner.is_complete(event("Delete")) == {"IsComplete": True}
    assert sfn.made == []


@pytest.mark.parametrize("status", ["RUNNING", "PENDING_REDRIVE"])
def test_running_states_are_not_complete(sfn: StepFunctions, status: str) -> None:
    sfn.execution = {"status": status}
    assert runner.is_complete({**event(), "Data": {"ExecutionArn": "arn:x"}}) == {"IsComplete": False}
    assert sfn.calls == [("describe_execution", {"executionArn": "arn:x"})]


def test_success_is_logged(sfn: StepFunctions, caplog: pytest.LogCaptureFixture) -> None:
    sfn.execution = {"status": "SUCCEEDED"}
    with caplog.at_level(logging.INFO):
        answer = runner.is_complete({**event(), "Data": {"ExecutionArn": "arn:x"}})
    assert answer == {"IsComplete": True, "Data": {"Status": "SUCCEEDED"}}
    assert messages(caplog) == ["migration arn:x succeeded"]


@pytest.mark.parametrize(
    ("execution", "message"),
    [
        ({"status": "FAILED", "error": "E", "cause": "C"}, "Migration FAILED (E: C); execution arn:x"),
        ({"status": "FAILED", "error": "E"}, "Migration FAILED (E); execution arn:x"),
        ({"status": "TIMED_OUT", "error": "", "cause": "C"}, "Migration TIMED_OUT (C); execution arn:x"),
        ({"status": "ABORTED"}, "Migration ABORTED; execution arn:x"),
        (
            {"status": "FAILED", "error": "E", "cause": "c" * 997},
            "Migration FAILED (E: " + "c" * 997 + "); execution arn:x",
        ),
        (
            {"status": "FAILED", "error": "E", "cause": "c" * 998},
            "Migration FAILED (E: " + "c" * 997 + "... (truncated; see the execution)); execution arn:x",
        ),
    ],
)
def test_failure_message(sfn: StepFunctions, execution: dict[str, Any], message: str) -> None:
    sfn.execution = execution
    with pytest.raises(runner.MigrationFailed) as error:
        runner.is_complete({**event(), "Data": {"ExecutionArn": "arn:x"}})
    assert str(error.value) == message
