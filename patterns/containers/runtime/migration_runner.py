"""Custom-resource handlers (CDK provider framework) that run a migration state machine on deploy.

``on_event`` starts an execution on Create and Update (Delete does nothing: a migration is not undone
by deleting the stack); ``is_complete`` polls it and fails the deployment unless it succeeded.
Standard library and boto3 only.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3

LOGGER = logging.getLogger()
LOGGER.setLevel(logging.INFO)

RUNNING = {"RUNNING", "PENDING_REDRIVE"}


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
    execution = _client().start_execution(
        stateMachineArn=properties["StateMachineArn"],
        input=json.dumps(
            {
                "requestType": request,
                "image": properties.get("Image"),
                "taskDefinitionArn": properties.get("TaskDefinitionArn"),
                "stackId": event.get("StackId"),
            }
        ),
    )
    LOGGER.info("started migration %s for %s", execution["executionArn"], request)
    return {"PhysicalResourceId": physical_id, "Data": {"ExecutionArn": execution["executionArn"]}}


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
    raise MigrationFailed(
        f"Migration {status}{' (' + details + ')' if details else ''}; execution {execution_arn}"
    )
