"""CloudFrontEdge and CloudFrontAlarms: a site in any region, its CloudFront-scoped pieces in us-east-1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack, Validations
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template
from cdk_nag import AwsSolutionsChecks

from patterns.serverless_web import (
    CloudFrontAlarms,
    CloudFrontEdge,
    ServerlessWebApp,
    SiteDomain,
    StaticSite,
)
from stacks import feature_flags, unacknowledged_findings
from tests.support import cfn_lint

DOMAIN = SiteDomain(
    domain_name="www.example.com", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
)
CLOUDFRONT_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/0123abcd"
REGIONAL_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/site/0123abcd"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234"
WARNING_ID = "cdp-patterns:staticSiteNoErrorRateAlarm"


def _stacks(app: App, site_region: str) -> tuple[Stack, Stack, Stack]:
    edge = Stack(app, "SiteEdge", env=Environment(region="us-east-1"))
    alarms = Stack(app, "SiteAlarms", env=Environment(region="us-east-1"), cross_region_references=True)
    site = Stack(app, "Site", env=Environment(region=site_region), cross_region_references=True)
    return edge, alarms, site


def _assembly_templates(assembly: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    return {s.stack_name: (s.environment.region, s.template) for s in assembly.stacks}


@pytest.fixture(scope="module")
def eu_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A site with a custom domain in eu-west-1, its edge and alarms in us-east-1, in an app WITHOUT this
    repository's feature flags (a user's app: the cross-region references use CDK's custom resources),
    checked with cdk-nag. Synthesized once."""
    outdir = tmp_path_factory.mktemp("edge")
    app = App(outdir=str(outdir))
    edge_stack, alarms_stack, site_stack = _stacks(app, "eu-west-1")
    topic = sns.Topic(edge_stack, "Alarms", enforce_ssl=True)
    edge = CloudFrontEdge(edge_stack, "Edge", domain=DOMAIN, alarm_topic=topic)
    alarms = CloudFrontAlarms(alarms_stack, "CloudFront", alarm_topic=topic)
    site = StaticSite(site_stack, "Site", domain=DOMAIN, edge=edge, cloudfront_alarms=alarms)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    assembly = app.synth()
    return {
        "outdir": outdir,
        "templates": _assembly_templates(assembly),
        "site": site,
        "edge": edge,
        "alarms": alarms,
        "site_stack": site_stack,
    }


class TestSiteInAnotherRegion:
    def test_web_acl_and_certificate_are_built_in_us_east_1(self, eu_site) -> None:
        region, edge = eu_site["templates"]["SiteEdge"]
        assert region == "us-east-1"
        template = Template.from_json(edge)
        template.has_resource_properties("AWS::WAFv2::WebACL", {"Scope": "CLOUDFRONT"})
        template.has_resource_properties(
            "AWS::CertificateManager::Certificate",
            {
                "DomainName": "www.example.com",
                "ValidationMethod": "DNS",
                "DomainValidationOptions": [
                    {"DomainName": "www.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"}
                ],
            },
        )

    def test_the_site_stack_holds_no_cloudfront_scoped_resource(self, eu_site) -> None:
        region, site = eu_site["templates"]["Site"]
        assert region == "eu-west-1"
        template = Template.from_json(site)
        for resource_type in (
            "AWS::WAFv2::WebACL",
            "AWS::CertificateManager::Certificate",
            "AWS::CloudWatch::Alarm",
        ):
            template.resource_count_is(resource_type, 0)

    def test_the_distribution_reads_web_acl_and_certificate_across_regions(self, eu_site) -> None:
        _, site = eu_site["templates"]["Site"]
        template = Template.from_json(site)
        (distribution,) = template.find_resources("AWS::CloudFront::Distribution").values()
        config = distribution["Properties"]["DistributionConfig"]
        # Cross-region references read from the exports reader of this stack, never a plain import.
        (reader_id,) = template.find_resources("Custom::CrossRegionExportReader")
        assert config["WebACLId"]["Fn::GetAtt"][0] == reader_id
        assert config["ViewerCertificate"]["AcmCertificateArn"]["Fn::GetAtt"][0] == reader_id
        assert config["Aliases"] == ["www.example.com"]
        assert "Fn::ImportValue" not in json.dumps(site)

    def test_the_5xx_alarm_is_built_in_us_east_1(self, eu_site) -> None:
        region, alarms = eu_site["templates"]["SiteAlarms"]
        assert region == "us-east-1"
        template = Template.from_json(alarms)
        template.resource_count_is("AWS::CloudWatch::Alarm", 1)
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/CloudFront",
                "MetricName": "5xxErrorRate",
                "Dimensions": Match.array_with([{"Name": "Region", "Value": "Global"}]),
                "Threshold": 5,
                "EvaluationPeriods": 3,
                "DatapointsToAlarm": 2,
                "AlarmActions": [Match.any_value()],
                "AlarmDescription": "CloudFront 5xx error rate of Site/Site is at least 5%",
            },
        )
        assert eu_site["site"].alarms[0] is eu_site["alarms"].alarms[0]

    def test_no_warning_when_the_alarm_has_a_home(self, eu_site) -> None:
        Annotations.from_stack(eu_site["site_stack"]).has_no_warning(
            "*", Match.string_like_regexp("cloudfront_alarms")
        )

    def test_cdk_nag_and_cfn_lint(self, eu_site) -> None:
        assert unacknowledged_findings(eu_site["outdir"]) == []
        for name, (region, template) in eu_site["templates"].items():
            # W3045: the CloudFront log bucket's ACL in an app without the S3 feature flags (not this test's subject).
            findings = [f for f in cfn_lint(template, region) if "W3045" not in f]
            assert findings == [], name


