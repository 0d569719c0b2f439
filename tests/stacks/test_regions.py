"""The example app in other commercial regions: everything follows ``-c region=``, except the CloudFront-
scoped pieces, which live in the us-east-1 companions of the serverless web stack."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cfnlint.api import ManualArgs
from cfnlint.config import ConfigMixIn
from cfnlint.decode.decode import decode_str
from cfnlint.runner import Runner

from tests.background import templates_of
from tests.support import CFN_LINT_IGNORED

COMPANIONS = {"CdpServerlessWebEdge", "CdpServerlessWebAlarms"}


pytestmark = pytest.mark.background("region-eu-west-1", "region-ap-northeast-1")


@pytest.fixture(scope="module", params=["eu-west-1", "ap-northeast-1"])
def regional_app(request: pytest.FixtureRequest, background: Any) -> dict[str, Any]:
    """The whole example app with ``-c region=<param>``, synthesized once per region in the background
    process (tests/background.py) with its policy checks; ap-northeast-1 also has a custom domain (its
    certificate must be built in us-east-1)."""
    result = background(f"region-{request.param}")
    outdir = Path(result["outdir"])
    return {"region": request.param, "templates": templates_of(outdir), "outdir": outdir, **result}


@cache
def _linter(region: str) -> Runner:
    """cfn-lint for one region, its rules loaded once (loading them is most of a small template's lint)."""
    return Runner(ConfigMixIn(**ManualArgs(regions=[region], ignore_checks=CFN_LINT_IGNORED)))


def _lint(template: dict[str, Any], region: str) -> list[str]:
    decoded, errors = decode_str(json.dumps(template))
    return [str(m) for m in errors or _linter(region).validate_template(decoded)]


def _stack_output(stack: str, region: str) -> dict[str, Any]:
    return {"Fn::GetStackOutput": {"StackName": stack, "Region": region, "OutputName": Match.any_value()}}


class TestExampleAppInAnotherRegion:
    def test_every_stack_is_in_the_region_but_the_cloudfront_companions(self, regional_app) -> None:
        regions = {name: region for name, (region, _) in regional_app["templates"].items()}
        assert {name for name, region in regions.items() if region == "us-east-1"} == COMPANIONS
        assert {region for name, region in regions.items() if name not in COMPANIONS} == {
            regional_app["region"]
        }

    def test_no_unacknowledged_findings(self, regional_app) -> None:
        assert regional_app["findings"] == []

    def test_cfn_lint_clean_in_each_stack_region(self, regional_app) -> None:
        for name, matches in regional_app["lint"].items():
            assert matches == [], name

    def test_the_linter_can_fail(self, regional_app) -> None:
        broken = {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"NoSuchProperty": 1}}}}
        assert _lint(broken, regional_app["region"])

    def test_cloudfront_web_acl_only_in_us_east_1(self, regional_app) -> None:
        for name, (_, template) in regional_app["templates"].items():
            scopes = [
                r["Properties"]["Scope"]
                for r in template["Resources"].values()
                if r["Type"] == "AWS::WAFv2::WebACL"
            ]
            if name == "CdpServerlessWebEdge":
                assert scopes == ["CLOUDFRONT"]
            else:
                assert "CLOUDFRONT" not in scopes, name

    def test_distribution_takes_the_web_acl_from_us_east_1(self, regional_app) -> None:
        _, web = regional_app["templates"]["CdpServerlessWeb"]
        Template.from_json(web).has_resource_properties(
            "AWS::CloudFront::Distribution",
            {
                "DistributionConfig": Match.object_like(
                    {"WebACLId": _stack_output("CdpServerlessWebEdge", "us-east-1")}
                )
            },
        )

    def test_the_5xx_alarm_watches_the_regional_distribution_from_us_east_1(self, regional_app) -> None:
        _, alarms = regional_app["templates"]["CdpServerlessWebAlarms"]
        Template.from_json(alarms).has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/CloudFront",
                "MetricName": "5xxErrorRate",
                "Dimensions": [
                    {
                        "Name": "DistributionId",
                        "Value": _stack_output("CdpServerlessWeb", regional_app["region"]),
                    },
                    {"Name": "Region", "Value": "Global"},
                ],
                "AlarmActions": [_stack_output("CdpServerlessWebEdge", "us-east-1")],
            },
        )

    def test_the_app_stack_has_no_cloudfront_metric_alarm(self, regional_app) -> None:
        _, web = regional_app["templates"]["CdpServerlessWeb"]
        namespaces = {
            r["Properties"].get("Namespace")
            for r in web["Resources"].values()
            if r["Type"] == "AWS::CloudWatch::Alarm"
        }
        assert "AWS/CloudFront" not in namespaces


def test_us_east_1_keeps_the_same_three_stacks(example_templates) -> None:
    """Consistency: in us-east-1 too the web ACL and the 5xx alarm are in the companions."""
    assert set(example_templates) >= COMPANIONS
    web = Template.from_json(example_templates["CdpServerlessWeb"])
    web.resource_count_is("AWS::WAFv2::WebACL", 0)
    web.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {"WebACLId": _stack_output("CdpServerlessWebEdge", "us-east-1")}
            )
        },
    )
    Template.from_json(example_templates["CdpServerlessWebEdge"]).has_resource_properties(
        "AWS::WAFv2::WebACL", {"Scope": "CLOUDFRONT"}
    )


def test_custom_domain_in_another_region(regional_app) -> None:
    """-c web_domain with -c region=ap-northeast-1: the certificate is built in us-east-1 and the
    distribution serves it; the alias records stay with the app."""
    if not regional_app["domain"]:
        pytest.skip("the custom domain variant is synthesized in ap-northeast-1 only")
    _, edge = regional_app["templates"]["CdpServerlessWebEdge"]
    _, web = regional_app["templates"]["CdpServerlessWeb"]
    Template.from_json(edge).has_resource_properties(
        "AWS::CertificateManager::Certificate", {"DomainName": "www.example.com", "ValidationMethod": "DNS"}
    )
    web_template = Template.from_json(web)
    web_template.resource_count_is("AWS::CertificateManager::Certificate", 0)
    web_template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "Aliases": ["www.example.com"],
                    "ViewerCertificate": Match.object_like(
                        {"AcmCertificateArn": _stack_output("CdpServerlessWebEdge", "us-east-1")}
                    ),
                }
            )
        },
    )
    web_template.resource_count_is("AWS::Route53::RecordSet", 2)
