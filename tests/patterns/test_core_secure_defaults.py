"""_core.alarm_topic, service_key and encrypt_log_groups: customer-managed keys for the alarm topic and
the log groups, with the grants CloudWatch and CloudWatch Logs need (issue 13)."""

from __future__ import annotations

import pytest
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Match, Template

from patterns._core import alarm_topic, encrypt_log_groups, log_group, service_key
from tests.conftest import new_stack, template_of


@pytest.fixture(scope="module")
def encrypted() -> Template:
    stack = new_stack()
    alarm_topic(
        stack, "Alarms", encryption_key=service_key(stack, "Key", description="Encrypts the alarm topic")
    )
    return template_of(stack)


@pytest.fixture(scope="module")
def plain() -> Template:
    stack = new_stack()
    alarm_topic(stack, "Alarms")
    return template_of(stack)


def test_topic_encrypted_with_the_key_given(encrypted: Template) -> None:
    [key_id] = encrypted.find_resources("AWS::KMS::Key")
    encrypted.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}})


def test_cloudwatch_may_use_the_key(encrypted: Template) -> None:
    encrypted.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Resource": "*",
                        }
                    ]
                )
            }
        },
    )


def test_key_rotated_and_retained(encrypted: Template) -> None:
    encrypted.has_resource(
        "AWS::KMS::Key",
        {
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": Match.object_like(
                {"EnableKeyRotation": True, "Description": "Encrypts the alarm topic"}
            ),
        },
    )


def test_topic_tls_only(encrypted: Template) -> None:
    encrypted.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Condition": {"Bool": {"aws:SecureTransport": "false"}}, "Effect": "Deny"}
                        )
                    ]
                )
            }
        },
    )


def test_without_a_key_no_key_and_no_encryption(plain: Template) -> None:
    plain.resource_count_is("AWS::KMS::Key", 0)
    plain.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.absent()})


def test_service_key_grants_each_service() -> None:
    stack = new_stack()
    service_key(
        stack,
        "Key",
        description="Encrypts queues",
        services=["events.amazonaws.com", "s3.amazonaws.com"],
        removal_policy=RemovalPolicy.DESTROY,
    )
    template = template_of(stack)
    [key] = template.find_resources("AWS::KMS::Key").values()
    assert key["DeletionPolicy"] == "Delete"
    services = [
        s["Principal"]["Service"]
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if "Service" in s.get("Principal", {})
    ]
    # CDK merges the two grants into one statement with both principals.
    assert services == [["events.amazonaws.com", "s3.amazonaws.com"]]


@pytest.fixture(scope="module")
def encrypted_logs() -> Template:
    """Two log groups, one with its own key; encrypt_log_groups on the stack."""
    stack = new_stack()
    own = kms.Key(stack, "OwnKey", enable_key_rotation=True)
    log_group(stack, "Plain")
    log_group(stack, "Own", encryption_key=own)
    encrypt_log_groups(stack, service_key(stack, "Key", description="Encrypts the log groups"))
    return template_of(stack)


def key_id(template: Template, description: str) -> str:
    [found] = template.find_resources("AWS::KMS::Key", {"Properties": {"Description": description}})
    return found


def test_log_group_without_a_key_gets_the_stack_key(encrypted_logs: Template) -> None:
    stack_key = key_id(encrypted_logs, "Encrypts the log groups")
    kms_keys = sorted(
        str(g["Properties"]["KmsKeyId"])
        for g in encrypted_logs.find_resources("AWS::Logs::LogGroup").values()
    )
    own_key = next(k for k in encrypted_logs.find_resources("AWS::KMS::Key") if k != stack_key)
    assert kms_keys == sorted(
        [str({"Fn::GetAtt": [stack_key, "Arn"]}), str({"Fn::GetAtt": [own_key, "Arn"]})]
    )


def test_cloudwatch_logs_of_this_region_and_account_may_use_the_key(encrypted_logs: Template) -> None:
    [statement] = [
        s
        for s in encrypted_logs.find_resources(
            "AWS::KMS::Key", {"Properties": {"Description": "Encrypts the log groups"}}
        ).popitem()[1]["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Sid") == "AllowCloudWatchLogsOfThisAccount"
    ]
    assert statement == {
        "Sid": "AllowCloudWatchLogsOfThisAccount",
        "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
        "Condition": {
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": {
                    "Fn::Join": ["", ["arn:aws:logs:us-east-1:", {"Ref": "AWS::AccountId"}, ":log-group:*"]]
                }
            }
        },
        "Effect": "Allow",
        "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
        "Resource": "*",
    }


def test_log_group_of_another_stack_left_alone() -> None:
    stack = new_stack()
    other = Stack(stack.node.root, "Other")
    log_group(other, "Elsewhere")
    encrypt_log_groups(stack.node.root, service_key(stack, "Key", description="Encrypts the log groups"))
    [group] = template_of(other).find_resources("AWS::Logs::LogGroup").values()
    assert "KmsKeyId" not in group["Properties"]
