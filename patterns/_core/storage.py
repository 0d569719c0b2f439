"""S3 buckets with the library's secure defaults."""

from __future__ import annotations

from aws_cdk import Aws, Duration, FeatureFlags, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .nag import acknowledge

ACCESS_LOGS_ID = "CdpAccessLogs"
ACCESS_LOG_EXPIRY = Duration.days(365)
_LOGS_BY_POLICY = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"


def _policy_delivery(scope: Construct) -> bool:
    return FeatureFlags.of(scope).is_enabled(_LOGS_BY_POLICY) is True


def access_logs_bucket(scope: Construct) -> s3.Bucket:
    """The stack's one server-access-log bucket, created on first use (SSE-S3, as S3 logging requires).

    S3 log delivery is always granted by bucket policy (never the legacy log-delivery ACL), with or
    without the ``cdk init`` feature flag that makes CDK do so: see ``logging_target``.

    Logs expire after a year; the bucket is retained. It does not log to itself (that would loop).
    """
    stack = Stack.of(scope)
    existing = stack.node.try_find_child(ACCESS_LOGS_ID)
    if isinstance(existing, s3.Bucket):
        return existing
    bucket = s3.Bucket(
        stack,
        ACCESS_LOGS_ID,
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
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


def logging_target(scope: Construct, id: str) -> s3.IBucket:
    """The bucket to pass as ``server_access_logs_bucket`` of a new bucket ``id`` in ``scope``.

    With the feature flag ``@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`` (``cdk init`` sets it),
    the stack's log bucket itself: CDK grants delivery by bucket policy. Without it, CDK would switch
    the log bucket to the legacy ``LogDeliveryWrite`` ACL; a reference to the bucket is returned instead
    and ``allow_log_delivery`` adds the same bucket-policy grant.
    """
    logs_bucket = access_logs_bucket(scope)
    if _policy_delivery(scope):
        return logs_bucket
    return s3.Bucket.from_bucket_attributes(
        scope, f"{id}LogTarget", bucket_arn=logs_bucket.bucket_arn, bucket_name=logs_bucket.bucket_name
    )


def allow_log_delivery(source: s3.Bucket, prefix: str) -> None:
    """Grant S3 server-access-log delivery from ``source`` into the stack's log bucket under ``prefix``
    by bucket policy (what CDK does with the feature flag on; a no-op then, CDK has done it)."""
    if _policy_delivery(source):
        return
    logs_bucket = access_logs_bucket(source)
    logs_bucket.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("logging.s3.amazonaws.com")],
            actions=["s3:PutObject"],
            resources=[logs_bucket.arn_for_objects(f"{prefix}*")],
            conditions={
                "ArnLike": {"aws:SourceArn": source.bucket_arn},
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            },
        )
    )


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
    logs_bucket = server_access_logs_bucket or logging_target(scope, id)
    bucket = s3.Bucket(
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
    if server_access_logs_bucket is None:
        allow_log_delivery(bucket, f"{id}/")
    return bucket
