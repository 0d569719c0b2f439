"""_core.alarm_topic and _core.service_key: the alarm topic's optional customer-managed key (issue 13)."""

from __future__ import annotations

import pytest
from aws_cdk import RemovalPolicy
from aws_cdk.assertions import Match, Template

from patterns._core import alarm_topic, service_key
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
