"""Secure defaults of the serverless web patterns (issue 13, checkov): a versioned CloudFront log bucket,
API Gateway execution logging as an opt-in (it needs the account-level CloudWatch role)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from patterns.serverless_web import ApiBackend, StaticSite
from tests.conftest import new_stack, template_of
from tests.support import cfn_lint, env, synth_checked


@pytest.fixture(scope="module")
def site() -> Template:
    stack = new_stack()
    StaticSite(stack, "Site")
    return template_of(stack)


@pytest.fixture(scope="module")
def default_api() -> Template:
    stack = new_stack()
    ApiBackend(stack, "Api", domain_prefix="my-app")
    return template_of(stack)


@pytest.fixture(scope="module")
def logged_api() -> Template:
    """Synthesized with cdk-nag as a gate: with execution logging on, AwsSolutions-APIG6 is satisfied,
    not acknowledged, and nothing else is left unacknowledged."""

    def build(app: App) -> Stack:
        stack = Stack(app, "Test", env=env())
        ApiBackend(stack, "Api", domain_prefix="my-app", execution_logging=True)
        return stack

    return Template.from_json(synth_checked(build))


def cloudfront_log_bucket(template: Template) -> dict[str, Any]:
    [bucket] = template.find_resources(
        "AWS::S3::Bucket",
        {"Properties": {"OwnershipControls": {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}}},
    ).values()
    return bucket["Properties"]


class TestStaticSiteLogBucket:
    def test_versioned(self, site: Template) -> None:
        assert cloudfront_log_bucket(site)["VersioningConfiguration"] == {"Status": "Enabled"}

    def test_old_versions_expire_after_30_days(self, site: Template) -> None:
        [rule] = cloudfront_log_bucket(site)["LifecycleConfiguration"]["Rules"]
        assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
        assert rule["ExpirationInDays"] == 365
        assert rule["Status"] == "Enabled"


class TestApiExecutionLogging:
    def test_off_by_default(self, default_api: Template) -> None:
        # No LoggingLevel: API Gateway would need the account's CloudWatch role to deploy the stage.
        default_api.has_resource_properties(
            "AWS::ApiGateway::Stage",
            {
                "StageName": "v1",
                "MethodSettings": [
                    {
                        "DataTraceEnabled": False,
                        "HttpMethod": "*",
                        "MetricsEnabled": True,
                        "ResourcePath": "/*",
                        "ThrottlingBurstLimit": 100,
                        "ThrottlingRateLimit": 50,
                    }
                ],
            },
        )

    def test_opt_in_logs_info_without_data_tracing(self, logged_api: Template) -> None:
        logged_api.has_resource_properties(
            "AWS::ApiGateway::Stage",
            {
                "StageName": "v1",
                "MethodSettings": [
                    {
                        "DataTraceEnabled": False,
                        "HttpMethod": "*",
                        "LoggingLevel": "INFO",
                        "MetricsEnabled": True,
                        "ResourcePath": "/*",
                        "ThrottlingBurstLimit": 100,
                        "ThrottlingRateLimit": 50,
                    }
                ],
            },
        )

    def test_opt_in_owns_no_account_role(self, logged_api: Template) -> None:
        logged_api.resource_count_is("AWS::ApiGateway::Account", 0)

    def test_opt_in_passes_cfn_lint(self, logged_api: Template) -> None:
        assert cfn_lint(logged_api.to_json()) == []
