"""The migration custom resource's handlers against moto's Step Functions.

moto keeps executions RUNNING (it does not run the definition without the optional antlr4 parser),
stops them to ABORTED, fails them with SF_EXECUTION_HISTORY_TYPE=FAILURE, and the success case is
set on its backend: the states a real execution ends in.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.stepfunctions.models import stepfunctions_backends

from patterns.containers.runtime import migration_runner

DEFINITION = json.dumps({"StartAt": "Run", "States": {"Run": {"Type": "Pass", "End": True}}})


@pytest.fixture
def state_machine_arn() -> Iterator[str]:
    with mock_aws():
        client = boto3.client("stepfunctions", region_name="us-east-1")
        arn = client.create_state_machine(
            name="migrate",
            definition=DEFINITION,
            roleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/sfn",
        )["stateMachineArn"]
        yield arn


def event(request_type: str, state_machine_arn: str, **extra: object) -> dict:
    return {
        "RequestType": request_type,
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": "MigrationRun",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/CdpContainers/1",
        "ResourceProperties": {
            "StateMachineArn": state_machine_arn,
            "TaskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:7",
            "Image": "public.ecr.aws/nginx/nginx:stable",
            "Command": ["sh", "-c", "echo migrate"],
        },
        **extra,
    }


def started(state_machine_arn: str) -> dict:
    return migration_runner.on_event(event("Create", state_machine_arn))


def set_status(execution_arn: str, status: str, **details: str) -> None:
    backend = stepfunctions_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    execution = backend.describe_execution(execution_arn)
    execution.status = status
    for name, value in details.items():
        setattr(execution, name, value)


def executions_of(state_machine_arn: str) -> list[dict]:
    return boto3.client("stepfunctions").list_executions(stateMachineArn=state_machine_arn)["executions"]


class TestOnEvent:
    def test_create_starts_an_execution_with_the_deployment_in_its_input(self, state_machine_arn) -> None:
        result = started(state_machine_arn)
        execution = boto3.client("stepfunctions").describe_execution(
            executionArn=result["Data"]["ExecutionArn"]
        )
        assert execution["stateMachineArn"] == state_machine_arn
        assert json.loads(execution["input"]) == {
            "requestType": "Create",
            "image": "public.ecr.aws/nginx/nginx:stable",
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:7",
            "stackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/CdpContainers/1",
        }
        assert result["PhysicalResourceId"] == "migration-MigrationRun"

    def test_update_runs_again_and_keeps_the_physical_id(self, state_machine_arn) -> None:
        first = started(state_machine_arn)
        second = migration_runner.on_event(
            event("Update", state_machine_arn, PhysicalResourceId=first["PhysicalResourceId"])
        )
        assert second["PhysicalResourceId"] == first["PhysicalResourceId"]
        assert second["Data"]["ExecutionArn"] != first["Data"]["ExecutionArn"]
        executions = boto3.client("stepfunctions").list_executions(stateMachineArn=state_machine_arn)[
            "executions"
        ]
        assert len(executions) == 2

    def test_repeated_request_starts_one_migration(self, state_machine_arn) -> None:
        # Lambda delivers asynchronous invocations at least once, and the provider framework
        # re-invokes onEvent after an invoke error: the same request must not migrate twice.
        request = event("Create", state_machine_arn)
        first = migration_runner.on_event(request)
        again = migration_runner.on_event(dict(request))
        assert again == first
        assert len(executions_of(state_machine_arn)) == 1
        assert executions_of(state_machine_arn)[0]["name"] == f"create-{request['RequestId']}"

    def test_repeated_request_after_the_migration_finished(self, state_machine_arn) -> None:
        request = event("Update", state_machine_arn, PhysicalResourceId="migration-MigrationRun")
        first = migration_runner.on_event(request)
        set_status(first["Data"]["ExecutionArn"], "SUCCEEDED")
        # Step Functions answers ExecutionAlreadyExists for a closed execution of the same name.
        again = migration_runner.on_event(dict(request))
        assert again["Data"]["ExecutionArn"] == first["Data"]["ExecutionArn"]
        assert len(executions_of(state_machine_arn)) == 1

    def test_delete_starts_nothing(self, state_machine_arn) -> None:
        result = migration_runner.on_event(
            event("Delete", state_machine_arn, PhysicalResourceId="migration-x")
        )
        assert result == {"PhysicalResourceId": "migration-x"}
        executions = boto3.client("stepfunctions").list_executions(stateMachineArn=state_machine_arn)[
            "executions"
        ]
        assert executions == []


class TestIsComplete:
    def test_running_is_not_complete(self, state_machine_arn) -> None:
        result = started(state_machine_arn)
        assert migration_runner.is_complete({**event("Create", state_machine_arn), **result}) == {
            "IsComplete": False
        }

    def test_succeeded_is_complete(self, state_machine_arn) -> None:
        result = started(state_machine_arn)
        set_status(result["Data"]["ExecutionArn"], "SUCCEEDED")
        answer = migration_runner.is_complete({**event("Create", state_machine_arn), **result})
        assert answer == {"IsComplete": True, "Data": {"Status": "SUCCEEDED"}}

    def test_aborted_fails_the_deployment_naming_the_execution(self, state_machine_arn) -> None:
        result = started(state_machine_arn)
        execution_arn = result["Data"]["ExecutionArn"]
        boto3.client("stepfunctions").stop_execution(
            executionArn=execution_arn, error="Stopped", cause="by hand"
        )
        with pytest.raises(migration_runner.MigrationFailed, match=f"Migration ABORTED.*{execution_arn}"):
            migration_runner.is_complete({**event("Update", state_machine_arn), **result})

    def test_failed_fails_the_deployment(self, state_machine_arn, monkeypatch) -> None:
        monkeypatch.setenv("SF_EXECUTION_HISTORY_TYPE", "FAILURE")
        result = started(state_machine_arn)
        with pytest.raises(migration_runner.MigrationFailed, match="Migration FAILED"):
            migration_runner.is_complete({**event("Create", state_machine_arn), **result})

    def test_long_cause_is_cut_to_fit_the_cloudformation_response(self, state_machine_arn) -> None:
        # A failed ecs:runTask.sync reports the whole task description as its cause (several KB);
        # CloudFormation rejects a custom-resource response above 4096 bytes.
        result = started(state_machine_arn)
        cause = json.dumps({"Containers": [{"Reason": "CannotPullContainerError", "x": "y" * 8000}]})
        set_status(result["Data"]["ExecutionArn"], "FAILED", error="States.TaskFailed", cause=cause)
        with pytest.raises(migration_runner.MigrationFailed) as failure:
            migration_runner.is_complete({**event("Create", state_machine_arn), **result})
        message = str(failure.value)
        assert len(message.encode()) < 2000
        assert "States.TaskFailed" in message and "CannotPullContainerError" in message
        assert result["Data"]["ExecutionArn"] in message

    def test_delete_is_complete_at_once(self, state_machine_arn) -> None:
        answer = migration_runner.is_complete(
            event("Delete", state_machine_arn, PhysicalResourceId="migration-x")
        )
        assert answer == {"IsComplete": True}
