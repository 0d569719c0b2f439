"""Log groups with a retention, retained on stack deletion by default."""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR
"""Default for every log group the library creates: long enough for an audit, short enough to cost little."""


def log_group(
    scope: Construct,
    id: str,
    *,
    retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    encryption_key: kms.IKey | None = None,
    log_group_name: str | None = None,
) -> logs.LogGroup:
    """A log group with ``retention`` (default one year), kept when the stack is deleted."""
    return logs.LogGroup(
        scope,
        id,
        retention=retention,
        removal_policy=removal_policy,
        encryption_key=encryption_key,
        log_group_name=log_group_name,
    )


def allow_cloudwatch_logs(key: kms.Key) -> None:
    """Let this region's CloudWatch Logs use ``key`` for this account's log groups (and nothing else)."""
    stack = Stack.of(key)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchLogsOfThisAccount",
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=[
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        )
    )


def encrypt_log_groups(scope: Construct, key: kms.Key) -> None:
    """Encrypt every log group under ``scope`` (in ``key``'s stack) that has no key of its own with ``key``,
    a customer-managed key, and let this region's CloudWatch Logs use the key. Call it after the log
    groups exist (last in a stack's constructor): it walks the tree once, in Python, instead of an
    aspect that would call back into Python for every construct at synthesis.

    Log writers (Lambda, ECS, API Gateway, WAF, flow logs) need no grant: CloudWatch Logs encrypts and
    decrypts; readers need ``logs:`` permissions as before. A log group in another stack is left alone.
    """
    allow_cloudwatch_logs(key)
    stack = Stack.of(key)
    for node in scope.node.find_all():
        if isinstance(node, logs.CfnLogGroup) and node.kms_key_id is None and Stack.of(node) is stack:
            node.kms_key_id = key.key_arn
