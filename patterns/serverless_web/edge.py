"""The CloudFront-scoped pieces of a site, which exist in us-east-1 only, for a site in any region.

A CLOUDFRONT web ACL, the ACM certificate a distribution serves and the CloudFront metrics (hence the
alarms on them) live in us-east-1, whatever region the site's bucket, table and API are in. The
arrangement for a site in another region is three stacks, wired with CDK's cross-region references:

1. a us-east-1 stack with ``CloudFrontEdge`` (web ACL, certificate), deployed first;
2. the site's stack in its region, with ``cross_region_references=True``: ``StaticSite(edge=...)``
   (or ``ServerlessWebApp(edge=...)``) takes the web ACL and the certificate from the edge;
3. a us-east-1 stack with ``CloudFrontAlarms``, with ``cross_region_references=True``, deployed after
   the site: ``StaticSite(cloudfront_alarms=...)`` builds its 5xx alarm there (it needs the
   distribution's id, so it cannot live in the first stack: the two would depend on each other).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, Stack, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from constructs import Construct

from .._core import Problems, alarm
from .._core.arguments import checked_arguments
from ..security.edge_protection import DEFAULT_RATE_LIMIT, MAX_RATE_LIMIT, MIN_RATE_LIMIT, EdgeProtection
from .options import SiteDomain

CLOUDFRONT_REGION = "us-east-1"
"""Where CLOUDFRONT web ACLs, CloudFront certificates and CloudFront metrics live."""


def _require_cloudfront_region(problems: Problems, owner: Construct, argument: str, value: object) -> None:
    region = Stack.of(owner).region
    if not Token.is_unresolved(region):
        problems.require(
            region == CLOUDFRONT_REGION,
            argument,
            value,
            f"must be built in a stack in {CLOUDFRONT_REGION} (CloudFront's web ACLs, certificates and "
            f"metrics live there), not {region}",
        )


def error_rate_metric(distribution_id: str) -> cw.Metric:
    """CloudFront's 5xx error rate (percent, 5-minute average) of one distribution (us-east-1 only)."""
    return cw.Metric(
        namespace="AWS/CloudFront",
        metric_name="5xxErrorRate",
        dimensions_map={"DistributionId": distribution_id, "Region": "Global"},
        statistic="Average",
        period=Duration.minutes(5),
    )


def error_rate_alarm(
    scope: Construct,
    id: str,
    *,
    distribution_id: str,
    threshold_percent: float,
    description: str,
    topic: sns.ITopic | None,
) -> cw.Alarm:
    """The 5xx alarm every site ships: 2 of 3 five-minute periods at or above ``threshold_percent``."""
    return alarm(
        scope,
        id,
        metric=error_rate_metric(distribution_id),
        threshold=threshold_percent,
        evaluation_periods=3,
        datapoints_to_alarm=2,
        description=description,
        topic=topic,
    )


