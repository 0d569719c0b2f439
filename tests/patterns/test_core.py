"""The shared secure defaults and helpers of patterns._core."""

from __future__ import annotations

import pytest
from aws_cdk import RemovalPolicy, Token
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match

from patterns._core import (
    Problems,
    acknowledge,
    alarm,
    is_domain_name,
    log_group,
    private_network_of,
    secure_bucket,
)
from tests.conftest import new_stack, template_of


class TestProblems:
    def test_collects_every_problem_into_one_error(self) -> None:
        problems = Problems("Thing")
        problems.at_least("count", 0, 1)
        problems.cidr("cidr", "10.0.0.0/33")
        problems.ip("server", "not-an-ip")
        with pytest.raises(ValueError) as error:
            problems.raise_if_any()
        message = str(error.value)
        assert message.startswith("Thing: invalid arguments:")
        assert "count=0: must be at least 1" in message
        assert "cidr='10.0.0.0/33'" in message
        assert "server='not-an-ip': not a valid IP address" in message

    def test_nothing_to_report_raises_nothing(self) -> None:
        problems = Problems("Thing")
        problems.at_least("count", 3, 1)
        problems.cidr("cidr", "10.0.0.0/16")
        problems.raise_if_any()
        assert not problems

    def test_tokens_are_skipped(self) -> None:
        problems = Problems("Thing")
        problems.cidr("cidr", Token.as_string({"Ref": "Cidr"}))
        problems.at_least("count", Token.as_number({"Ref": "Count"}), 1)
        problems.require(False, "value", Token.as_string({"Ref": "X"}), "never reported")
        assert not problems

    @pytest.mark.parametrize(
        ("value", "reason"),
        [("10.0.0.1/16", "host bits"), ("2001:db8::/32", "IPv4"), ("banana", "not a valid CIDR")],
    )
    def test_cidr_errors(self, value: str, reason: str) -> None:
        problems = Problems("T")
        problems.cidr("cidr", value)
        with pytest.raises(ValueError, match=reason):
            problems.raise_if_any()

    def test_public_ip_refuses_private_ranges(self) -> None:
        problems = Problems("T")
        problems.public_ip("ip", "100.64.1.1")
        with pytest.raises(ValueError, match=r"ip='100.64.1.1': is a private address \(in 100.64.0.0/10\)"):
            problems.raise_if_any()

    def test_conflict(self) -> None:
        problems = Problems("T")
        problems.conflict("bucket", "b", "versioned", True)
        with pytest.raises(ValueError, match="bucket='b': cannot be combined with versioned=True"):
            problems.raise_if_any()


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("10.1.2.3", "10.0.0.0/8"),
        ("172.31.0.1", "172.16.0.0/12"),
        ("192.168.1.1", "192.168.0.0/16"),
        ("100.100.0.1", "100.64.0.0/10"),
        ("169.254.169.254", "169.254.0.0/16"),
        ("127.0.0.1", "127.0.0.0/8"),
        ("fd00::1", "fc00::/7"),
        ("fe80::1", "fe80::/10"),
        ("::1", "::1/128"),
        ("203.0.113.10", None),
        ("8.8.8.8", None),
        ("2001:4860::8888", None),
        ("172.32.0.1", None),
    ],
)
def test_private_network_of(address: str, network: str | None) -> None:
    assert private_network_of(address) == network


@pytest.mark.parametrize("name", ["example.com", "a.b.example.co.jp", "corp.example.", "x-1.example"])
def test_valid_domain_names(name: str) -> None:
    assert is_domain_name(name)


@pytest.mark.parametrize(
    "name", ["", "localhost", "-bad.example", "bad-.example", "a..b", "sp ace.example", "a" * 64 + ".com"]
)
def test_invalid_domain_names(name: str) -> None:
    assert not is_domain_name(name)


