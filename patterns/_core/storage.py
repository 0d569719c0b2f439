"""S3 buckets with the library's secure defaults."""

from __future__ import annotations

from aws_cdk import Duration, FeatureFlags, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .nag import acknowledge

ACCESS_LOGS_ID = "CdpAccessLogs"
ACCESS_LOG_EXPIRY = Duration.days(365)


def access_logs_bucket(scope: Construct) -> s3.Bucket:
    """The stack's one server-access-log bucket, created on first use (SSE-S3, as S3 logging requires).

    Logs expire after a year; the bucket is retained. It does not log to itself (that would loop).
    """
    stack = Stack.of(scope)
    existing = stack.node.try_find_child(ACCESS_LOGS_ID)
    if isinstance(existing, s3.Bucket):
        return existing
    # S3 log delivery is granted by bucket policy when the (cdk init default) feature flag is on; apps
    # without it get the legacy ACL grant, which needs object-writer ownership.
    policy_delivery = FeatureFlags.of(stack).is_enabled("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy")
    bucket = s3.Bucket(
        stack,
        ACCESS_LOGS_ID,
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=(
            s3.ObjectOwnership.BUCKET_OWNER_ENFORCED if policy_delivery else s3.ObjectOwnership.OBJECT_WRITER
        ),
        enforce_ssl=True,
        minimum_tls_version=1.2,
        versioned=True,
        lifecycle_rules=[
            s3.LifecycleRule(expiration=ACCESS_LOG_EXPIRY, noncurrent_version_expiration=Duration.days(30))
        ],
        removal_policy=RemovalPolicy.RETAIN,
    )
    acknowledge(
        bucket,
        {"AwsSolutions-S1": "This is the server access log bucket itself; logging it to itself would loop."},
    )
    return bucket


def secure_bucket(
    scope: Construct,
    id: str,
    *,
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    encryption_key: kms.IKey | None = None,
    server_access_logs_bucket: s3.IBucket | None = None,
    lifecycle_rules: list[s3.LifecycleRule] | None = None,
    object_ownership: s3.ObjectOwnership = s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    event_bridge_enabled: bool | None = None,
) -> s3.Bucket:
    """A private bucket: encrypted (SSE-S3, or SSE-KMS with ``encryption_key``), versioned, all public
    access blocked, TLS 1.2+ enforced, server access logs to the stack's log bucket (or the one given),
    retained on stack deletion unless ``removal_policy`` says otherwise.
    """
    logs_bucket = server_access_logs_bucket or access_logs_bucket(scope)
    return s3.Bucket(
        scope,
        id,
        encryption=s3.BucketEncryption.KMS if encryption_key else s3.BucketEncryption.S3_MANAGED,
        encryption_key=encryption_key,
        bucket_key_enabled=True if encryption_key else None,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=object_ownership,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        versioned=True,
        server_access_logs_bucket=logs_bucket,
        server_access_logs_prefix=f"{id}/",
        lifecycle_rules=lifecycle_rules,
        removal_policy=removal_policy,
        auto_delete_objects=False,
        event_bridge_enabled=event_bridge_enabled,
    )
