"""Log groups with a retention, retained on stack deletion by default."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
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
