"""Custom-resource handlers (CDK provider framework) that run a migration state machine on deploy.

``on_event`` starts an execution on Create and Update (Delete does nothing: a migration is not undone
by deleting the stack); ``is_complete`` polls it and fails the deployment unless it succeeded.
Standard library and boto3 only.

The execution is named after the CloudFormation request id, so a repeated ``on_event`` for the same
request (Lambda's asynchronous invocations are at least once, and the provider framework re-invokes
after an invoke error) finds the migration it already started instead of running a second one.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3
from botocore.exceptions import ClientError

LOGGER = logging.getLogger()
LOGGER.setLevel(logging.INFO)

RUNNING = {"RUNNING", "PENDING_REDRIVE"}
MAX_CAUSE_CHARS = 1000
"""CloudFormation rejects a custom-resource response above 4096 bytes ("Response object is too long"),
and a failed ECS task's cause is its whole DescribeTasks JSON: keep the failure reason well below."""


class MigrationFailed(Exception):
    """The migration did not succeed; raising fails the CloudFormation deployment, which rolls back."""


def _client() -> Any:
    return boto3.client("stepfunctions")


def on_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = event["RequestType"]
    physical_id = event.get("PhysicalResourceId") or f"migration-{event['LogicalResourceId']}"
    if request == "Delete":
        return {"PhysicalResourceId": physical_id}
    properties = event["ResourceProperties"]
    state_machine_arn = properties["StateMachineArn"]
    name = f"{request.lower()}-{event['RequestId']}"[:80]
    try:
        execution_arn = _client().start_execution(
            stateMachineArn=state_machine_arn,
            name=name,
            input=json.dumps(
                {
                    "requestType": request,
                    "image": properties.get("Image"),
                    "taskDefinitionArn": properties.get("TaskDefinitionArn"),
                    "stackId": event.get("StackId"),
                }
            ),
        )["executionArn"]
    except ClientError as error:
        # A running execution of the same name and input is returned as is; a finished one is an error.
        if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        execution_arn = f"{state_machine_arn.replace(':stateMachine:', ':execution:', 1)}:{name}"
        LOGGER.info("migration %s already started for this request", execution_arn)
    LOGGER.info("started migration %s for %s", execution_arn, request)
    return {"PhysicalResourceId": physical_id, "Data": {"ExecutionArn": execution_arn}}


def is_complete(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    if event["RequestType"] == "Delete":
        return {"IsComplete": True}
    execution_arn = event["Data"]["ExecutionArn"]
    execution = _client().describe_execution(executionArn=execution_arn)
    status = execution["status"]
    if status in RUNNING:
        return {"IsComplete": False}
    if status == "SUCCEEDED":
        LOGGER.info("migration %s succeeded", execution_arn)
        return {"IsComplete": True, "Data": {"Status": status}}
    details = ": ".join(str(part) for part in (execution.get("error"), execution.get("cause")) if part)
    if len(details) > MAX_CAUSE_CHARS:
        details = details[:MAX_CAUSE_CHARS] + "... (truncated; see the execution)"
    raise MigrationFailed(
        f"Migration {status}{' (' + details + ')' if details else ''}; execution {execution_arn}"
    )
