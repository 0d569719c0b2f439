"""Stateful resources: the encryption and notes of every inspected type, branch by branch, and retention from
both DeletionPolicy and UpdateReplacePolicy."""

from __future__ import annotations

import pytest

from patterns.review.stateful import stateful_resources
from tests.review.templates import res, stack_of

K = {"Ref": "Key"}

# logical id: (resource, encryption, notes)
ROWS = {
    "AesBucket": (
        res(
            "AWS::S3::Bucket",
            VersioningConfiguration={"Status": "Enabled"},
            BucketEncryption={
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
        ),
        "AES256",
        "versioning enabled",
    ),
    "KmsBucket": (
        res(
            "AWS::S3::Bucket",
            BucketEncryption={
                "ServerSideEncryptionConfiguration": [
                    {
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]},
                        }
                    }
                ]
            },
        ),
        "aws:kms key {Key.Arn}",
        "versioning off",
    ),
    "PlainBucket": (
        res("AWS::S3::Bucket", VersioningConfiguration={"Status": "Suspended"}),
        "SSE-S3 (S3 default, not set in template)",
        "versioning suspended",
    ),
    "EmptyRulesBucket": (
        res("AWS::S3::Bucket", BucketEncryption={"ServerSideEncryptionConfiguration": []}),
        "SSE-S3 (S3 default, not set in template)",
        "versioning off",
    ),
    "KmsTable": (
        res(
            "AWS::DynamoDB::Table",
            SSESpecification={"SSEEnabled": "true", "KMSMasterKeyId": K},
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": "true"},
            DeletionProtectionEnabled=True,
        ),
        "KMS key {Key}",
        "PITR on, deletion protection",
    ),
    "AwsManagedTable": (
        res(
            "AWS::DynamoDB::Table",
            SSESpecification={"SSEEnabled": True},
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False},
            DeletionProtectionEnabled=False,
        ),
        "KMS (aws/dynamodb)",
        "PITR off",
    ),
    "OwnedKeyTable": (
        res("AWS::DynamoDB::Table", SSESpecification={"SSEEnabled": False}),
        "AWS owned key (default)",
        "PITR off",
    ),
    "GlobalOneReplicaWithout": (
        res(
            "AWS::DynamoDB::GlobalTable",
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            Replicas=[
                {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}},
                {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": False}},
            ],
        ),
        "AWS owned key (default)",
        "PITR off",
    ),
    "GlobalEveryReplica": (
        res(
            "AWS::DynamoDB::GlobalTable",
            Replicas=[{"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}, "junk"],
        ),
        "AWS owned key (default)",
        "PITR on",
    ),
    "KmsLogs": (
        res("AWS::Logs::LogGroup", KmsKeyId=K, RetentionInDays=7),
        "KMS key {Key}",
        "retention 7 days",
    ),
    "Logs": (res("AWS::Logs::LogGroup"), "service-managed (default)", "retention: never expire"),
    "UnencryptedFiles": (res("AWS::EFS::FileSystem", Encrypted=False, KmsKeyId=K), "none", ""),
    "Files": (res("AWS::EFS::FileSystem", Encrypted=True), "KMS (aws/elasticfilesystem)", ""),
    "KmsFiles": (res("AWS::EFS::FileSystem", Encrypted="true", KmsKeyId=K), "KMS key {Key}", ""),
    "Lustre": (
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="LUSTRE",
            KmsKeyId=K,
            LustreConfiguration={"DeploymentType": "PERSISTENT_2"},
        ),
        "KMS key {Key}",
        "LUSTRE PERSISTENT_2",
    ),
    "Scratch1": (
        res("AWS::FSx::FileSystem", LustreConfiguration={"DeploymentType": "SCRATCH_1"}),
        "AWS managed key (always encrypted)",
        "? SCRATCH_1 (scratch: no replication)",
    ),
    "Scratch2": (
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="LUSTRE",
            LustreConfiguration={"DeploymentType": "SCRATCH_2"},
        ),
        "AWS managed key (always encrypted)",
        "LUSTRE SCRATCH_2 (scratch: no replication)",
    ),
    "Windows": (
        res("AWS::FSx::FileSystem", FileSystemType="WINDOWS"),
        "AWS managed key (always encrypted)",
        "WINDOWS",
    ),
    "KmsQueue": (
        res("AWS::SQS::Queue", KmsMasterKeyId=K, MessageRetentionPeriod=1209600, SqsManagedSseEnabled=False),
        "KMS key {Key}",
        "message retention 1209600 s",
    ),
    "PlainQueue": (res("AWS::SQS::Queue", SqsManagedSseEnabled=False), "none", "message retention 4 days"),
    "SseQueue": (
        res("AWS::SQS::Queue", SqsManagedSseEnabled=True),
        "SSE-SQS (default)",
        "message retention 4 days",
    ),
    "KmsRepo": (
        res(
            "AWS::ECR::Repository",
            EncryptionConfiguration={"EncryptionType": "KMS", "KmsKey": K},
            ImageScanningConfiguration={"ScanOnPush": True},
            LifecyclePolicy={"LifecyclePolicyText": "{}"},
        ),
        "KMS key {Key}",
        "image scan on push, lifecycle policy",
    ),
    "LifecycleRepo": (
        res("AWS::ECR::Repository", LifecyclePolicy={"LifecyclePolicyText": "{}"}),
        "AES256 (default)",
        "lifecycle policy",
    ),
    "ScanRepo": (
        res(
            "AWS::ECR::Repository",
            EncryptionConfiguration={"EncryptionType": "AES256"},
            ImageScanningConfiguration={"ScanOnPush": "true"},
        ),
        "AES256",
        "image scan on push",
    ),
    "Repo": (
        res("AWS::ECR::Repository", ImageScanningConfiguration={"ScanOnPush": False}),
        "AES256 (default)",
        "",
    ),
    "ProtectedUsers": (
        res("AWS::Cognito::UserPool", DeletionProtection="ACTIVE"),
        "AWS managed (always encrypted)",
        "deletion protection active",
    ),
    "Users": (
        res("AWS::Cognito::UserPool"),
        "AWS managed (always encrypted)",
        "deletion protection inactive",
    ),
    "Key": (
        res("AWS::KMS::Key", PendingWindowInDays=7),
        "n/a (the key itself)",
        "rotation off, pending window 7 days",
    ),
    "RotatedKey": (
        res("AWS::KMS::Key", EnableKeyRotation="true"),
        "n/a (the key itself)",
        "rotation on, pending window 30 days",
    ),
    "KmsSecret": (res("AWS::SecretsManager::Secret", KmsKeyId=K), "KMS key {Key}", ""),
    "Secret": (res("AWS::SecretsManager::Secret"), "KMS (aws/secretsmanager)", ""),
    "PlainDb": (
        res("AWS::RDS::DBInstance", StorageEncrypted=False, KmsKeyId=K, BackupRetentionPeriod=7),
        "none",
        "",
    ),
    "Db": (
        res("AWS::RDS::DBInstance", StorageEncrypted=True, BackupRetentionPeriod=7),
        "KMS (aws/rds)",
        "backups 7 days",
    ),
    "NoBackupDb": (
        res("AWS::RDS::DBInstance", StorageEncrypted=True, BackupRetentionPeriod=0),
        "KMS (aws/rds)",
        "",
    ),
    "KmsCluster": (res("AWS::RDS::DBCluster", StorageEncrypted="true", KmsKeyId=K), "KMS key {Key}", ""),
    "PlainVolume": (
        res("AWS::EC2::Volume", Encrypted=False, KmsKeyId=K),
        "none (unless account default encryption)",
        "",
    ),
    "Volume": (res("AWS::EC2::Volume", Encrypted=True), "KMS (aws/ebs)", ""),
    "KmsVolume": (res("AWS::EC2::Volume", Encrypted=True, KmsKeyId=K), "KMS key {Key}", ""),
    "Stream": (res("AWS::Kinesis::Stream"), "none", "retention 24 h"),
    "AliasStream": (
        res(
            "AWS::Kinesis::Stream",
            StreamEncryption={"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
            RetentionPeriodHours=48,
        ),
        "KMS key alias/aws/kinesis",
        "retention 48 h",
    ),
    "KeyStream": (
        res("AWS::Kinesis::Stream", StreamEncryption={"KeyId": K}),
        "KMS key {Key}",
        "retention 24 h",
    ),
    "OddQueue": (
        {"Type": "AWS::SQS::Queue", "Properties": "x"},
        "SSE-SQS (default)",
        "message retention 4 days",
    ),
}