class TestAlarmWithoutAHome:
    def test_a_site_outside_us_east_1_warns_naming_the_argument(self) -> None:
        stack = Stack(App(context=feature_flags()), "Eu", env=Environment(region="eu-west-1"))
        StaticSite(stack, "Site")
        Template.from_stack(stack).resource_count_is("AWS::CloudWatch::Alarm", 0)
        Annotations.from_stack(stack).has_warning(
            "/Eu/Site",
            Match.string_like_regexp(
                r"StaticSite Eu/Site: no CloudFront 5xx alarm \(error_rate_threshold_percent=5\): "
                r"CloudFront publishes its metrics in us-east-1 only and this stack is in eu-west-1\. "
                r"Pass cloudfront_alarms"
            ),
        )

    @pytest.mark.parametrize("region", ["us-east-1", None])
    def test_us_east_1_and_env_agnostic_build_it_in_place(self, region: str | None) -> None:
        env = Environment(region=region) if region else None
        stack = Stack(App(context=feature_flags()), "Here", env=env)
        StaticSite(stack, "Site")
        template = Template.from_stack(stack)
        template.resource_count_is("AWS::CloudWatch::Alarm", 1)
        template.has_resource_properties("AWS::CloudWatch::Alarm", {"MetricName": "5xxErrorRate"})
        Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("cloudfront_alarms"))

    def test_cloudfront_alarms_in_us_east_1_too(self) -> None:
        app = App(context=feature_flags())
        alarms_stack = Stack(app, "Alarms", env=Environment(region="us-east-1"))
        site_stack = Stack(app, "Site", env=Environment(region="us-east-1"))
        alarms = CloudFrontAlarms(alarms_stack, "CloudFront")
        StaticSite(site_stack, "Site", cloudfront_alarms=alarms, error_rate_threshold_percent=2)
        Template.from_stack(site_stack).resource_count_is("AWS::CloudWatch::Alarm", 0)
        Template.from_stack(alarms_stack).has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "5xxErrorRate", "Threshold": 2}
        )


