"""Systems Manager parts of the compliance baseline: Session Manager preferences and software inventory."""

from __future__ import annotations

from aws_cdk import Names, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from .._core import log_group
from .._core.logs import allow_cloudwatch_logs

SESSION_PREFERENCES_DOCUMENT = "SSM-SessionManagerRunShell"
"""The fixed name Session Manager reads its regional preferences from (one per account and region)."""


def session_key(scope: Construct, id: str, *, removal_policy: RemovalPolicy) -> kms.Key:
    """A KMS key (yearly rotation) that CloudWatch Logs may use for the session log group."""
    key = kms.Key(
        scope,
        id,
        description="Encrypts Session Manager session logs (and session data when enabled)",
        enable_key_rotation=True,
        removal_policy=removal_policy,
    )
    allow_cloudwatch_logs(key)
    return key


def session_log_group(
    scope: Construct, id: str, *, key: kms.IKey, retention: logs.RetentionDays, removal_policy: RemovalPolicy
) -> logs.LogGroup:
    return log_group(scope, id, retention=retention, removal_policy=removal_policy, encryption_key=key)


def session_preferences(
    scope: Construct,
    id: str,
    *,
    log_group: logs.ILogGroup,
    key: kms.IKey | None,
    idle_timeout_minutes: int,
    max_session_minutes: int | None,
) -> ssm.CfnDocument:
    """The ``SSM-SessionManagerRunShell`` document: sessions streamed to an encrypted log group.

    ``key`` (optional) also encrypts the session data between client and instance with KMS.
    """
    return ssm.CfnDocument(
        scope,
        id,
        name=SESSION_PREFERENCES_DOCUMENT,
        document_type="Session",
        document_format="JSON",
        update_method="NewVersion",  # the name is fixed: replacing would collide with itself
        content={
            "schemaVersion": "1.0",
            "description": "Session Manager preferences: session logs streamed to an encrypted log group",
            "sessionType": "Standard_Stream",
            "inputs": {
                "s3BucketName": "",
                "s3KeyPrefix": "",
                "s3EncryptionEnabled": True,
                "cloudWatchLogGroupName": log_group.log_group_name,
                "cloudWatchEncryptionEnabled": True,
                "cloudWatchStreamingEnabled": True,
                "kmsKeyId": key.key_arn if key is not None else "",
                "runAsEnabled": False,
                "runAsDefaultUser": "",
                "idleSessionTimeout": str(idle_timeout_minutes),
                "maxSessionDuration": str(max_session_minutes) if max_session_minutes else "",
                "shellProfile": {"windows": "", "linux": ""},
            },
        },
    )


def inventory_association(scope: Construct, id: str, *, schedule: str) -> ssm.CfnAssociation:
    """``AWS-GatherSoftwareInventory`` on every managed instance of the account and region."""
    return ssm.CfnAssociation(
        scope,
        id,
        name="AWS-GatherSoftwareInventory",
        association_name=f"{Names.unique_resource_name(scope, max_length=110, separator='-')}-inventory",
        targets=[ssm.CfnAssociation.TargetProperty(key="InstanceIds", values=["*"])],
        schedule_expression=schedule,
    )
