"""Serverless web: the grants, metrics and connections that aws-cdk-lib users reach for."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Match, Template

from patterns.serverless_web import ApiBackend, StaticSite
from tests.conftest import new_stack, template_of
from tests.patterns.conventions import actions_on, all_actions, arn, metric_shape, new_role, statements_of

S3_READ = ["s3:GetBucket*", "s3:GetObject*", "s3:List*"]
S3_PUT = [
    "s3:Abort*",
    "s3:PutObject",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:PutObjectTagging",
    "s3:PutObjectVersionTagging",
]
S3_DELETE = ["s3:DeleteObject*"]


@pytest.fixture(scope="module")
def site() -> tuple[StaticSite, Stack, Template, dict[str, Any]]:
    stack = new_stack()
    site = StaticSite(stack, "Site")
    roles = {name: new_role(stack, name) for name in ("Reader", "Putter", "Publisher")}
    site.grant_read(roles["Reader"])
    site.grant_put(roles["Putter"])
    site.grant_publish(roles["Publisher"])
    return site, stack, template_of(stack), roles


def bucket_objects(stack: Stack, site: StaticSite) -> dict[str, Any]:
    return {"Fn::Join": ["", [arn(stack, site.bucket), "/*"]]}


def test_site_grant_read(site: tuple[StaticSite, Stack, Template, dict[str, Any]]) -> None:
    construct, stack, template, roles = site
    statements = statements_of(template, stack, roles["Reader"])
    assert actions_on(statements, arn(stack, construct.bucket)) == S3_READ
    assert actions_on(statements, bucket_objects(stack, construct)) == S3_READ
    assert all_actions(statements) == S3_READ


def test_site_grant_put(site: tuple[StaticSite, Stack, Template, dict[str, Any]]) -> None:
    construct, stack, template, roles = site
    statements = statements_of(template, stack, roles["Putter"])
    assert actions_on(statements, bucket_objects(stack, construct)) == S3_PUT
    assert all_actions(statements) == S3_PUT


def test_site_grant_publish(site: tuple[StaticSite, Stack, Template, dict[str, Any]]) -> None:
    construct, stack, template, roles = site
    statements = statements_of(template, stack, roles["Publisher"])
    assert actions_on(statements, bucket_objects(stack, construct)) == sorted(
        {
            *S3_READ,
            "s3:Abort*",
            "s3:DeleteObject*",
            "s3:PutObject",
            "s3:PutObjectLegalHold",
            "s3:PutObjectRetention",
            "s3:PutObjectTagging",
            "s3:PutObjectVersionTagging",
        }
    )
    invalidation = [s for s in statements if s["Action"] == ["cloudfront:CreateInvalidation"]]
    assert len(invalidation) == 1
    distribution = stack.get_logical_id(construct.distribution.node.default_child)  # type: ignore[arg-type]
    assert invalidation[0]["Resource"] == {
        "Fn::Join": [
            "",
            ["arn:aws:cloudfront::", {"Ref": "AWS::AccountId"}, ":distribution/", {"Ref": distribution}],
        ]
    }


def test_site_metrics(site: tuple[StaticSite, Stack, Template, dict[str, Any]]) -> None:
    construct, stack, _template, _roles = site
    dimensions = {
        "DistributionId": {"Ref": stack.get_logical_id(construct.distribution.node.default_child)},  # type: ignore[arg-type]
        "Region": "Global",
    }
    cases = {
        "metric5xx_error_rate": ("5xxErrorRate", "Average"),
        "metric4xx_error_rate": ("4xxErrorRate", "Average"),
        "metric_requests": ("Requests", "Sum"),
    }
    for method, (name, statistic) in cases.items():
        assert metric_shape(stack, getattr(construct, method)()) == {
            "namespace": "AWS/CloudFront",
            "metric_name": name,
            "dimensions": dimensions,
            "statistic": statistic,
            "period": 300,
        }, method
    assert construct.metric5xx_error_rate(statistic="Maximum").statistic == "Maximum"


def test_site_alarm_watches_the_metric(site: tuple[StaticSite, Stack, Template, dict[str, Any]]) -> None:
    _construct, _stack, template, _roles = site
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/CloudFront",
            "MetricName": "5xxErrorRate",
            "Statistic": "Average",
            "Period": 300,
            "Dimensions": Match.array_with([{"Name": "Region", "Value": "Global"}]),
        },
    )


@pytest.fixture(scope="module")
def api() -> tuple[ApiBackend, Stack, Template, dict[str, Any]]:
    stack = new_stack()
    api = ApiBackend(stack, "Api", domain_prefix="my-app")
    roles = {name: new_role(stack, name) for name in ("Reader", "Writer", "ReaderWriter")}
    api.grant_read_data(roles["Reader"])
    api.grant_write_data(roles["Writer"])
    api.grant_read_write_data(roles["ReaderWriter"])
    return api, stack, template_of(stack), roles


DYNAMODB_READ = [
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:Query",
    "dynamodb:Scan",
]
DYNAMODB_WRITE = [
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
]


def test_api_grants(api: tuple[ApiBackend, Stack, Template, dict[str, Any]]) -> None:
    construct, stack, template, roles = api
    table = arn(stack, construct.table)
    expected = {
        "Reader": DYNAMODB_READ,
        "Writer": DYNAMODB_WRITE,
        "ReaderWriter": sorted({*DYNAMODB_READ, *DYNAMODB_WRITE}),
    }
    for name, actions in expected.items():
        statements = statements_of(template, stack, roles[name])
        assert actions_on(statements, table) == actions, name
        assert all_actions(statements) == actions, name


def test_api_metrics(api: tuple[ApiBackend, Stack, Template, dict[str, Any]]) -> None:
    construct, stack, _template, _roles = api
    cases = {
        "metric_server_error": ("5XXError", "Sum"),
        "metric_client_error": ("4XXError", "Sum"),
        "metric_latency": ("Latency", "p99"),
        "metric_count": ("Count", "Sum"),
    }
    for method, (name, statistic) in cases.items():
        assert metric_shape(stack, getattr(construct, method)()) == {
            "namespace": "AWS/ApiGateway",
            "metric_name": name,
            "dimensions": {"ApiName": "Api"},  # the RestApi's name (its construct id by default)
            "statistic": statistic,
            "period": 300,
        }, method


def test_api_alarms_watch_the_metrics(api: tuple[ApiBackend, Stack, Template, dict[str, Any]]) -> None:
    _construct, _stack, template, _roles = api
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"Namespace": "AWS/ApiGateway", "MetricName": "5XXError", "Statistic": "Sum", "Period": 300},
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"Namespace": "AWS/ApiGateway", "MetricName": "Latency", "ExtendedStatistic": "p99", "Period": 300},
    )
