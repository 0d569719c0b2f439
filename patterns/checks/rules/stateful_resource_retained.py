"""CDP-StatefulResourceRetained: data outlives the stack. Buckets, tables, file systems, user pools,
registries, databases, queues, streams and log groups are retained (or snapshotted) on deletion and
replacement."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, Result, Severity, Template, non_compliant

RULE_ID = "CDP-StatefulResourceRetained"
SEVERITY = Severity.ERROR
RESOURCE_TYPES = (
    "AWS::S3::Bucket",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::EFS::FileSystem",
    "AWS::FSx::FileSystem",
    "AWS::Cognito::UserPool",
    "AWS::ECR::Repository",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Logs::LogGroup",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::SQS::Queue",
    "AWS::Kinesis::Stream",
)
FIX = "Retain it: removal_policy=RemovalPolicy.RETAIN (this library's default); delete data only in throw-away environments."
KEEPS_DATA = ("Retain", "RetainExceptOnCreate", "Snapshot")


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    deletion = resource.get("DeletionPolicy", "Delete")
    replace = resource.get("UpdateReplacePolicy", "Delete")
    if deletion in KEEPS_DATA and replace in KEEPS_DATA:
        return COMPLIANT
    locations = [
        name
        for name, value in (("DeletionPolicy", deletion), ("UpdateReplacePolicy", replace))
        if value not in KEEPS_DATA
    ]
    return non_compliant(
        f"{resource['Type']} loses its data with the stack or on replacement "
        f"(DeletionPolicy={deletion}, UpdateReplacePolicy={replace}).",
        *locations,
    )