class TestCloudFrontEdge:
    def test_defaults_web_acl_only(self) -> None:
        stack = Stack(App(context=feature_flags()), "Edge", env=Environment(region="us-east-1"))
        edge = CloudFrontEdge(stack, "Edge")
        template = Template.from_stack(stack)
        template.resource_count_is("AWS::WAFv2::WebACL", 1)
        template.has_resource_properties(
            "AWS::WAFv2::WebACL",
            {"Scope": "CLOUDFRONT", "Rules": Match.array_with([Match.object_like({"Name": "RateLimit"})])},
        )
        template.resource_count_is("AWS::CertificateManager::Certificate", 0)
        assert edge.certificate is None
        assert edge.protection is not None

    def test_existing_web_acl_and_certificate(self) -> None:
        stack = Stack(App(context=feature_flags()), "Edge", env=Environment(region="us-east-1"))
        edge = CloudFrontEdge(stack, "Edge", domain=DOMAIN, certificate_arn=CERT, web_acl_arn=CLOUDFRONT_ACL)
        sns.Topic(stack, "Topic")  # an empty template does not synthesize
        template = Template.from_stack(stack)
        template.resource_count_is("AWS::WAFv2::WebACL", 0)
        template.resource_count_is("AWS::CertificateManager::Certificate", 0)
        assert edge.web_acl_arn == CLOUDFRONT_ACL
        assert edge.certificate is not None
        assert edge.certificate.certificate_arn == CERT

    def test_no_web_acl(self) -> None:
        app = App(context=feature_flags())
        edge_stack = Stack(app, "Edge", env=Environment(region="us-east-1"))
        site_stack = Stack(app, "Site", env=Environment(region="eu-west-1"), cross_region_references=True)
        edge = CloudFrontEdge(edge_stack, "Edge", create_web_acl=False)
        sns.Topic(edge_stack, "Topic")  # an empty template does not synthesize
        StaticSite(site_stack, "Site", edge=edge)
        Template.from_stack(edge_stack).resource_count_is("AWS::WAFv2::WebACL", 0)
        (distribution,) = (
            Template.from_stack(site_stack).find_resources("AWS::CloudFront::Distribution").values()
        )
        assert "WebACLId" not in distribution["Properties"]["DistributionConfig"]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"certificate_arn": CERT}, r"certificate_arn='arn:aws:acm:.*': a certificate needs a domain"),
            (
                {"web_acl_arn": REGIONAL_ACL},
                "has REGIONAL scope; this resource needs a web ACL of scope CLOUDFRONT",
            ),
            (
                {"web_acl_arn": CLOUDFRONT_ACL, "create_web_acl": False},
                "cannot be combined with create_web_acl=False",
            ),
            (
                {"domain": SiteDomain("www.other.org", "Z0123456789ABCDEFGHIJ", "example.com")},
                "not inside the hosted zone",
            ),
        ],
    )
    def test_bad_input(self, kwargs: dict[str, Any], message: str) -> None:
        stack = Stack(App(context=feature_flags()), "Edge", env=Environment(region="us-east-1"))
        with pytest.raises(ValueError, match=f"(?s)CloudFrontEdge: invalid arguments:.*{message}") as raised:
            CloudFrontEdge(stack, "Edge", **kwargs)
        assert issubclass(raised.type, ValueError)

    @pytest.mark.parametrize("construct", [CloudFrontEdge, CloudFrontAlarms])
    def test_refuses_a_stack_outside_us_east_1(self, construct: type) -> None:
        stack = Stack(App(context=feature_flags()), "Eu", env=Environment(region="eu-west-1"))
        with pytest.raises(
            ValueError,
            match=r"scope='Eu/Thing': must be built in a stack in us-east-1 .* not eu-west-1",
        ):
            construct(stack, "Thing")


@pytest.fixture(scope="module")
def edges() -> dict[str, Any]:
    app = App(context=feature_flags())
    stack = Stack(app, "Edge", env=Environment(region="us-east-1"))
    return {
        "app": app,
        "plain": CloudFrontEdge(stack, "Plain", create_web_acl=False),
        "domain": CloudFrontEdge(stack, "Domain", domain=DOMAIN, create_web_acl=False),
    }


