"""Lambda functions with the library's defaults: plain Python source (no bundling), latest runtime,
ARM64, X-Ray tracing, a log group with retention, and a role with no managed policies."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from .logs import DEFAULT_LOG_RETENTION, log_group
from .nag import acknowledge

PYTHON_RUNTIME = lambda_.Runtime.PYTHON_3_14
"""The newest Python runtime that aws-cdk-lib knows (cdk-nag AwsSolutions-L1 asks for the latest)."""


def python_function(
    scope: Construct,
    id: str,
    *,
    code_dir: Path,
    handler: str,
    description: str,
    environment: Mapping[str, str] | None = None,
    timeout: Duration = Duration.seconds(30),
    memory_size: int = 256,
    reserved_concurrent_executions: int | None = None,
    log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
    log_removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    tracing: bool = True,
) -> lambda_.Function:
    """A Python function from the source folder ``code_dir`` (``handler="module.function"``).

    Its role starts with nothing but writing to its own log group (and X-Ray when ``tracing``);
    grant the rest with the resources' ``grant_*`` methods. ``function.log_group`` is the log group.
    """
    role = iam.Role(
        scope,
        f"{id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"Execution role of {description}"[:1000],
    )
    logs_group = log_group(scope, f"{id}Logs", retention=log_retention, removal_policy=log_removal_policy)
    logs_group.grant_write(role)
    function = lambda_.Function(
        scope,
        id,
        runtime=PYTHON_RUNTIME,
        architecture=lambda_.Architecture.ARM_64,
        code=lambda_.Code.from_asset(str(code_dir), exclude=["__pycache__", "*.pyc", "tests"]),
        handler=handler,
        description=description,
        environment=dict(environment or {}),
        timeout=timeout,
        memory_size=memory_size,
        reserved_concurrent_executions=reserved_concurrent_executions,
        role=role,
        log_group=logs_group,
        logging_format=lambda_.LoggingFormat.JSON,
        tracing=lambda_.Tracing.ACTIVE if tracing else lambda_.Tracing.DISABLED,
    )
    if tracing:
        acknowledge(
            role,
            {
                "AwsSolutions-IAM5[Resource::*]": "X-Ray PutTraceSegments/PutTelemetryRecords support no "
                "resource-level permissions; '*' is the only valid resource.",
            },
        )
    return function