class CloudFrontEdge(Construct):
    """A site's CloudFront-scoped pieces, in a us-east-1 stack: a CLOUDFRONT web ACL
    (``patterns.security.EdgeProtection``: managed rules, rate limit, full logging, blocked-requests
    alarm) and, for a custom domain, a DNS-validated ACM certificate.

    Pass it to ``StaticSite(edge=...)`` / ``ServerlessWebApp(edge=...)`` in a stack of any region that
    has ``cross_region_references=True`` (in us-east-1 itself the reference is a plain export).
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain: SiteDomain | None = None,
        certificate_arn: str | None = None,
        web_acl_arn: str | None = None,
        create_web_acl: bool = True,
        blocked_cidrs: Sequence[str] = (),
        rate_limit: int = DEFAULT_RATE_LIMIT,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param domain: the site's custom domain: a DNS-validated certificate for it is created here.
            Default: no certificate (the site answers on ``*.cloudfront.net``).
        :param certificate_arn: an existing us-east-1 certificate for ``domain`` instead of a new one.
            Default: a new certificate when ``domain`` is given.
        :param web_acl_arn: an existing CLOUDFRONT-scope web ACL instead of a new one. Default: a new
            ``EdgeProtection`` web ACL (about $5/month plus $1 per rule and requests).
        :param create_web_acl: ``False`` for no web ACL at all (the site's cdk-nag CFR2 finding is then
            acknowledged by ``StaticSite``). Default ``True``.
        :param blocked_cidrs: networks the new web ACL blocks. Default: none.
        :param rate_limit: requests per client IP per 5 minutes before the new web ACL blocks it.
            Default 2,000.
        :param alarm_topic: SNS topic (in us-east-1) for the web ACL's alarm. Default: no action.
        """
        super().__init__(scope, id)
        problems = Problems("CloudFrontEdge")
        _require_cloudfront_region(problems, self, "scope", self.node.path)
        if domain is not None:
            domain.check(problems, "domain")
        if certificate_arn is not None:
            problems.require(
                domain is not None, "certificate_arn", certificate_arn, "a certificate needs a domain"
            )
        if web_acl_arn is not None and not create_web_acl:
            problems.add(
                "web_acl_arn", web_acl_arn, "cannot be combined with create_web_acl=False; pass one of them"
            )
        if web_acl_arn is not None:
            from .static_site import check_web_acl_arn  # static_site imports this module

            check_web_acl_arn(problems, "web_acl_arn", web_acl_arn, scope="global")
        if web_acl_arn is None and create_web_acl:  # the web ACL's own checks, under this construct's name
            EdgeProtection.check_cidrs(problems, "blocked_cidrs", blocked_cidrs)
            problems.between("rate_limit", rate_limit, MIN_RATE_LIMIT, MAX_RATE_LIMIT)
        else:
            problems.require(
                not blocked_cidrs, "blocked_cidrs", list(blocked_cidrs), "applies only to a web ACL made here"
            )
            problems.require(
                rate_limit == DEFAULT_RATE_LIMIT,
                "rate_limit",
                rate_limit,
                "applies only to a web ACL made here",
            )
        problems.raise_if_any()

        self.domain = domain
        self.alarm_topic = alarm_topic
        self.protection: EdgeProtection | None = None
        self.web_acl_arn: str | None = web_acl_arn
        if web_acl_arn is None and create_web_acl:
            self.protection = EdgeProtection(
                self,
                "Protection",
                scope_type="CLOUDFRONT",
                blocked_cidrs=blocked_cidrs,
                rate_limit=rate_limit,
                alarm_topic=alarm_topic,
            )
            self.web_acl_arn = self.protection.web_acl_arn

        self.certificate: acm.ICertificate | None = None
        if domain is not None:
            if certificate_arn is not None:
                self.certificate = acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn)
            else:
                zone = route53.HostedZone.from_hosted_zone_attributes(
                    self, "Zone", hosted_zone_id=domain.hosted_zone_id, zone_name=domain.zone_name
                )
                self.certificate = acm.Certificate(
                    self,
                    "Certificate",
                    domain_name=domain.domain_name,
                    validation=acm.CertificateValidation.from_dns(zone),
                )


class CloudFrontAlarms(Construct):
    """Where CloudFront alarms are built for sites whose stacks are in another region: a construct in a
    us-east-1 stack with ``cross_region_references=True``, deployed after the sites' stacks.

    Pass it to ``StaticSite(cloudfront_alarms=...)`` / ``ServerlessWebApp(cloudfront_alarms=...)``, or
    call ``add_error_rate_alarm`` for any distribution.
    """

    @checked_arguments
    def __init__(self, scope: Construct, id: str, *, alarm_topic: sns.ITopic | None = None) -> None:
        """
        :param alarm_topic: SNS topic in us-east-1 for every alarm built here (an alarm can only notify
            a topic of its own region). Default: alarms without actions.
        """
        super().__init__(scope, id)
        problems = Problems("CloudFrontAlarms")
        _require_cloudfront_region(problems, self, "scope", self.node.path)
        problems.raise_if_any()
        self.alarm_topic = alarm_topic
        self.alarms: list[cw.Alarm] = []

    def add_error_rate_alarm(
        self,
        id: str,
        distribution: cloudfront.IDistribution,
        *,
        threshold_percent: float = 5,
        description: str | None = None,
    ) -> cw.Alarm:
        """A 5xx error-rate alarm (percent, 2 of 3 five-minute periods) on ``distribution``."""
        created = error_rate_alarm(
            self,
            id,
            distribution_id=distribution.distribution_id,
            threshold_percent=threshold_percent,
            description=description
            or f"CloudFront 5xx error rate of {distribution.node.path} is at least {threshold_percent}%",
            topic=self.alarm_topic,
        )
        self.alarms.append(created)
        return created