class TestSecureBucket:
    def test_defaults(self) -> None:
        stack = new_stack()
        secure_bucket(stack, "Data")
        template = template_of(stack)
        template.has_resource(
            "AWS::S3::Bucket",
            {
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": Match.object_like(
                    {
                        "BucketEncryption": {
                            "ServerSideEncryptionConfiguration": [
                                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                            ]
                        },
                        "VersioningConfiguration": {"Status": "Enabled"},
                        "PublicAccessBlockConfiguration": {
                            "BlockPublicAcls": True,
                            "BlockPublicPolicy": True,
                            "IgnorePublicAcls": True,
                            "RestrictPublicBuckets": True,
                        },
                        "LoggingConfiguration": Match.object_like({"LogFilePrefix": "Data/"}),
                    }
                ),
            },
        )
        # TLS enforced and TLS 1.2 minimum in the bucket policy.
        template.has_resource_properties(
            "AWS::S3::BucketPolicy",
            {
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                            ),
                            Match.object_like(
                                {"Effect": "Deny", "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}}}
                            ),
                        ]
                    )
                }
            },
        )

    def test_one_access_log_bucket_per_stack(self) -> None:
        stack = new_stack()
        secure_bucket(stack, "One")
        secure_bucket(stack, "Two")
        # Two data buckets + one shared access-log bucket.
        template_of(stack).resource_count_is("AWS::S3::Bucket", 3)

    def test_kms_and_removal_policy(self) -> None:
        from aws_cdk import aws_kms as kms

        stack = new_stack()
        key = kms.Key(stack, "Key", enable_key_rotation=True)
        secure_bucket(stack, "Data", encryption_key=key, removal_policy=RemovalPolicy.DESTROY)
        template = template_of(stack)
        template.has_resource(
            "AWS::S3::Bucket",
            {
                "DeletionPolicy": "Delete",
                "Properties": Match.object_like(
                    {
                        "BucketEncryption": {
                            "ServerSideEncryptionConfiguration": [
                                Match.object_like(
                                    {
                                        "ServerSideEncryptionByDefault": Match.object_like(
                                            {"SSEAlgorithm": "aws:kms"}
                                        ),
                                        "BucketKeyEnabled": True,
                                    }
                                )
                            ]
                        }
                    }
                ),
            },
        )


def test_log_group_defaults_to_a_year_and_retain() -> None:
    stack = new_stack()
    log_group(stack, "Logs")
    template_of(stack).has_resource(
        "AWS::Logs::LogGroup",
        {
            "DeletionPolicy": "Retain",
            "Properties": {"RetentionInDays": 365},
        },
    )


def test_log_group_retention_option() -> None:
    stack = new_stack()
    log_group(stack, "Logs", retention=logs.RetentionDays.ONE_WEEK)
    template_of(stack).has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 7})


def test_alarm_notifies_topic_on_alarm_and_ok() -> None:
    stack = new_stack()
    topic = sns.Topic(stack, "Topic")
    metric = cw.Metric(namespace="X", metric_name="Y")
    alarm(stack, "A", metric=metric, threshold=1, description="something broke", topic=topic)
    template_of(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmActions": [{"Ref": Match.string_like_regexp("Topic")}],
            "OKActions": [{"Ref": Match.string_like_regexp("Topic")}],
            "TreatMissingData": "notBreaching",
            "AlarmDescription": "something broke",
        },
    )


def test_acknowledge_needs_a_real_reason() -> None:
    stack = new_stack()
    with pytest.raises(ValueError, match="too short"):
        acknowledge(stack, {"AwsSolutions-S1": "because"})


def test_python_function_defaults() -> None:
    from pathlib import Path

    from patterns._core import python_function

    stack = new_stack()
    code = Path(__file__).parent
    python_function(stack, "Fn", code_dir=code, handler="x.handler", description="a test function")
    template = template_of(stack)
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
        },
    )
    roles = template.find_resources("AWS::IAM::Role")
    assert all("ManagedPolicyArns" not in r["Properties"] for r in roles.values())
    template.has_resource(
        "AWS::Logs::LogGroup", {"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 365}}
    )