class TestStaticSiteWithEdgeErrors:
    def _site_stack(self, edges: dict[str, Any], name: str) -> Stack:
        return Stack(edges["app"], name, env=Environment(region="eu-west-1"), cross_region_references=True)

    def test_edge_conflicts_with_web_acl_arn_and_certificate_arn(self, edges) -> None:
        with pytest.raises(ValueError) as raised:
            StaticSite(
                self._site_stack(edges, "Conflict"),
                "Site",
                domain=DOMAIN,
                edge=edges["domain"],
                web_acl_arn=CLOUDFRONT_ACL,
                certificate_arn=CERT,
            )
        message = str(raised.value)
        assert (
            "web_acl_arn='arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/0123abcd': cannot be combined with edge='Edge/Domain'"
            in message
        )
        assert (
            "certificate_arn='arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234': cannot be combined with edge='Edge/Domain'"
            in message
        )

    def test_the_edge_domain_must_be_the_site_domain(self, edges) -> None:
        other = SiteDomain("shop.example.com", "Z0123456789ABCDEFGHIJ", "example.com")
        with pytest.raises(
            ValueError,
            match=r"edge='Edge/Domain': its domain 'www.example.com' is not this site's domain 'shop.example.com'",
        ):
            StaticSite(self._site_stack(edges, "Mismatch"), "Site", domain=other, edge=edges["domain"])
        with pytest.raises(
            ValueError,
            match=r"domain=None: the edge has a certificate for 'www.example.com'; pass the same domain",
        ):
            StaticSite(self._site_stack(edges, "Missing"), "Site", edge=edges["domain"])
        with pytest.raises(
            ValueError,
            match=r"edge='Edge/Plain': its domain None is not this site's domain 'www.example.com'",
        ):
            StaticSite(self._site_stack(edges, "NoCert"), "Site", domain=DOMAIN, edge=edges["plain"])

    def test_a_domain_outside_us_east_1_names_edge_as_the_way_out(self) -> None:
        stack = Stack(App(context=feature_flags()), "Eu", env=Environment(region="eu-west-1"))
        with pytest.raises(
            ValueError, match="pass edge \\(a CloudFrontEdge in a us-east-1 stack\\) or certificate_arn"
        ):
            StaticSite(stack, "Site", domain=DOMAIN)

    def test_serverless_web_app_passes_both_through(self) -> None:
        app = App(context=feature_flags())
        edge_stack, alarms_stack, site_stack = _stacks(app, "ap-northeast-1")
        edge = CloudFrontEdge(edge_stack, "Edge", domain=DOMAIN)
        alarms = CloudFrontAlarms(alarms_stack, "CloudFront")
        web = ServerlessWebApp(
            site_stack,
            "Web",
            auth_domain_prefix="example-web",
            domain=DOMAIN,
            edge=edge,
            cloudfront_alarms=alarms,
        )
        assert web.site.certificate is edge.certificate
        assert web.site.alarms[0] in alarms.alarms
        Template.from_stack(site_stack).resource_count_is("AWS::CertificateManager::Certificate", 0)


def test_module_docs_name_the_three_stacks() -> None:
    """The arrangement is documented where users look (the pattern README)."""
    readme = (Path(__file__).resolve().parents[2] / "patterns/serverless_web/README.md").read_text()
    assert "cross_region_references=True" in readme
    assert "CloudFrontAlarms" in readme


def _edge_error(**kwargs: Any) -> str:
    stack = Stack(App(), "Edge", env=Environment(region="us-east-1"))
    with pytest.raises(ValueError) as raised:
        CloudFrontEdge(stack, "Edge", **kwargs)
    return str(raised.value)


def test_the_web_acls_arguments_are_checked_under_the_edges_name() -> None:
    assert _edge_error(blocked_cidrs=["", "0.0.0.0/0"], rate_limit=5) == (
        "CloudFrontEdge: invalid arguments:\n"
        "  - blocked_cidrs[0]='': must be a CIDR block with a prefix length (203.0.113.7/32 for one address)\n"
        "  - blocked_cidrs[1]='0.0.0.0/0': /0 is not accepted by WAF (use the web ACL's default action)\n"
        "  - rate_limit=5: must be between 10 and 2000000000"
    )


def test_web_acl_arguments_without_a_web_acl_made_here_are_refused() -> None:
    assert _edge_error(create_web_acl=False, blocked_cidrs=["198.51.100.0/24"], rate_limit=100) == (
        "CloudFrontEdge: invalid arguments:\n"
        "  - blocked_cidrs=['198.51.100.0/24']: applies only to a web ACL made here\n"
        "  - rate_limit=100: applies only to a web ACL made here"
    )
