"""Encryption and retention of each stateful resource (data that a stack deletion or replacement would lose)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .cfn import as_list, flat_text, is_false, is_true, obj
from .load import StackTemplate

KEEPS_DATA = frozenset({"Retain", "RetainExceptOnCreate", "Snapshot"})


@dataclass(frozen=True)
class StatefulResource:
    logical_id: str
    resource_type: str
    encryption: str
    deletion_policy: str
    update_replace_policy: str
    notes: str

    @property
    def retained(self) -> bool:
        return self.deletion_policy in KEEPS_DATA and self.update_replace_policy in KEEPS_DATA


def _key(value: Any) -> str:
    return flat_text(value) if value is not None else ""


def _s3(p: dict[str, Any]) -> tuple[str, str]:
    rules = as_list(obj(p.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"))
    default = obj(obj(rules[0]).get("ServerSideEncryptionByDefault")) if rules else {}
    algorithm = default.get("SSEAlgorithm")
    versioning = obj(p.get("VersioningConfiguration")).get("Status", "off")
    notes = f"versioning {str(versioning).lower()}"
    if not algorithm:
        return "SSE-S3 (S3 default, not set in template)", notes
    key = default.get("KMSMasterKeyID")
    return (f"{algorithm} key {_key(key)}" if key else str(algorithm)), notes


def _dynamodb(p: dict[str, Any]) -> tuple[str, str]:
    sse = obj(p.get("SSESpecification"))
    if is_true(sse.get("SSEEnabled")):
        key = sse.get("KMSMasterKeyId")
        encryption = f"KMS key {_key(key)}" if key else "KMS (aws/dynamodb)"
    else:
        encryption = "AWS owned key (default)"
    pitr = obj(p.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled")
    if p.get("Replicas"):  # GlobalTable: PITR is per replica
        pitr = all(
            is_true(obj(r.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"))
            for r in p["Replicas"]
            if isinstance(r, dict)
        )
    notes = f"PITR {'on' if is_true(pitr) else 'off'}"
    if is_true(p.get("DeletionProtectionEnabled")):
        notes += ", deletion protection"
    return encryption, notes


def _logs(p: dict[str, Any]) -> tuple[str, str]:
    key = p.get("KmsKeyId")
    days = p.get("RetentionInDays")
    retention = f"retention {flat_text(days)} days" if days is not None else "retention: never expire"
    return (f"KMS key {_key(key)}" if key else "service-managed (default)"), retention


def _efs(p: dict[str, Any]) -> tuple[str, str]:
    if not is_true(p.get("Encrypted")):
        return "none", ""
    key = p.get("KmsKeyId")
    return (f"KMS key {_key(key)}" if key else "KMS (aws/elasticfilesystem)"), ""


def _fsx(p: dict[str, Any]) -> tuple[str, str]:
    key = p.get("KmsKeyId")
    encryption = f"KMS key {_key(key)}" if key else "AWS managed key (always encrypted)"
    kind = str(p.get("FileSystemType", "?"))
    lustre = obj(p.get("LustreConfiguration"))
    deployment = lustre.get("DeploymentType")
    if kind == "LUSTRE" and deployment is None:  # FSx for Lustre is SCRATCH_1 when DeploymentType is not set
        return encryption, "LUSTRE SCRATCH_1 by default (scratch: no replication)"
    notes = kind + (f" {flat_text(deployment)}" if deployment is not None else "")
    if deployment in ("SCRATCH_1", "SCRATCH_2"):
        notes += " (scratch: no replication)"
    return encryption, notes


def _sqs(p: dict[str, Any]) -> tuple[str, str]:
    key = p.get("KmsMasterKeyId")
    if key:
        encryption = f"KMS key {_key(key)}"
    elif is_false(p.get("SqsManagedSseEnabled")):
        encryption = "none"
    else:
        encryption = "SSE-SQS (default)"
    period = p.get("MessageRetentionPeriod")
    return (
        encryption,
        f"message retention {flat_text(period)} s" if period is not None else "message retention 4 days",
    )


def _ecr(p: dict[str, Any]) -> tuple[str, str]:
    config = obj(p.get("EncryptionConfiguration"))
    kind = config.get("EncryptionType", "AES256")
    key = config.get("KmsKey")
    notes = (
        "image scan on push" if is_true(obj(p.get("ImageScanningConfiguration")).get("ScanOnPush")) else ""
    )
    if p.get("LifecyclePolicy"):
        notes = ", ".join(filter(None, [notes, "lifecycle policy"]))
    return f"{kind}" + (f" key {_key(key)}" if key else "") + (
        " (default)" if "EncryptionType" not in config else ""
    ), notes


def _cognito(p: dict[str, Any]) -> tuple[str, str]:
    protection = p.get("DeletionProtection", "INACTIVE")
    return "AWS managed (always encrypted)", f"deletion protection {str(protection).lower()}"


def _kms(p: dict[str, Any]) -> tuple[str, str]:
    rotation = "on" if is_true(p.get("EnableKeyRotation")) else "off"
    window = p.get("PendingWindowInDays", 30)
    return "n/a (the key itself)", f"rotation {rotation}, pending window {flat_text(window)} days"


def _secret(p: dict[str, Any]) -> tuple[str, str]:
    key = p.get("KmsKeyId")
    return (f"KMS key {_key(key)}" if key else "KMS (aws/secretsmanager)"), ""


def _rds(p: dict[str, Any]) -> tuple[str, str]:
    cluster = p.get("DBClusterIdentifier")
    if cluster is not None and "StorageEncrypted" not in p:  # an Aurora instance: its cluster encrypts
        return f"set by its DB cluster {_key(cluster)}", ""
    if not is_true(p.get("StorageEncrypted")):
        return "none", ""
    key = p.get("KmsKeyId")
    days = p.get("BackupRetentionPeriod")
    return (f"KMS key {_key(key)}" if key else "KMS (aws/rds)"), (
        f"backups {flat_text(days)} days" if days is not None and flat_text(days) != "0" else ""
    )


def _volume(p: dict[str, Any]) -> tuple[str, str]:
    if not is_true(p.get("Encrypted")):
        return "none (unless account default encryption)", ""
    key = p.get("KmsKeyId")
    return (f"KMS key {_key(key)}" if key else "KMS (aws/ebs)"), ""


def _kinesis(p: dict[str, Any]) -> tuple[str, str]:
    config = obj(p.get("StreamEncryption"))
    hours = p.get("RetentionPeriodHours", 24)
    if not config:
        return "none", f"retention {flat_text(hours)} h"
    return (
        f"{config.get('EncryptionType', 'KMS')} key {_key(config.get('KeyId'))}",
        f"retention {flat_text(hours)} h",
    )


INSPECTORS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "AWS::S3::Bucket": _s3,
    "AWS::DynamoDB::Table": _dynamodb,
    "AWS::DynamoDB::GlobalTable": _dynamodb,
    "AWS::Logs::LogGroup": _logs,
    "AWS::EFS::FileSystem": _efs,
    "AWS::FSx::FileSystem": _fsx,
    "AWS::SQS::Queue": _sqs,
    "AWS::ECR::Repository": _ecr,
    "AWS::Cognito::UserPool": _cognito,
    "AWS::KMS::Key": _kms,
    "AWS::SecretsManager::Secret": _secret,
    "AWS::RDS::DBInstance": _rds,
    "AWS::RDS::DBCluster": _rds,
    "AWS::EC2::Volume": _volume,
    "AWS::Kinesis::Stream": _kinesis,
}
"""Stateful types and how to read their encryption and notes (PITR, retention days, rotation...)."""


def stateful_resources(stack: StackTemplate) -> list[StatefulResource]:
    """Every stateful resource in template order, with its encryption, deletion and replacement policy."""
    rows = []
    for lid, res in stack.of_type(*INSPECTORS):
        props = obj(res.get("Properties"))
        encryption, notes = INSPECTORS[res["Type"]](props)
        rows.append(
            StatefulResource(
                logical_id=lid,
                resource_type=res["Type"],
                encryption=encryption,
                deletion_policy=str(res.get("DeletionPolicy", "Delete (default)")),
                update_replace_policy=str(res.get("UpdateReplacePolicy", "Delete (default)")),
                notes=notes,
            )
        )
    return rows
