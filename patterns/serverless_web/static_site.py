"""StaticSite: CloudFront in front of a private S3 bucket, with render on first request."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import Annotations, Duration, Names, RemovalPolicy, Stack, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from .._core import (
    Problems,
    acknowledge,
    alarm,
    allow_log_delivery,
    is_token,
    logging_target,
    nag_ref,
    python_function,
    renamed_arguments,
    secure_bucket,
)
from .._core.arguments import checked_arguments
from .._core.limits import check_duration
from .edge import CloudFrontAlarms, CloudFrontEdge, error_rate_alarm
from .options import SiteDomain

RUNTIME_DIR = Path(__file__).resolve().parent / "runtime"

DEFAULT_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests"
)
"""Same-origin content only; no plugins, no framing. Extend ``connect-src`` for APIs the page calls."""

CLOUDFRONT_METRICS_REGION = "us-east-1"
"""CloudFront publishes its metrics in us-east-1 only, with the dimension ``Region=Global``."""

_CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$")
_WEB_ACL_ARN = re.compile(r"^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:(global|regional)/webacl/[^/]+/[^/]+$")
_RENDER_PATTERN = re.compile(r"^/([A-Za-z0-9_-]+/)+\*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def check_web_acl_arn(problems: Problems, argument: str, value: str | None, *, scope: str) -> None:
    """A WAFv2 web ACL ARN of ``scope`` (``global`` for CloudFront, ``regional`` for API Gateway)."""
    if value is None or is_token(value):
        return
    match = _WEB_ACL_ARN.match(value)
    if match is None:
        problems.add(
            argument,
            value,
            "not a WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:<scope>/webacl/<name>/<id>)",
        )
    elif match.group(1) != scope:
        wanted = (
            "CLOUDFRONT (an ARN with ':global/')"
            if scope == "global"
            else "REGIONAL (an ARN with ':regional/')"
        )
        problems.add(
            argument,
            value,
            f"has {match.group(1).upper()} scope; this resource needs a web ACL of scope {wanted}",
        )


class StaticSite(Construct):
    """CloudFront in front of a private S3 bucket (origin access control), with security headers.

    HTTPS only (HTTP redirects), TLS 1.2+ with a custom domain, HTTP/2 and 3, IPv6, standard access
    logs to a dedicated log bucket, a default root object and a not-found page. With ``render_table``
    (or ``render_from(table)`` later), paths under ``render_path_pattern`` go to an origin group: S3
    first; on 403/404 a renderer Lambda function URL (also behind origin access control) builds the
    page from the table, stores it in S3 and returns it. Those paths are never cached at the edge: S3
    is the cache, so deleting an object makes the next request render it again.
    """

    @staticmethod
    def check(
        problems: Problems,
        scope: Construct,
        *,
        bucket: s3.IBucket | None = None,
        encryption_key: kms.IKey | None = None,
        removal_policy: RemovalPolicy | None = None,
        domain: SiteDomain | None = None,
        certificate_arn: str | None = None,
        web_acl_arn: str | None = None,
        default_root_object: str = "index.html",
        not_found_page: str | None = "/404.html",
        content_security_policy: str = DEFAULT_CONTENT_SECURITY_POLICY,
        allowed_countries: Sequence[str] = (),
        render_path_pattern: str = "/pages/*",
        access_log_expiry: Duration = Duration.days(365),
        error_rate_threshold_percent: float = 5,
        edge: CloudFrontEdge | None = None,
    ) -> None:
        """The value checks of the constructor's arguments, recorded on ``problems``; ``scope`` is where
        the site will be built. A composite (``ServerlessWebApp``) runs them up front with
        ``RenamedProblems`` so that its caller sees their own argument names."""
        stack = Stack.of(scope)
        problems.conflict("bucket", bucket, "encryption_key", encryption_key)
        problems.conflict("bucket", bucket, "removal_policy", removal_policy)
        if edge is not None:
            problems.conflict("web_acl_arn", web_acl_arn, "edge", edge.node.path)
            problems.conflict("certificate_arn", certificate_arn, "edge", edge.node.path)
            if domain is not None and edge.domain != domain:
                problems.add(
                    "edge",
                    edge.node.path,
                    f"its domain {edge.domain.domain_name if edge.domain else None!r} is not this site's "
                    f"domain {domain.domain_name!r}; give both the same SiteDomain",
                )
            if domain is None and edge.domain is not None:
                problems.add(
                    "domain",
                    None,
                    f"the edge has a certificate for {edge.domain.domain_name!r}; pass the same domain",
                )
        edge_certificate = edge.certificate if edge is not None else None
        if domain is not None:
            domain.check(problems, "domain")
            if certificate_arn is None and edge_certificate is None and not Token.is_unresolved(stack.region):
                problems.require(
                    stack.region == "us-east-1",
                    "domain",
                    domain.domain_name,
                    f"CloudFront needs its certificate in us-east-1, but this stack is in {stack.region}; "
                    "pass edge (a CloudFrontEdge in a us-east-1 stack) or certificate_arn, "
                    "or deploy the stack in us-east-1",
                )
        if certificate_arn is not None:
            problems.require(
                domain is not None,
                "certificate_arn",
                certificate_arn,
                "a certificate needs a domain; pass domain too",
            )
            if not is_token(certificate_arn):
                match = _CERTIFICATE_ARN.match(certificate_arn)
                if match is None:
                    problems.add("certificate_arn", certificate_arn, "not an ACM certificate ARN")
                else:
                    problems.require(
                        match.group(1) == "us-east-1",
                        "certificate_arn",
                        certificate_arn,
                        "CloudFront only uses certificates from us-east-1",
                    )
        check_web_acl_arn(problems, "web_acl_arn", web_acl_arn, scope="global")
        problems.require(
            bool(default_root_object) and not default_root_object.startswith("/"),
            "default_root_object",
            default_root_object,
            "must be an object name without a leading '/' (index.html)",
        )
        if not_found_page is not None:
            problems.require(
                not_found_page.startswith("/"), "not_found_page", not_found_page, "must start with '/'"
            )
        problems.require(
            bool(content_security_policy.strip()),
            "content_security_policy",
            content_security_policy,
            "must not be empty",
        )
        for country in allowed_countries:
            problems.require(
                bool(_COUNTRY.match(country)),
                "allowed_countries",
                country,
                "must be a two-letter ISO 3166 code (DE, US)",
            )
        problems.require(
            bool(_RENDER_PATTERN.match(render_path_pattern)),
            "render_path_pattern",
            render_path_pattern,
            "must look like '/pages/*' (a folder followed by '/*')",
        )
        problems.between("error_rate_threshold_percent", error_rate_threshold_percent, 0.1, 100)
        check_duration(problems, "access_log_expiry", access_log_expiry, minimum=Duration.days(1))

    @renamed_arguments("0.2.0", bucket_encryption_key="encryption_key")
    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket | None = None,
        encryption_key: kms.IKey | None = None,
        removal_policy: RemovalPolicy | None = None,
        domain: SiteDomain | None = None,
        certificate_arn: str | None = None,
        web_acl_arn: str | None = None,
        default_root_object: str = "index.html",
        not_found_page: str | None = "/404.html",
        content_security_policy: str = DEFAULT_CONTENT_SECURITY_POLICY,
        allowed_countries: Sequence[str] = (),
        price_class: cloudfront.PriceClass = cloudfront.PriceClass.PRICE_CLASS_100,
        render_table: dynamodb.ITable | None = None,
        render_path_pattern: str = "/pages/*",
        access_log_expiry: Duration = Duration.days(365),
        error_rate_threshold_percent: float = 5,
        alarm_topic: sns.ITopic | None = None,
        edge: CloudFrontEdge | None = None,
        cloudfront_alarms: CloudFrontAlarms | None = None,
    ) -> None:
        """
        :param bucket: the content bucket. Default: a new private bucket (SSE-S3, versioned, TLS only,
            server access logs, retained). Cannot be combined with ``encryption_key`` or
            ``removal_policy``, which only shape a new bucket.
        :param encryption_key: KMS key for a new content bucket. Default: SSE-S3.
        :param removal_policy: what happens to the new content bucket and the log bucket on stack
            deletion. Default: retained.
        :param domain: a custom domain (``SiteDomain``): alias A/AAAA records in its hosted zone and,
            unless ``certificate_arn`` or ``edge`` gives one, a DNS-validated certificate (the stack
            must then be in us-east-1). Default: the ``*.cloudfront.net`` name only.
        :param certificate_arn: an existing us-east-1 ACM certificate for ``domain``. Default: a new
            DNS-validated certificate when ``domain`` is given.
        :param web_acl_arn: a WAFv2 web ACL of CLOUDFRONT scope (``...:global/webacl/...``). Default: none.
        :param default_root_object: served for ``/``. Default ``index.html``.
        :param not_found_page: page served (with status 404) when nothing is found. Default
            ``/404.html``; ``None`` returns the origin's error as is.
        :param content_security_policy: the Content-Security-Policy header. Default:
            ``DEFAULT_CONTENT_SECURITY_POLICY`` (same-origin only).
        :param allowed_countries: ISO 3166 country codes allowed to reach the site. Default: everyone.
        :param price_class: edge locations used. Default ``PRICE_CLASS_100`` (North America, Europe).
        :param render_table: DynamoDB table the renderer reads pages from (partition key ``id``).
            Default: no renderer; every path is served from S3 only.
        :param render_path_pattern: paths that are rendered on first request. Default ``/pages/*``
            (S3 keys ``pages/<id>``).
        :param access_log_expiry: how long CloudFront access logs are kept. Default one year.
        :param error_rate_threshold_percent: 5xx error rate (percent, 5-minute average) that raises the
            alarm. Default 5.
        :param alarm_topic: SNS topic for the alarms. Default: alarms without actions.
        :param edge: a ``CloudFrontEdge`` in a us-east-1 stack: the site uses its web ACL and (with
            ``domain``) its certificate, so the site's stack may be in any region (with
            ``cross_region_references=True``). Cannot be combined with ``web_acl_arn`` or
            ``certificate_arn``. Default: none.
        :param cloudfront_alarms: a ``CloudFrontAlarms`` in a us-east-1 stack (deployed after this one)
            that builds the 5xx alarm, notifying its own topic. Default: the alarm is built here when
            the stack is in us-east-1 (or has no region); in another region there is then no 5xx
            alarm (CloudFront's metrics exist in us-east-1 only) and a warning says so.
        """
        super().__init__(scope, id)
        stack = Stack.of(self)
        problems = Problems("StaticSite")
        StaticSite.check(
            problems,
            self,
            bucket=bucket,
            encryption_key=encryption_key,
            removal_policy=removal_policy,
            domain=domain,
            certificate_arn=certificate_arn,
            web_acl_arn=web_acl_arn,
            default_root_object=default_root_object,
            not_found_page=not_found_page,
            content_security_policy=content_security_policy,
            allowed_countries=allowed_countries,
            render_path_pattern=render_path_pattern,
            access_log_expiry=access_log_expiry,
            error_rate_threshold_percent=error_rate_threshold_percent,
            edge=edge,
        )
        problems.raise_if_any()
        edge_certificate = edge.certificate if edge is not None else None
        if edge is not None:
            web_acl_arn = edge.web_acl_arn

        policy = removal_policy or RemovalPolicy.RETAIN
        self.domain = domain
        self.alarm_topic = alarm_topic
        self.render_path_pattern = render_path_pattern
        self.render_prefix = render_path_pattern[1:-1]
        self.bucket: s3.IBucket = bucket or secure_bucket(
            self, "Content", removal_policy=policy, encryption_key=encryption_key
        )
        self.log_bucket = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,  # CloudFront standard logs need ACLs
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=access_log_expiry, noncurrent_version_expiration=Duration.days(30)
                )
            ],
            server_access_logs_bucket=logging_target(self, "AccessLogs"),
            server_access_logs_prefix="CloudFrontLogs/",
            removal_policy=policy,
        )
        allow_log_delivery(self.log_bucket, "CloudFrontLogs/")
        self.s3_origin = origins.S3BucketOrigin.with_origin_access_control(
            self.bucket,
            # LIST makes S3 answer 404 (not 403) for a missing key: the renderer's cue.
            origin_access_levels=[cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
        )
        self.response_headers_policy = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="HSTS, CSP, nosniff, DENY framing, strict referrer",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730), include_subdomains=True, override=True
                ),
                xss_protection=cloudfront.ResponseHeadersXSSProtection(
                    protection=True, mode_block=True, override=True
                ),
            ),
        )

        self.certificate: acm.ICertificate | None = None
        self.hosted_zone: route53.IHostedZone | None = None
        if domain is not None:
            self.hosted_zone = route53.HostedZone.from_hosted_zone_attributes(
                self, "Zone", hosted_zone_id=domain.hosted_zone_id, zone_name=domain.zone_name
            )
            self.certificate = (
                edge_certificate
                or (
                    acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn)
                    if certificate_arn
                    else None
                )
                or acm.Certificate(
                    self,
                    "Certificate",
                    domain_name=domain.domain_name,
                    validation=acm.CertificateValidation.from_dns(self.hosted_zone),
                )
            )

        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"{stack.stack_name}/{self.node.path}"[-128:],
            default_behavior=cloudfront.BehaviorOptions(
                origin=self.s3_origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.response_headers_policy,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                compress=True,
            ),
            default_root_object=default_root_object,
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=404,
                    response_http_status=404,
                    response_page_path=not_found_page,
                    ttl=Duration.seconds(10),
                )
            ]
            if not_found_page
            else None,
            domain_names=[domain.domain_name] if domain else None,
            certificate=self.certificate,
            # Only settable with a custom certificate (the *.cloudfront.net one has a fixed policy).
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if domain else None,
            ssl_support_method=cloudfront.SSLMethod.SNI if domain else None,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_ipv6=True,
            price_class=price_class,
            geo_restriction=cloudfront.GeoRestriction.allowlist(*allowed_countries)
            if allowed_countries
            else None,
            web_acl_id=web_acl_arn,
            enable_logging=True,
            log_bucket=self.log_bucket,
            log_file_prefix="cloudfront/",
        )
        Annotations.of(self.distribution).acknowledge_warning(
            "@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk",
            "ListBucket is granted on purpose so that S3 answers 404 for a missing key (the renderer's cue "
            "and the not-found page); default_root_object is always set, so '/' never lists the bucket.",
        )
        findings = {}
        if web_acl_arn is None:
            findings["AwsSolutions-CFR2"] = (
                "No web ACL was passed (web_acl_arn or edge); attach a CLOUDFRONT-scope ACL "
                "(CloudFrontEdge) in production. A WAF costs at least $5/month, so the pattern does not "
                "create one."
            )
        if not allowed_countries:
            findings["AwsSolutions-CFR1"] = (
                "The site is public worldwide by design; pass allowed_countries to restrict it."
            )
        if domain is None:
            findings["AwsSolutions-CFR4"] = (
                "Without a custom domain CloudFront serves its default *.cloudfront.net certificate, "
                "whose TLS floor cannot be set; with a domain the distribution uses TLSv1.2_2021."
            )
        if findings:
            acknowledge(self.distribution, findings)

        self.url = (
            f"https://{domain.domain_name}"
            if domain
            else f"https://{self.distribution.distribution_domain_name}"
        )
        self.records: list[route53.RecordSet] = []
        if domain is not None and self.hosted_zone is not None:
            target = route53.RecordTarget.from_alias(targets.CloudFrontTarget(self.distribution))
            self.records = [
                route53.ARecord(
                    self, "AliasA", zone=self.hosted_zone, record_name=domain.domain_name, target=target
                ),
                route53.AaaaRecord(
                    self, "AliasAaaa", zone=self.hosted_zone, record_name=domain.domain_name, target=target
                ),
            ]

        self.alarms: list[cw.Alarm] = []
        description = (
            f"CloudFront 5xx error rate of {self.node.path} is at least {error_rate_threshold_percent}%"
        )
        if cloudfront_alarms is not None:
            self.alarms.append(
                cloudfront_alarms.add_error_rate_alarm(
                    f"{Names.unique_id(self)}ErrorRateAlarm",
                    self.distribution,
                    threshold_percent=error_rate_threshold_percent,
                    description=description,
                )
            )
        elif Token.is_unresolved(stack.region) or stack.region == CLOUDFRONT_METRICS_REGION:
            self.alarms.append(
                error_rate_alarm(
                    self,
                    "ErrorRateAlarm",
                    distribution_id=self.distribution.distribution_id,
                    threshold_percent=error_rate_threshold_percent,
                    description=description,
                    topic=alarm_topic,
                )
            )
        else:
            Annotations.of(self).add_warning_v2(
                "cdp-patterns:staticSiteNoErrorRateAlarm",
                f"StaticSite {self.node.path}: no CloudFront 5xx alarm (error_rate_threshold_percent="
                f"{error_rate_threshold_percent}): CloudFront publishes its metrics in us-east-1 only and "
                f"this stack is in {stack.region}. Pass cloudfront_alarms (a CloudFrontAlarms in a "
                "us-east-1 stack with cross_region_references=True) to build it there.",
            )

        self.renderer: lambda_.Function | None = None
        self.renderer_url: lambda_.FunctionUrl | None = None
        if render_table is not None:
            self.render_from(render_table)

    def render_from(self, table: dynamodb.ITable) -> lambda_.Function:
        """Render pages under ``render_path_pattern`` on first request from ``table`` (once per site)."""
        if self.renderer is not None:
            raise ValueError(
                f"StaticSite {self.node.path}: render_from may be called once; a renderer exists"
            )
        renderer = python_function(
            self,
            "Renderer",
            code_dir=RUNTIME_DIR,
            handler="renderer.handler",
            description="Renders a page from DynamoDB on first request and stores it in S3",
            environment={
                "TABLE_NAME": table.table_name,
                "PAGES_BUCKET": self.bucket.bucket_name,
                "PAGES_PREFIX": self.render_prefix,
            },
            timeout=Duration.seconds(10),
        )
        table.grant_read_data(renderer)
        # Only PutObject under the rendered prefix (grant_put would add Abort*, tagging, retention).
        renderer.add_to_role_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(f"{self.render_prefix}*")],
            )
        )
        if self.bucket.encryption_key is not None:
            self.bucket.encryption_key.grant_encrypt(renderer)
        acknowledge(
            renderer.role,
            {
                f"AwsSolutions-IAM5[Resource::{nag_ref(self.bucket)}/{self.render_prefix}*]": "The renderer writes any page under the rendered prefix; page names are data, unknown at deploy time.",
            },
        )
        self.renderer = renderer
        self.renderer_url = renderer.add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)
        group = origins.OriginGroup(
            primary_origin=self.s3_origin,
            fallback_origin=origins.FunctionUrlOrigin.with_origin_access_control(self.renderer_url),
            fallback_status_codes=[403, 404],
        )
        self.distribution.add_behavior(
            self.render_path_pattern,
            group,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,  # S3 is the cache
            response_headers_policy=self.response_headers_policy,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,  # origin groups fail over for GET/HEAD only
            compress=True,
        )
        for metric_name, description in (("Errors", "failed renders"), ("Throttles", "throttled renders")):
            self.alarms.append(
                alarm(
                    self,
                    f"Renderer{metric_name}Alarm",
                    metric=renderer.metric(metric_name, statistic="Sum", period=Duration.minutes(5)),
                    threshold=1,
                    description=f"{description} in {self.node.path}",
                    topic=self.alarm_topic,
                )
            )
        return renderer

    # --- what aws-cdk-lib users reach for: grants and metrics ---------------------------------------
    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the site's content (``s3:GetObject*``, ``s3:GetBucket*``, ``s3:List*``)."""
        return self.bucket.grant_read(grantee)

    def grant_put(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` upload content (``s3:PutObject``, ``s3:PutObjectLegalHold``, ``s3:PutObjectRetention``,
        ``s3:PutObjectTagging``, ``s3:PutObjectVersionTagging``, ``s3:Abort*``)."""
        return self.bucket.grant_put(grantee)

    def grant_publish(self, grantee: iam.IGrantable) -> iam.Grant:
        """What a CI job needs to publish a new version of the site (``aws s3 sync --delete`` then an
        invalidation): read, write and delete the content, and ``cloudfront:CreateInvalidation`` on the
        distribution."""
        return (
            self.bucket.grant_read_write(grantee)
            .combine(self.bucket.grant_delete(grantee))
            .combine(self.distribution.grant_create_invalidation(grantee))
        )

    def metric(self, metric_name: str, **props: Any) -> cw.Metric:
        """A CloudFront metric of the distribution (``AWS/CloudFront``, dimensions ``DistributionId`` and
        ``Region=Global``; aws-cdk-lib's ``Distribution.metric*`` omit ``Region``). CloudFront publishes
        it in us-east-1 only: pass ``region="us-east-1"`` for a dashboard in another region. ``props``
        are ``cloudwatch.MetricOptions`` (default: Average over 5 minutes)."""
        options: dict[str, Any] = {"statistic": "Average", "period": Duration.minutes(5), **props}
        return cw.Metric(
            namespace="AWS/CloudFront",
            metric_name=metric_name,
            dimensions_map={"DistributionId": self.distribution.distribution_id, "Region": "Global"},
            **options,
        )

    def metric5xx_error_rate(self, **props: Any) -> cw.Metric:
        """Percentage of viewer requests answered with a 5xx (what the ``ErrorRateAlarm`` watches)."""
        return self.metric("5xxErrorRate", **props)

    def metric4xx_error_rate(self, **props: Any) -> cw.Metric:
        """Percentage of viewer requests answered with a 4xx."""
        return self.metric("4xxErrorRate", **props)

    def metric_requests(self, **props: Any) -> cw.Metric:
        """Viewer requests (default: Sum over 5 minutes)."""
        return self.metric("Requests", **{"statistic": "Sum", **props})