def test_every_row_in_template_order_with_its_encryption_and_notes():
    rows = stateful_resources(
        stack_of({**{lid: r for lid, (r, _, _) in ROWS.items()}, "Topic": res("AWS::SNS::Topic")})
    )
    assert [(r.logical_id, r.resource_type, r.encryption, r.notes) for r in rows] == [
        (lid, r["Type"], encryption, notes) for lid, (r, encryption, notes) in ROWS.items()
    ]
    assert {(r.deletion_policy, r.update_replace_policy) for r in rows} == {
        ("Delete (default)", "Delete (default)")
    }


@pytest.mark.parametrize(
    ("policies", "deletion", "replace", "retained"),
    [
        ({}, "Delete (default)", "Delete (default)", False),
        ({"DeletionPolicy": "Retain"}, "Retain", "Delete (default)", False),
        ({"UpdateReplacePolicy": "Retain"}, "Delete (default)", "Retain", False),
        ({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Delete"}, "Retain", "Delete", False),
        ({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}, "Retain", "Retain", True),
        (
            {"DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "RetainExceptOnCreate"},
            "Snapshot",
            "RetainExceptOnCreate",
            True,
        ),
        (
            {"DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Snapshot"},
            "RetainExceptOnCreate",
            "Snapshot",
            True,
        ),
    ],
)
def test_retained_needs_both_policies_to_keep_the_data(policies, deletion, replace, retained):
    (row,) = stateful_resources(stack_of({"Q": {**res("AWS::SQS::Queue"), **policies}}))
    assert (row.deletion_policy, row.update_replace_policy, row.retained) == (deletion, replace, retained)
