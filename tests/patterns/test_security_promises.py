"""EdgeProtection and ComplianceBaseline promises (patterns/security/README.md), each value written out:
the default rule groups by name, their order and actions, WAF logging, the alarms, the Config rules,
Session Manager preferences."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import aws_sns as sns

from patterns.security import EdgeProtection
from tests.conftest import new_stack
from tests.patterns.promises import (
    Alarm,
    alarms,
    example_stack_template,
    log_retentions,
    resources,
    template_json,
)

DEFAULT_GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
]


@pytest.fixture(scope="module")
def edge() -> dict[str, Any]:
    """EdgeProtection with every default."""
    stack = new_stack()
    EdgeProtection(stack, "Edge", alarm_topic=sns.Topic(stack, "Topic"))
    return template_json(stack)


@pytest.fixture(scope="module")
def baseline() -> dict[str, Any]:
    return example_stack_template("CdpSecurityBaseline")


def only(template: dict[str, Any], type_: str) -> dict[str, Any]:
    [(_, resource)] = resources(template, type_)
    return resource["Properties"]


class TestEdgeProtectionDefaults:
    def test_rate_limit_then_the_four_managed_groups_by_name(self, edge) -> None:
        rules = only(edge, "AWS::WAFv2::WebACL")["Rules"]
        assert [(r["Name"], r["Priority"]) for r in rules] == [
            ("RateLimit", 0),
            ("AWSManagedRulesCommonRuleSet", 1),
            ("AWSManagedRulesSQLiRuleSet", 2),
            ("AWSManagedRulesKnownBadInputsRuleSet", 3),
            ("AWSManagedRulesAmazonIpReputationList", 4),
        ]

    def test_managed_groups_block(self, edge) -> None:
        rules = only(edge, "AWS::WAFv2::WebACL")["Rules"][1:]
        for rule, name in zip(rules, DEFAULT_GROUPS, strict=True):
            assert rule["Statement"] == {"ManagedRuleGroupStatement": {"Name": name, "VendorName": "AWS"}}
            assert rule["OverrideAction"] == {"None": {}}  # not {"Count": {}}
            assert rule["VisibilityConfig"] == {
                "CloudWatchMetricsEnabled": True,
                "MetricName": name,
                "SampledRequestsEnabled": True,
            }

    def test_rate_limit_is_2000_per_ip_per_5_minutes_and_blocks(self, edge) -> None:
        rule = only(edge, "AWS::WAFv2::WebACL")["Rules"][0]
        assert rule["Action"] == {"Block": {}}
        assert rule["Statement"] == {
            "RateBasedStatement": {"AggregateKeyType": "IP", "EvaluationWindowSec": 300, "Limit": 2000}
        }

    def test_default_action_allow_regional(self, edge) -> None:
        acl = only(edge, "AWS::WAFv2::WebACL")
        assert acl["DefaultAction"] == {"Allow": {}}
        assert acl["Scope"] == "REGIONAL"
        assert acl["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
        assert acl["VisibilityConfig"]["SampledRequestsEnabled"] is True

    def test_every_request_is_logged_to_an_aws_waf_logs_group_for_a_year(self, edge) -> None:
        logging = only(edge, "AWS::WAFv2::LoggingConfiguration")
        [(acl_id, _)] = resources(edge, "AWS::WAFv2::WebACL")
        [(group_id, group)] = resources(edge, "AWS::Logs::LogGroup")
        assert logging["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
        [destination] = logging["LogDestinationConfigs"]
        parts = destination["Fn::Join"][1]
        assert parts[-2:] == [":log-group:", {"Ref": group_id}]  # no trailing :*
        assert group["Properties"]["LogGroupName"].startswith("aws-waf-logs-")
        assert logging["RedactedFields"] == [
            {"SingleHeader": {"Name": "authorization"}},
            {"SingleHeader": {"Name": "cookie"}},
        ]
        assert "LoggingFilter" not in logging  # allowed requests are logged too
        assert log_retentions(edge) == [(365, "Retain")]

    def test_blocked_requests_alarm(self, edge) -> None:
        assert alarms(edge) == [
            Alarm(
                "AWS/WAFV2 BlockedRequests Sum",
                1000,
                "GreaterThanOrEqualToThreshold",
                1,
                None,
                "notBreaching",
                300,
                "topic",
            )
        ]
        [(_, alarm)] = resources(edge, "AWS::CloudWatch::Alarm")
        dimensions = {d["Name"]: d["Value"] for d in alarm["Properties"]["Dimensions"]}
        assert dimensions["Rule"] == "ALL"
        assert dimensions["Region"] == "us-east-1"


class TestEdgeProtectionOptions:
    def test_count_only_and_blocked_cidrs(self) -> None:
        stack = new_stack()
        EdgeProtection(
            stack, "Edge", managed_rules_count_only=True, blocked_cidrs=["198.51.100.0/24"], rate_limit=500
        )
        template = template_json(stack)
        rules = only(template, "AWS::WAFv2::WebACL")["Rules"]
        assert [r["Name"] for r in rules] == ["BlockedIps", "RateLimit", *DEFAULT_GROUPS]
        assert all(r["OverrideAction"] == {"Count": {}} for r in rules[2:])
        assert rules[0]["Action"] == {"Block": {}}
        assert rules[1]["Statement"]["RateBasedStatement"]["Limit"] == 500
        assert only(template, "AWS::WAFv2::IPSet")["Addresses"] == ["198.51.100.0/24"]

    def test_allowed_cidrs_come_first_and_allow(self) -> None:
        stack = new_stack()
        EdgeProtection(stack, "Edge", allowed_cidrs=["203.0.113.0/24"], blocked_cidrs=["198.51.100.0/24"])
        rules = only(template_json(stack), "AWS::WAFv2::WebACL")["Rules"]
        assert [(r["Name"], r["Priority"]) for r in rules][:3] == [
            ("AllowedIps", 0),
            ("BlockedIps", 1),
            ("RateLimit", 2),
        ]
        assert rules[0]["Action"] == {"Allow": {}}

    def test_no_logging_filter_when_allowed_requests_are_not_logged(self) -> None:
        stack = new_stack()
        EdgeProtection(stack, "Edge", log_allowed_requests=False)
        logging = only(template_json(stack), "AWS::WAFv2::LoggingConfiguration")
        assert logging["LoggingFilter"]["DefaultBehavior"] == "DROP"


class TestComplianceBaseline:
    def test_managed_rules_by_identifier(self, baseline) -> None:
        found = sorted(
            (
                r["Properties"]["Source"]["SourceIdentifier"],
                tuple((r["Properties"].get("Scope") or {}).get("ComplianceResourceTypes", ())),
                r["Properties"].get("MaximumExecutionFrequency"),
            )
            for _, r in resources(baseline, "AWS::Config::ConfigRule")
            if r["Properties"]["Source"]["Owner"] == "AWS"
        )
        assert found == [
            ("ENCRYPTED_VOLUMES", ("AWS::EC2::Volume",), None),
            ("INCOMING_SSH_DISABLED", ("AWS::EC2::SecurityGroup",), None),
            ("ROOT_ACCOUNT_MFA_ENABLED", (), "TwentyFour_Hours"),
            ("S3_BUCKET_PUBLIC_READ_PROHIBITED", ("AWS::S3::Bucket",), None),
            ("S3_BUCKET_PUBLIC_WRITE_PROHIBITED", ("AWS::S3::Bucket",), None),
            ("VPC_FLOW_LOGS_ENABLED", (), "TwentyFour_Hours"),
        ]

    def test_custom_public_dns_rule_runs_daily(self, baseline) -> None:
        [custom] = [
            r["Properties"]
            for _, r in resources(baseline, "AWS::Config::ConfigRule")
            if r["Properties"]["Source"]["Owner"] == "CUSTOM_LAMBDA"
        ]
        assert custom["Source"]["SourceDetails"] == [
            {
                "EventSource": "aws.config",
                "MaximumExecutionFrequency": "TwentyFour_Hours",
                "MessageType": "ScheduledNotification",
            }
        ]

    def test_recorder_records_everything(self, baseline) -> None:
        assert only(baseline, "AWS::Config::ConfigurationRecorder")["RecordingGroup"] == {
            "AllSupported": True,
            "IncludeGlobalResourceTypes": True,
        }

    def test_alarms_and_log_retention(self, baseline) -> None:
        assert alarms(baseline) == [
            Alarm(
                "AWS/Lambda Errors Sum",
                1,
                "GreaterThanOrEqualToThreshold",
                1,
                None,
                "notBreaching",
                300,
                "topic",
            ),
            Alarm(
                "AWS/WAFV2 BlockedRequests Sum",
                1000,
                "GreaterThanOrEqualToThreshold",
                1,
                None,
                "notBreaching",
                300,
                "topic",
            ),
        ]
        assert log_retentions(baseline) == [(365, "Retain"), (365, "Retain"), (365, "Retain")]

    def test_non_compliance_goes_to_the_topic(self, baseline) -> None:
        [rule] = [r["Properties"] for _, r in resources(baseline, "AWS::Events::Rule")]
        assert rule["EventPattern"]["detail-type"] == ["Config Rules Compliance Change"]
        assert rule["EventPattern"]["detail"]["newEvaluationResult"] == {"complianceType": ["NON_COMPLIANT"]}
        assert len(rule["EventPattern"]["detail"]["configRuleName"]) == 7

    def test_session_manager_preferences(self, baseline) -> None:
        document = only(baseline, "AWS::SSM::Document")
        assert document["Name"] == "SSM-SessionManagerRunShell"
        assert document["UpdateMethod"] == "NewVersion"
        inputs = document["Content"]["inputs"]
        assert inputs["cloudWatchEncryptionEnabled"] is True
        assert inputs["cloudWatchStreamingEnabled"] is True
        assert inputs["runAsEnabled"] is False
        assert inputs["idleSessionTimeout"] == "20"
        keys = resources(baseline, "AWS::KMS::Key")
        assert len(keys) == 2  # Session Manager's, and the stack's operations key (topic and logs)
        assert all(key["Properties"]["EnableKeyRotation"] is True for _, key in keys)

    def test_inventory_every_12_hours_on_every_instance(self, baseline) -> None:
        association = only(baseline, "AWS::SSM::Association")
        assert association["Name"] == "AWS-GatherSoftwareInventory"
        assert association["ScheduleExpression"] == "rate(12 hours)"
        assert association["Targets"] == [{"Key": "InstanceIds", "Values": ["*"]}]

    def test_custom_rule_function(self, baseline) -> None:
        [function] = [r["Properties"] for _, r in resources(baseline, "AWS::Lambda::Function")]
        assert function["Architectures"] == ["arm64"]
        assert function["TracingConfig"] == {"Mode": "Active"}
