"""Serverless-web promises (patterns/serverless_web/README.md), each value written out: security headers,
HTTPS only, WAF in front, Cognito on every method, throttling, the alarms, logs kept one year, data
retained."""

from __future__ import annotations

from typing import Any

import pytest

from tests.patterns.promises import (
    Alarm,
    alarms,
    example_stack_template,
    example_stack_templates,
    log_retentions,
    resources,
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return example_stack_template("CdpServerlessWeb")


@pytest.fixture(scope="module")
def edge() -> dict[str, Any]:
    """The us-east-1 companion with the CLOUDFRONT web ACL (built with the app stack)."""
    return example_stack_templates("CdpServerlessWeb")["CdpServerlessWebEdge"]


@pytest.fixture(scope="module")
def cloudfront_alarms() -> dict[str, Any]:
    """The us-east-1 companion with the CloudFront 5xx alarm."""
    return example_stack_templates("CdpServerlessWeb")["CdpServerlessWebAlarms"]


def only(template: dict[str, Any], type_: str) -> dict[str, Any]:
    [(_, resource)] = resources(template, type_)
    return resource["Properties"]


def test_alarms(template, edge, cloudfront_alarms) -> None:
    errors = Alarm(
        "AWS/Lambda Errors Sum", 1, "GreaterThanOrEqualToThreshold", 1, None, "notBreaching", 300, "topic"
    )
    throttles = Alarm(
        "AWS/Lambda Throttles Sum", 1, "GreaterThanOrEqualToThreshold", 1, None, "notBreaching", 300, "topic"
    )
    # The app's alarms, the web ACL's (edge) and CloudFront's (us-east-1 companions), by metric.
    found = sorted(alarms(template) + alarms(edge) + alarms(cloudfront_alarms))
    assert found == [
        Alarm(
            "AWS/ApiGateway 5XXError Sum",
            5,
            "GreaterThanOrEqualToThreshold",
            1,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        Alarm(
            "AWS/ApiGateway Latency p99",
            2000,
            "GreaterThanOrEqualToThreshold",
            3,
            2,
            "notBreaching",
            300,
            "topic",
        ),
        Alarm(
            "AWS/CloudFront 5xxErrorRate Average",
            5,
            "GreaterThanOrEqualToThreshold",
            3,
            2,
            "notBreaching",
            300,
            "other-stack",  # the edge stack's topic (both in us-east-1), alarm and OK
        ),
        errors,  # renderer, read, write
        errors,
        errors,
        throttles,
        throttles,
        throttles,
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
        Alarm(
            "reads + writes; reads=AWS/DynamoDB ReadThrottleEvents Sum/300; writes=AWS/DynamoDB WriteThrottleEvents Sum/300",
            1,
            "GreaterThanOrEqualToThreshold",
            1,
            None,
            "notBreaching",
            None,
            "topic",
        ),
    ]


def test_cloudfront_alarm_notifies_the_edge_topic(edge, cloudfront_alarms) -> None:
    [(topic_id, _)] = resources(edge, "AWS::SNS::Topic")
    [(_, alarm)] = resources(cloudfront_alarms, "AWS::CloudWatch::Alarm")
    [action] = alarm["Properties"]["AlarmActions"]
    assert action["Fn::GetStackOutput"]["StackName"] == "CdpServerlessWebEdge"
    assert topic_id in action["Fn::GetStackOutput"]["OutputName"]


def test_security_headers(template) -> None:
    headers = only(template, "AWS::CloudFront::ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]
    assert headers["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": 63072000,
        "IncludeSubdomains": True,
        "Override": True,
    }
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["ReferrerPolicy"] == {
        "Override": True,
        "ReferrerPolicy": "strict-origin-when-cross-origin",
    }
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert csp.startswith("default-src 'self'; ")
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_distribution_https_only_behind_the_waf(template, edge) -> None:
    config = only(template, "AWS::CloudFront::Distribution")["DistributionConfig"]
    [(_, acl)] = resources(edge, "AWS::WAFv2::WebACL")
    # The web ACL's ARN comes from the us-east-1 edge stack (a cross-region reference).
    assert config["WebACLId"]["Fn::GetStackOutput"]["StackName"] == "CdpServerlessWebEdge"
    assert config["WebACLId"]["Fn::GetStackOutput"]["Region"] == "us-east-1"
    assert acl["Properties"]["Scope"] == "CLOUDFRONT"
    behaviors = [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]
    assert {b["ViewerProtocolPolicy"] for b in behaviors} == {"redirect-to-https"}
    assert config["Logging"]["Prefix"] == "cloudfront/"
    assert config["PriceClass"] == "PriceClass_100"


def test_web_acl_has_the_sql_injection_group(edge) -> None:
    [(_, acl)] = resources(edge, "AWS::WAFv2::WebACL")
    assert [r["Name"] for r in acl["Properties"]["Rules"]] == [
        "RateLimit",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesSQLiRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    ]
    assert len(resources(edge, "AWS::WAFv2::LoggingConfiguration")) == 1


def test_every_api_method_but_preflight_needs_cognito(template) -> None:
    methods = sorted(
        (m["Properties"]["HttpMethod"], m["Properties"].get("AuthorizationType"))
        for _, m in resources(template, "AWS::ApiGateway::Method")
    )
    # The X sign-in routes (/iam/items/{id}) are for the identity pool's role: AWS_IAM (SigV4).
    assert methods == [
        ("GET", "AWS_IAM"),
        ("GET", "COGNITO_USER_POOLS"),
        ("OPTIONS", "NONE"),
        ("OPTIONS", "NONE"),
        ("OPTIONS", "NONE"),
        ("OPTIONS", "NONE"),
        ("OPTIONS", "NONE"),
        ("OPTIONS", "NONE"),
        ("PUT", "AWS_IAM"),
        ("PUT", "COGNITO_USER_POOLS"),
    ]


def test_stage_throttled_traced_logged(template) -> None:
    stage = only(template, "AWS::ApiGateway::Stage")
    [settings] = stage["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (50, 100)
    assert settings["DataTraceEnabled"] is False
    assert stage["TracingEnabled"] is True
    assert "AccessLogSetting" in stage


def test_logs_one_year_and_data_retained(template, edge) -> None:
    assert log_retentions(template) == [(365, "Retain")] * 4  # access logs, three functions
    assert log_retentions(edge) == [(365, "Retain")]  # the web ACL's full log (us-east-1)
    for type_ in ("AWS::DynamoDB::Table", "AWS::Cognito::UserPool", "AWS::S3::Bucket"):
        for _, resource in resources(template, type_):
            assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain"), (
                type_
            )
    table = only(template, "AWS::DynamoDB::Table")
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_user_pool_mfa_and_passwords(template) -> None:
    pool = only(template, "AWS::Cognito::UserPool")
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}


def test_functions_arm64_traced(template) -> None:
    functions = [
        f["Properties"]
        for _, f in resources(template, "AWS::Lambda::Function")
        if "LoggingConfig" in f["Properties"]
    ]
    assert len(functions) == 3
    for function in functions:
        assert function["Architectures"] == ["arm64"]
        assert function["TracingConfig"] == {"Mode": "Active"}
