"""EdgeProtection and ComplianceBaseline: defaults, options, bad input, and the example stack's checks."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from patterns.security import (
    ComplianceBaseline,
    EdgeProtection,
)
from stacks import feature_flags
from tests.conftest import new_stack, template_of

ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef"
STAGE_ARN = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"


def only(template: Template, type_: str, props: dict[str, Any] | None = None) -> dict[str, Any]:
    found = template.find_resources(type_, {"Properties": props} if props else None)
    assert len(found) == 1, f"expected one {type_}, found {len(found)}"
    return next(iter(found.values()))


def rules_of(template: Template) -> list[dict[str, Any]]:
    return sorted(only(template, "AWS::WAFv2::WebACL")["Properties"]["Rules"], key=lambda r: r["Priority"])


# ---------------------------------------------------------------------------------------------------
# EdgeProtection
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_edge() -> tuple[EdgeProtection, Template]:
    stack = new_stack()
    edge = EdgeProtection(stack, "Edge")
    return edge, template_of(stack)


class TestEdgeDefaults:
    def test_regional_web_acl_allowing_by_default(self, default_edge) -> None:
        edge, template = default_edge
        acl = only(template, "AWS::WAFv2::WebACL")["Properties"]
        assert acl["Scope"] == "REGIONAL"
        assert acl["DefaultAction"] == {"Allow": {}}
        assert acl["Name"] == acl["VisibilityConfig"]["MetricName"] == edge.web_acl_name
        assert acl["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
        logical_id, attribute = Stack.of(edge).resolve(edge.web_acl_arn)["Fn::GetAtt"]
        assert logical_id.startswith("EdgeWebAcl") and attribute == "Arn"

    def test_rate_limit_then_the_four_managed_groups(self, default_edge) -> None:
        _, template = default_edge
        rules = rules_of(template)
        assert [r["Name"] for r in rules] == [
            "RateLimit",
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesSQLiRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
            "AWSManagedRulesAmazonIpReputationList",
        ]
        assert [r["Priority"] for r in rules] == [0, 1, 2, 3, 4]
        assert rules[0]["Statement"]["RateBasedStatement"] == {
            "AggregateKeyType": "IP",
            "Limit": 2000,
            "EvaluationWindowSec": 300,
        }
        assert rules[0]["Action"] == {"Block": {}}
        for rule in rules[1:]:
            assert rule["OverrideAction"] == {"None": {}}
            assert rule["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS"
            assert rule["VisibilityConfig"]["MetricName"] == rule["Name"]

    def test_no_ip_sets_associations_or_shield(self, default_edge) -> None:
        edge, template = default_edge
        template.resource_count_is("AWS::WAFv2::IPSet", 0)
        template.resource_count_is("AWS::WAFv2::WebACLAssociation", 0)
        template.resource_count_is("AWS::Shield::Protection", 0)
        assert edge.ip_sets == {} and edge.associations == [] and edge.shield_protections == []

    def test_every_request_logged_with_credentials_redacted(self, default_edge) -> None:
        _, template = default_edge
        logging = only(template, "AWS::WAFv2::LoggingConfiguration")["Properties"]
        assert logging["RedactedFields"] == [
            {"SingleHeader": {"Name": "authorization"}},
            {"SingleHeader": {"Name": "cookie"}},
        ]
        assert "LoggingFilter" not in logging  # nothing dropped, nothing sampled
        destination = logging["LogDestinationConfigs"][0]["Fn::Join"][1]
        assert destination[-2] == ":log-group:"  # the ARN ends with the group name, not ":*"
        group = only(template, "AWS::Logs::LogGroup")
        assert group["Properties"]["LogGroupName"].startswith("aws-waf-logs-")
        assert group["Properties"]["RetentionInDays"] == 365
        assert group["DeletionPolicy"] == "Retain"

    def test_blocked_requests_spike_alarm(self, default_edge) -> None:
        edge, template = default_edge
        alarm = only(template, "AWS::CloudWatch::Alarm")["Properties"]
        assert alarm["Namespace"] == "AWS/WAFV2" and alarm["MetricName"] == "BlockedRequests"
        assert alarm["Threshold"] == 1000 and alarm["Statistic"] == "Sum" and alarm["Period"] == 300
        assert sorted(alarm["Dimensions"], key=lambda d: d["Name"]) == [
            {"Name": "Region", "Value": "us-east-1"},
            {"Name": "Rule", "Value": "ALL"},
            {"Name": "WebACL", "Value": edge.web_acl_name},
        ]
        assert "AlarmActions" not in alarm
        assert len(edge.alarms) == 1


class TestEdgeOptions:
    def test_ip_allow_and_block_sets_per_ip_version(self) -> None:
        stack = new_stack()
        edge = EdgeProtection(
            stack,
            "Edge",
            allowed_cidrs=["203.0.113.0/24"],
            blocked_cidrs=["198.51.100.0/24", "192.0.2.7/32", "2001:db8::/32"],
        )
        template = template_of(stack)
        template.resource_count_is("AWS::WAFv2::IPSet", 3)
        template.has_resource_properties(
            "AWS::WAFv2::IPSet",
            {
                "IPAddressVersion": "IPV4",
                "Addresses": ["198.51.100.0/24", "192.0.2.7/32"],
                "Scope": "REGIONAL",
            },
        )
        template.has_resource_properties(
            "AWS::WAFv2::IPSet", {"IPAddressVersion": "IPV6", "Addresses": ["2001:db8::/32"]}
        )
        rules = rules_of(template)
        assert [r["Name"] for r in rules[:3]] == ["AllowedIps", "BlockedIps", "RateLimit"]
        assert rules[0]["Action"] == {"Allow": {}} and "IPSetReferenceStatement" in rules[0]["Statement"]
        assert rules[1]["Action"] == {"Block": {}}
        assert len(rules[1]["Statement"]["OrStatement"]["Statements"]) == 2
        assert set(edge.ip_sets) == {"allowed_ipv4", "blocked_ipv4", "blocked_ipv6"}

    def test_count_mode_custom_groups_rate_window_and_minimum_limit(self) -> None:
        stack = new_stack()
        EdgeProtection(
            stack,
            "Edge",
            managed_rule_groups=["AWSManagedRulesLinuxRuleSet"],
            managed_rules_count_only=True,
            rate_limit=10,
            rate_limit_window=Duration.minutes(1),
        )
        rules = rules_of(template_of(stack))
        assert rules[0]["Statement"]["RateBasedStatement"]["Limit"] == 10
        assert rules[0]["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] == 60
        assert [r["Name"] for r in rules] == ["RateLimit", "AWSManagedRulesLinuxRuleSet"]
        assert rules[1]["OverrideAction"] == {"Count": {}}

    def test_blocked_only_logging_filter_retention_threshold_and_topic(self) -> None:
        stack = new_stack()
        topic = sns.Topic(stack, "Topic")
        EdgeProtection(
            stack,
            "Edge",
            log_allowed_requests=False,
            log_retention=logs.RetentionDays.THREE_MONTHS,
            blocked_requests_alarm_threshold=50,
            alarm_topic=topic,
        )
        template = template_of(stack)
        logging_filter = only(template, "AWS::WAFv2::LoggingConfiguration")["Properties"]["LoggingFilter"]
        assert logging_filter["DefaultBehavior"] == "DROP"
        (keep,) = logging_filter["Filters"]
        assert keep["Behavior"] == "KEEP" and keep["Requirement"] == "MEETS_ANY"
        assert [c["ActionCondition"]["Action"] for c in keep["Conditions"]] == [
            "BLOCK",
            "COUNT",
            "CAPTCHA",
            "CHALLENGE",
        ]
        template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 90})
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"Threshold": 50, "AlarmActions": [{"Ref": Match.string_like_regexp("^Topic")}]},
        )

    def test_associations_and_shield_advanced(self) -> None:
        stack = new_stack()
        edge = EdgeProtection(
            stack, "Edge", associated_resource_arns=[ALB_ARN], shield_advanced_resource_arns=[ALB_ARN]
        )
        edge.associate(STAGE_ARN)
        template = template_of(stack)
        template.resource_count_is("AWS::WAFv2::WebACLAssociation", 2)
        template.has_resource_properties(
            "AWS::WAFv2::WebACLAssociation",
            {
                "ResourceArn": STAGE_ARN,
                "WebACLArn": {"Fn::GetAtt": [Match.string_like_regexp("^EdgeWebAcl"), "Arn"]},
            },
        )
        template.has_resource_properties("AWS::Shield::Protection", {"ResourceArn": ALB_ARN})
        assert len(edge.associations) == 2 and len(edge.shield_protections) == 1

    def test_cloudfront_scope_in_us_east_1(self) -> None:
        stack = new_stack()
        edge = EdgeProtection(stack, "Edge", scope_type="CLOUDFRONT", blocked_cidrs=["198.51.100.0/24"])
        template = template_of(stack)
        only(template, "AWS::WAFv2::WebACL", {"Scope": "CLOUDFRONT"})
        template.has_resource_properties("AWS::WAFv2::IPSet", {"Scope": "CLOUDFRONT"})
        dimensions = only(template, "AWS::CloudWatch::Alarm")["Properties"]["Dimensions"]
        assert {d["Name"] for d in dimensions} == {"WebACL", "Rule"}  # CloudFront metrics have no Region
        with pytest.raises(
            ValueError, match=r"resource_arn='arn:.*': a CLOUDFRONT web ACL cannot be associated"
        ):
            edge.associate(ALB_ARN)

    def test_cloudfront_scope_with_an_unresolved_region_is_not_checked(self) -> None:
        stack = Stack(App(context=feature_flags()), "Agnostic")
        EdgeProtection(stack, "Edge", scope_type="CLOUDFRONT")
        template_of(stack).has_resource_properties("AWS::WAFv2::WebACL", {"Scope": "CLOUDFRONT"})


class TestEdgeBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"blocked_cidrs": ["198.51.100.300/24"]},
                r"blocked_cidrs\[0\]='198.51.100.300/24': not a valid CIDR",
            ),
            (
                {"allowed_cidrs": ["203.0.113.7"]},
                r"allowed_cidrs\[0\]='203.0.113.7': must be a CIDR block with a prefix",
            ),
            (
                {"blocked_cidrs": ["198.51.100.1/24"]},
                r"blocked_cidrs\[0\]='198.51.100.1/24': not a valid CIDR",
            ),
            ({"blocked_cidrs": ["0.0.0.0/0"]}, r"/0 is not accepted by WAF"),
            ({"blocked_cidrs": ["2001:db8::zz/32"]}, r"blocked_cidrs\[0\]='2001:db8::zz/32'"),
            (
                {"allowed_cidrs": ["203.0.113.0/24"], "blocked_cidrs": ["203.0.113.0/24"]},
                r"is also in allowed_cidrs",
            ),
            ({"rate_limit": 9}, r"rate_limit=9: must be between 10 and 2000000000"),
            (
                {"rate_limit_window": Duration.minutes(3)},
                r"rate_limit_window='180 seconds': must be 1, 2, 5 or 10",
            ),
            ({"scope_type": "GLOBAL"}, r"scope_type='GLOBAL': must be one of 'REGIONAL', 'CLOUDFRONT'"),
            (
                {"managed_rule_groups": ["MyRules"]},
                r"managed_rule_groups\[0\]='MyRules': must be an AWS managed",
            ),
            ({"managed_rule_groups": ["AWSManagedRulesSQLiRuleSet"] * 2}, r"names must be distinct"),
            (
                {"blocked_requests_alarm_threshold": 0},
                r"blocked_requests_alarm_threshold=0: must be at least 1",
            ),
            (
                {"associated_resource_arns": ["arn:aws:s3:::bucket"]},
                r"must be the ARN of an Application Load Balancer",
            ),
            (
                {
                    "associated_resource_arns": [
                        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/n/1"
                    ]
                },
                r"must be the ARN of an Application Load Balancer",
            ),
            (
                {"associated_resource_arns": ["arn:aws:apigateway:us-east-1::/restapis/a1b2c3"]},
                r"must name a stage",
            ),
            (
                {"scope_type": "CLOUDFRONT", "associated_resource_arns": [ALB_ARN]},
                r"associated_resource_arns=.*attached by the distribution",
            ),
            (
                {"shield_advanced_resource_arns": ["my-alb"]},
                r"shield_advanced_resource_arns\[0\]='my-alb': must be an ARN",
            ),
        ],
    )
    def test_each_error_names_the_argument(self, kwargs: dict, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            EdgeProtection(new_stack(), "Edge", **kwargs)

    def test_cloudfront_scope_outside_us_east_1(self) -> None:
        with pytest.raises(
            ValueError, match=r"scope_type='CLOUDFRONT': .*us-east-1, not in this stack's region 'eu-west-1'"
        ):
            EdgeProtection(new_stack("eu-west-1"), "Edge", scope_type="CLOUDFRONT")

    def test_associate_rejects_a_resource_waf_cannot_protect(self) -> None:
        edge = EdgeProtection(new_stack(), "Edge")
        with pytest.raises(ValueError, match=r"resource_arn='arn:aws:ec2:.*': must be the ARN"):
            edge.associate("arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0")

    def test_all_problems_reported_at_once(self) -> None:
        with pytest.raises(ValueError) as error:
            EdgeProtection(new_stack(), "Edge", blocked_cidrs=["bad"], rate_limit=1, scope_type="X")
        assert str(error.value).count("\n  - ") == 3


# ---------------------------------------------------------------------------------------------------
# ComplianceBaseline
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_compliance() -> tuple[ComplianceBaseline, Template]:
    stack = new_stack()
    baseline = ComplianceBaseline(stack, "Compliance")
    return baseline, template_of(stack)


def statements_of(template: Template, type_: str) -> list[dict[str, Any]]:
    return [
        s
        for r in template.find_resources(type_).values()
        for s in r["Properties"]["PolicyDocument"]["Statement"]
    ]


class TestComplianceDefaults:
    def test_recorder_records_everything_including_global_resources(self, default_compliance) -> None:
        _, template = default_compliance
        recorder = only(template, "AWS::Config::ConfigurationRecorder")["Properties"]
        assert recorder["RecordingGroup"] == {"AllSupported": True, "IncludeGlobalResourceTypes": True}
        role = only(
            template,
            "AWS::IAM::Role",
            {
                "AssumeRolePolicyDocument": Match.object_like(
                    {"Statement": [Match.object_like({"Principal": {"Service": "config.amazonaws.com"}})]}
                )
            },
        )
        assert "service-role/AWS_ConfigRole" in str(role["Properties"]["ManagedPolicyArns"])

    def test_delivery_channel_to_a_secure_bucket(self, default_compliance) -> None:
        baseline, template = default_compliance
        channel = only(template, "AWS::Config::DeliveryChannel")
        assert channel["Properties"]["ConfigSnapshotDeliveryProperties"] == {
            "DeliveryFrequency": "TwentyFour_Hours"
        }
        assert channel["Properties"]["S3BucketName"]["Ref"].startswith("ComplianceBucket")
        assert any(d.startswith("ComplianceRecorder") for d in channel["DependsOn"])
        assert any(d.startswith("ComplianceBucketPolicy") for d in channel["DependsOn"])
        template.has_resource(
            "AWS::S3::Bucket",
            {
                "DeletionPolicy": "Retain",
                "Properties": Match.object_like(
                    {
                        "VersioningConfiguration": {"Status": "Enabled"},
                        "PublicAccessBlockConfiguration": Match.object_like({"BlockPublicAcls": True}),
                    }
                ),
            },
        )
        assert baseline.bucket is not None

    def test_bucket_policy_lets_config_deliver(self, default_compliance) -> None:
        _, template = default_compliance
        statements = {s.get("Sid"): s for s in statements_of(template, "AWS::S3::BucketPolicy")}
        check = statements["AWSConfigBucketCheck"]
        assert check["Principal"] == {"Service": "config.amazonaws.com"}
        assert sorted(check["Action"]) == ["s3:GetBucketAcl", "s3:ListBucket"]
        assert check["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
        delivery = statements["AWSConfigBucketDelivery"]
        assert delivery["Action"] == "s3:PutObject"
        assert delivery["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
        assert "/AWSLogs/" in str(delivery["Resource"]) and "/Config/*" in str(delivery["Resource"])
        assert "AWSConfigRoleDelivery" in statements

    def test_managed_rules_after_the_recorder(self, default_compliance) -> None:
        baseline, template = default_compliance
        rules = template.find_resources(
            "AWS::Config::ConfigRule", {"Properties": {"Source": {"Owner": "AWS"}}}
        )
        identifiers = {r["Properties"]["Source"]["SourceIdentifier"]: r for r in rules.values()}
        assert set(identifiers) == {
            "INCOMING_SSH_DISABLED",
            "S3_BUCKET_PUBLIC_READ_PROHIBITED",
            "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
            "ENCRYPTED_VOLUMES",
            "VPC_FLOW_LOGS_ENABLED",
            "ROOT_ACCOUNT_MFA_ENABLED",
        }
        assert identifiers["INCOMING_SSH_DISABLED"]["Properties"]["Scope"] == {
            "ComplianceResourceTypes": ["AWS::EC2::SecurityGroup"]
        }
        assert (
            identifiers["ROOT_ACCOUNT_MFA_ENABLED"]["Properties"]["MaximumExecutionFrequency"]
            == "TwentyFour_Hours"
        )
        for rule in identifiers.values():
            assert any(d.startswith("ComplianceRecorder") for d in rule["DependsOn"])
        assert set(baseline.managed_rules) == {
            "RestrictedSsh",
            "S3PublicReadProhibited",
            "S3PublicWriteProhibited",
            "EncryptedVolumes",
            "VpcFlowLogsEnabled",
            "RootAccountMfaEnabled",
        }

    def test_custom_public_dns_rule_runs_periodically(self, default_compliance) -> None:
        baseline, template = default_compliance
        rule = only(
            template, "AWS::Config::ConfigRule", {"Source": Match.object_like({"Owner": "CUSTOM_LAMBDA"})}
        )
        assert rule["Properties"]["Source"]["SourceDetails"] == [
            {
                "EventSource": "aws.config",
                "MessageType": "ScheduledNotification",
                "MaximumExecutionFrequency": "TwentyFour_Hours",
            }
        ]
        assert any(d.startswith("CompliancePublicDnsInvokeByConfig") for d in rule["DependsOn"])
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {"Handler": "public_dns_private_targets.handler", "Architectures": ["arm64"], "Timeout": 300},
        )
        template.has_resource_properties(
            "AWS::Lambda::Permission",
            {"Principal": "config.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"}},
        )
        granted = {
            a
            for s in statements_of(template, "AWS::IAM::Policy")
            if s["Resource"] == "*"
            for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        }
        assert {
            "route53:ListHostedZones",
            "route53:ListResourceRecordSets",
            "config:PutEvaluations",
        } <= granted
        assert not [
            r
            for r in template.find_resources("AWS::IAM::Role").values()
            if "lambda.amazonaws.com" in str(r) and "ManagedPolicyArns" in r["Properties"]
        ]
        assert baseline.public_dns_function is not None

    def test_custom_rule_errors_alarm_and_no_notifications_without_topic(self, default_compliance) -> None:
        baseline, template = default_compliance
        alarm = only(template, "AWS::CloudWatch::Alarm")["Properties"]
        assert (
            alarm["MetricName"] == "Errors" and alarm["Namespace"] == "AWS/Lambda" and alarm["Threshold"] == 1
        )
        template.resource_count_is("AWS::Events::Rule", 0)
        template.resource_count_is("AWS::Config::RemediationConfiguration", 0)
        assert baseline.non_compliance_rule is None and baseline.remediation is None

    def test_session_manager_preferences_with_encrypted_logs(self, default_compliance) -> None:
        _, template = default_compliance
        document = only(template, "AWS::SSM::Document")["Properties"]
        assert document["Name"] == "SSM-SessionManagerRunShell"
        assert document["DocumentType"] == "Session" and document["UpdateMethod"] == "NewVersion"
        inputs = document["Content"]["inputs"]
        assert inputs["cloudWatchEncryptionEnabled"] is True and inputs["cloudWatchStreamingEnabled"] is True
        assert inputs["cloudWatchLogGroupName"]["Ref"].startswith("ComplianceSessionLogs")
        assert (
            inputs["kmsKeyId"] == ""
            and inputs["idleSessionTimeout"] == "20"
            and inputs["maxSessionDuration"] == ""
        )
        assert inputs["runAsEnabled"] is False
        template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
        key_statements = only(template, "AWS::KMS::Key")["Properties"]["KeyPolicy"]["Statement"]
        logs_statement = next(s for s in key_statements if s.get("Sid") == "AllowCloudWatchLogsOfThisAccount")
        assert logs_statement["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
        template.has_resource_properties(
            "AWS::Logs::LogGroup",
            {
                "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^ComplianceSessionKey"), "Arn"]},
                "RetentionInDays": 365,
            },
        )

    def test_software_inventory_of_all_managed_instances(self, default_compliance) -> None:
        _, template = default_compliance
        association = only(template, "AWS::SSM::Association")["Properties"]
        assert association["Name"] == "AWS-GatherSoftwareInventory"
        assert association["Targets"] == [{"Key": "InstanceIds", "Values": ["*"]}]
        assert association["ScheduleExpression"] == "rate(12 hours)"


class TestComplianceOptions:
    def test_topic_remediation_session_encryption_and_schedules(self) -> None:
        stack = new_stack()
        topic = sns.Topic(stack, "Topic")
        baseline = ComplianceBaseline(
            stack,
            "Compliance",
            alarm_topic=topic,
            auto_remediate_ssh=True,
            encrypt_session_data=True,
            max_session_duration_minutes=60,
            idle_session_timeout_minutes=5,
            inventory_schedule="cron(0 3 * * ? *)",
            include_global_resources=False,
            snapshot_delivery_frequency="One_Hour",
            public_dns_rule_frequency=config.MaximumExecutionFrequency.SIX_HOURS,
        )
        role = iam.Role(stack, "InstanceRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
        baseline.grant_session_logging(role)
        template = template_of(stack)
        remediation = only(template, "AWS::Config::RemediationConfiguration")["Properties"]
        assert remediation["TargetId"] == "AWS-DisablePublicAccessForSecurityGroup"
        assert remediation["Automatic"] is True and remediation["TargetType"] == "SSM_DOCUMENT"
        assert remediation["Parameters"]["GroupId"] == {"ResourceValue": {"Value": "RESOURCE_ID"}}
        assert remediation["ConfigRuleName"]["Ref"].startswith("ComplianceRestrictedSsh")
        template.has_resource_properties(
            "AWS::IAM::Role",
            {
                "AssumeRolePolicyDocument": Match.object_like(
                    {"Statement": [Match.object_like({"Principal": {"Service": "ssm.amazonaws.com"}})]}
                )
            },
        )
        event_rule = only(template, "AWS::Events::Rule")["Properties"]
        assert event_rule["EventPattern"]["detail"]["newEvaluationResult"] == {
            "complianceType": ["NON_COMPLIANT"]
        }
        assert len(event_rule["EventPattern"]["detail"]["configRuleName"]) == 7
        assert event_rule["Targets"][0]["Arn"]["Ref"].startswith("Topic")
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"AlarmActions": [{"Ref": Match.string_like_regexp("^Topic")}]}
        )
        inputs = only(template, "AWS::SSM::Document")["Properties"]["Content"]["inputs"]
        assert inputs["kmsKeyId"]["Fn::GetAtt"][0].startswith("ComplianceSessionKey")
        assert inputs["maxSessionDuration"] == "60" and inputs["idleSessionTimeout"] == "5"
        template.has_resource_properties("AWS::SSM::Association", {"ScheduleExpression": "cron(0 3 * * ? *)"})
        template.has_resource_properties(
            "AWS::Config::ConfigurationRecorder",
            {"RecordingGroup": {"AllSupported": True, "IncludeGlobalResourceTypes": False}},
        )
        template.has_resource_properties(
            "AWS::Config::DeliveryChannel",
            {"ConfigSnapshotDeliveryProperties": {"DeliveryFrequency": "One_Hour"}},
        )
        template.has_resource_properties(
            "AWS::Config::ConfigRule", {"MaximumExecutionFrequency": "Six_Hours"}
        )
        granted = [
            a
            for s in statements_of(template, "AWS::IAM::Policy")
            for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        ]
        assert {"logs:PutLogEvents", "logs:DescribeLogGroups", "kms:Decrypt", "kms:GenerateDataKey"} <= set(
            granted
        )

    def test_everything_optional_turned_off(self) -> None:
        stack = new_stack()
        baseline = ComplianceBaseline(
            stack,
            "Compliance",
            create_recorder=False,
            public_dns_rule=False,
            session_manager_preferences=False,
            inventory_schedule=None,
        )
        template = template_of(stack)
        for type_ in (
            "AWS::Config::ConfigurationRecorder",
            "AWS::Config::DeliveryChannel",
            "AWS::S3::Bucket",
            "AWS::Lambda::Function",
            "AWS::SSM::Document",
            "AWS::SSM::Association",
            "AWS::KMS::Key",
        ):
            template.resource_count_is(type_, 0)
        rules = template.find_resources("AWS::Config::ConfigRule")
        assert len(rules) == 6  # the six managed rules
        assert all("DependsOn" not in r for r in rules.values())
        with pytest.raises(ValueError, match="session_manager_preferences=False"):
            baseline.grant_session_logging(
                iam.Role(stack, "R", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
            )

    def test_bring_your_own_bucket(self) -> None:
        stack = new_stack()
        bucket = s3.Bucket.from_bucket_name(stack, "Existing", "org-config-history")
        baseline = ComplianceBaseline(stack, "Compliance", bucket=bucket)
        template = template_of(stack)
        template.resource_count_is("AWS::S3::Bucket", 0)
        template.has_resource_properties(
            "AWS::Config::DeliveryChannel", {"S3BucketName": "org-config-history"}
        )
        assert baseline.bucket is bucket


class TestComplianceBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"snapshot_delivery_frequency": "Daily"},
                r"snapshot_delivery_frequency='Daily': must be one of",
            ),
            (
                {"idle_session_timeout_minutes": 0},
                r"idle_session_timeout_minutes=0: must be between 1 and 60",
            ),
            ({"idle_session_timeout_minutes": 61}, r"idle_session_timeout_minutes=61"),
            (
                {"max_session_duration_minutes": 2000},
                r"max_session_duration_minutes=2000: must be between 1 and 1440",
            ),
            (
                {"inventory_schedule": "rate(10 minutes)"},
                r"inventory_schedule='rate\(10 minutes\)': .*every 30 minutes",
            ),
            ({"inventory_schedule": "every day"}, r"inventory_schedule='every day': must be rate"),
            (
                {"encrypt_session_data": True, "session_manager_preferences": False},
                r"encrypt_session_data=True",
            ),
        ],
    )
    def test_each_error_names_the_argument(self, kwargs: dict, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            ComplianceBaseline(new_stack(), "Compliance", **kwargs)

    def test_bucket_without_recorder_is_a_conflict(self) -> None:
        stack = new_stack()
        bucket = s3.Bucket.from_bucket_name(stack, "Existing", "org-config-history")
        with pytest.raises(ValueError, match=r"bucket='Test/Existing': is only used by the recorder"):
            ComplianceBaseline(stack, "Compliance", bucket=bucket, create_recorder=False)

    def test_all_problems_reported_at_once(self) -> None:
        with pytest.raises(ValueError) as error:
            ComplianceBaseline(
                new_stack(),
                "Compliance",
                snapshot_delivery_frequency="x",
                idle_session_timeout_minutes=0,
                inventory_schedule="rate(1 minute)",
            )
        assert str(error.value).count("\n  - ") == 3


# ---------------------------------------------------------------------------------------------------
# Example stack
# ---------------------------------------------------------------------------------------------------


def test_example_stack_composition(example_templates) -> None:
    """The example stack (synthesized once per session, nag and cfn-lint checked in tests/stacks)."""
    template = example_templates["CdpSecurityBaseline"]
    resources = template["Resources"].values()
    ip_sets = [r for r in resources if r["Type"] == "AWS::WAFv2::IPSet"]
    assert [s["Properties"]["Addresses"] for s in ip_sets] == [["198.51.100.0/24"]]
    assert any(r["Type"] == "AWS::Config::ConfigurationRecorder" for r in resources)
    # the baseline's network tiers and VPN are the shared CdpNetwork stack
    network = example_templates["CdpNetwork"]["Resources"].values()
    assert any(r["Type"] == "AWS::EC2::VPNConnection" for r in network)
    assert sum(r["Type"] == "AWS::EC2::NetworkAcl" for r in network) == 3
