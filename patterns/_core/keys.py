"""Customer-managed KMS keys for resources that AWS services write to."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

SERVICE_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey*")
"""What a service needs on the key to write to an encrypted SNS topic or SQS queue."""


def service_key(
    scope: Construct,
    id: str,
    *,
    description: str,
    services: Sequence[str] = (),
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
) -> kms.Key:
    """A customer-managed key with yearly rotation, usable by the AWS ``services`` given (service
    principals such as ``events.amazonaws.com``) for ``kms:Decrypt`` and ``kms:GenerateDataKey*``.

    An AWS managed key (``alias/aws/sqs``, ``alias/aws/sns``) cannot be granted to a service principal,
    so a topic or queue that CloudWatch, EventBridge or S3 write to needs a key of this kind. Retained
    by default: data encrypted with it outlives the stack.
    """
    key = kms.Key(
        scope,
        id,
        description=description,
        enable_key_rotation=True,
        removal_policy=removal_policy,
    )
    for service in services:
        key.grant(iam.ServicePrincipal(service), *SERVICE_KEY_ACTIONS)
    return key
