"""Serverless web: StaticSite, ApiBackend, ServerlessWebApp and the example stack (defaults, options, errors)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Environment, RemovalPolicy, SecretValue, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from patterns.serverless_web import (
    AmazonLogin,
    ApiBackend,
    AppleLogin,
    FacebookLogin,
    GoogleLogin,
    OidcLogin,
    ServerlessWebApp,
    SiteDomain,
    StaticSite,
)
from stacks import context, feature_flags
from stacks.serverless_web import ServerlessWebAlarmsStack, ServerlessWebEdgeStack, ServerlessWebStack
from tests.conftest import new_stack, template_of
from tests.support import env

DOMAIN = SiteDomain(
    domain_name="www.example.com", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
)
GLOBAL_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/0123abcd-0000-1111-2222-333344445555"
REGIONAL_ACL = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/0123abcd-0000-1111-2222-333344445555"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0000-1111-2222-333344445555"
SECRET = SecretValue.secrets_manager("idp/secret")


def distribution_config(template: Template) -> dict[str, Any]:
    (distribution,) = template.find_resources("AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def table_of(stack: Stack) -> dynamodb.Table:
    return dynamodb.Table(
        stack, "Items", partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
    )


# --------------------------------------------------------------------------------------------------
# StaticSite
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_site() -> tuple[StaticSite, Template]:
    stack = new_stack()
    site = StaticSite(stack, "Site")
    return site, template_of(stack)


@pytest.fixture(scope="module")
def full_site() -> tuple[StaticSite, Template]:
    stack = new_stack()
    site = StaticSite(
        stack,
        "Site",
        domain=DOMAIN,
        web_acl_arn=GLOBAL_ACL,
        allowed_countries=["DE", "AT"],
        encryption_key=kms.Key(stack, "Key", enable_key_rotation=True),
        removal_policy=RemovalPolicy.DESTROY,
        not_found_page=None,
        render_table=table_of(stack),
        alarm_topic=sns.Topic(stack, "Topic"),
    )
    return site, template_of(stack)


class TestStaticSiteDefaults:
    def test_private_bucket_through_origin_access_control_with_list(self, default_site) -> None:
        site, template = default_site
        template.has_resource_properties(
            "AWS::CloudFront::OriginAccessControl",
            {
                "OriginAccessControlConfig": {
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                },
            },
        )
        # ListBucket for the CloudFront service principal makes S3 answer 404, not 403.
        template.has_resource_properties(
            "AWS::S3::BucketPolicy",
            {
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Action": ["s3:GetObject", "s3:ListBucket"],
                                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                                    "Condition": {"StringEquals": {"AWS:SourceArn": Match.any_value()}},
                                }
                            )
                        ]
                    )
                },
            },
        )
        template.has_resource(
            "AWS::S3::Bucket",
            {
                "DeletionPolicy": "Retain",
                "Properties": {
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "LoggingConfiguration": {"LogFilePrefix": "Content/"},
                },
            },
        )
        assert site.renderer is None and site.certificate is None and site.records == []

    def test_https_only_http2_and_3_ipv6_root_object_and_not_found_page(self, default_site) -> None:
        _, template = default_site
        config = distribution_config(template)
        assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
        assert config["DefaultCacheBehavior"]["AllowedMethods"] == ["GET", "HEAD"]
        assert config["HttpVersion"] == "http2and3" and config["IPV6Enabled"] is True
        assert config["DefaultRootObject"] == "index.html"
        assert config["PriceClass"] == "PriceClass_100"
        assert config["CustomErrorResponses"] == [
            {"ErrorCode": 404, "ResponseCode": 404, "ResponsePagePath": "/404.html", "ErrorCachingMinTTL": 10}
        ]
        assert "CacheBehaviors" not in config and "OriginGroups" not in config
        assert "WebACLId" not in config and "Aliases" not in config

    def test_security_headers_policy(self, default_site) -> None:
        _, template = default_site
        template.has_resource_properties(
            "AWS::CloudFront::ResponseHeadersPolicy",
            {
                "ResponseHeadersPolicyConfig": {
                    "SecurityHeadersConfig": {
                        "ContentSecurityPolicy": {
                            "ContentSecurityPolicy": Match.string_like_regexp("default-src 'self'"),
                            "Override": True,
                        },
                        "ContentTypeOptions": {"Override": True},
                        "FrameOptions": {"FrameOption": "DENY", "Override": True},
                        "StrictTransportSecurity": {
                            "AccessControlMaxAgeSec": 63072000,
                            "IncludeSubdomains": True,
                            "Override": True,
                        },
                        "ReferrerPolicy": {
                            "ReferrerPolicy": "strict-origin-when-cross-origin",
                            "Override": True,
                        },
                    }
                },
            },
        )
        (policy_id,) = template.find_resources("AWS::CloudFront::ResponseHeadersPolicy")
        assert distribution_config(template)["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {
            "Ref": policy_id
        }

    def test_access_logs_to_an_acl_enabled_encrypted_retained_bucket(self, default_site) -> None:
        site, template = default_site
        logging = distribution_config(template)["Logging"]
        assert logging["Prefix"] == "cloudfront/"
        assert logging["Bucket"] == {
            "Fn::GetAtt": [
                Stack.of(site).get_logical_id(site.log_bucket.node.default_child),
                "RegionalDomainName",
            ]
        }
        template.has_resource(
            "AWS::S3::Bucket",
            {
                "DeletionPolicy": "Retain",
                "Properties": {
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "ObjectWriter"}]},
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                        ]
                    },
                    "LifecycleConfiguration": {"Rules": [Match.object_like({"ExpirationInDays": 365})]},
                    "PublicAccessBlockConfiguration": Match.object_like({"BlockPublicPolicy": True}),
                },
            },
        )
        template.has_resource_properties(
            "AWS::S3::BucketPolicy",
            {
                "Bucket": {"Ref": Stack.of(site).get_logical_id(site.log_bucket.node.default_child)},
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Deny",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            )
                        ]
                    )
                },
            },
        )

    def test_cloudfront_error_rate_alarm_uses_global_metrics(self, default_site) -> None:
        site, template = default_site
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/CloudFront",
                "MetricName": "5xxErrorRate",
                "Threshold": 5,
                "Dimensions": Match.array_with([{"Name": "Region", "Value": "Global"}]),
                "AlarmActions": Match.absent(),
            },
        )
        assert len(site.alarms) == 1

    def test_default_certificate_has_no_tls_settings_it_cannot_honour(self, default_site) -> None:
        _, template = default_site
        assert "ViewerCertificate" not in distribution_config(template)
        template.resource_count_is("AWS::CertificateManager::Certificate", 0)
        template.resource_count_is("AWS::Route53::RecordSet", 0)


class TestStaticSiteOptions:
    def test_domain_gets_dns_validated_certificate_tls12_and_alias_records(self, full_site) -> None:
        site, template = full_site
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
        config = distribution_config(template)
        assert config["Aliases"] == ["www.example.com"]
        assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
        assert config["ViewerCertificate"]["SslSupportMethod"] == "sni-only"
        for record_type in ("A", "AAAA"):
            template.has_resource_properties(
                "AWS::Route53::RecordSet",
                {
                    "Name": "www.example.com.",
                    "Type": record_type,
                    "HostedZoneId": "Z0123456789ABCDEFGHIJ",
                    "AliasTarget": Match.object_like({"HostedZoneId": Match.any_value()}),
                },
            )
        assert site.url == "https://www.example.com"

    def test_waf_geo_restriction_and_no_error_page(self, full_site) -> None:
        _, template = full_site
        config = distribution_config(template)
        assert config["WebACLId"] == GLOBAL_ACL
        assert config["Restrictions"] == {
            "GeoRestriction": {"Locations": ["DE", "AT"], "RestrictionType": "whitelist"}
        }
        assert "CustomErrorResponses" not in config

    def test_kms_bucket_and_removal_policy(self, full_site) -> None:
        _, template = full_site
        template.has_resource(
            "AWS::S3::Bucket",
            {
                "DeletionPolicy": "Delete",
                "Properties": {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            Match.object_like(
                                {
                                    "ServerSideEncryptionByDefault": {
                                        "SSEAlgorithm": "aws:kms",
                                        "KMSMasterKeyID": Match.any_value(),
                                    },
                                }
                            )
                        ]
                    }
                },
            },
        )

    def test_render_paths_use_origin_group_without_edge_cache(self, full_site) -> None:
        _, template = full_site
        config = distribution_config(template)
        (group,) = config["OriginGroups"]["Items"]
        assert group["FailoverCriteria"]["StatusCodes"] == {"Items": [403, 404], "Quantity": 2}
        primary, fallback = (member["OriginId"] for member in group["Members"]["Items"])
        origins = {origin["Id"]: origin for origin in config["Origins"]}
        assert "S3OriginConfig" in origins[primary]
        assert origins[fallback]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
        assert "OriginAccessControlId" in origins[fallback]
        (behavior,) = config["CacheBehaviors"]
        assert behavior["PathPattern"] == "/pages/*" and behavior["TargetOriginId"] == group["Id"]
        assert behavior["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
        assert behavior["AllowedMethods"] == ["GET", "HEAD"]
        assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"

    def test_renderer_url_only_for_this_distribution(self, full_site) -> None:
        _, template = full_site
        template.has_resource_properties("AWS::Lambda::Url", {"AuthType": "AWS_IAM"})
        template.has_resource_properties(
            "AWS::CloudFront::OriginAccessControl",
            {
                "OriginAccessControlConfig": Match.object_like({"OriginAccessControlOriginType": "lambda"}),
            },
        )
        for action in ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"):
            template.has_resource_properties(
                "AWS::Lambda::Permission",
                {
                    "Action": action,
                    "Principal": "cloudfront.amazonaws.com",
                    "SourceArn": {"Fn::Join": ["", Match.array_with([":distribution/"])]},
                },
            )

    def test_renderer_reads_table_and_only_puts_pages(self, full_site) -> None:
        site, template = full_site
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": "renderer.handler",
                "TracingConfig": {"Mode": "Active"},
                "Environment": {
                    "Variables": {
                        "PAGES_PREFIX": "pages/",
                        "TABLE_NAME": Match.any_value(),
                        "PAGES_BUCKET": Match.any_value(),
                    }
                },
            },
        )
        policies = template.find_resources("AWS::IAM::Policy")
        statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
        put = [s for s in statements if s["Action"] == "s3:PutObject"]
        assert len(put) == 1 and put[0]["Resource"]["Fn::Join"][1][-1] == "/pages/*"
        assert any("dynamodb:GetItem" in s["Action"] for s in statements)
        assert not any("s3:Abort*" in s["Action"] or "s3:DeleteObject*" in s["Action"] for s in statements)
        assert site.renderer is not None and site.renderer_url is not None

    def test_alarms_go_to_topic(self, full_site) -> None:
        site, template = full_site
        assert len(site.alarms) == 3  # 5xx rate, renderer errors, renderer throttles
        alarms = template.find_resources("AWS::CloudWatch::Alarm")
        assert len(alarms) == 3 and all(a["Properties"]["AlarmActions"] for a in alarms.values())
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "Throttles", "Namespace": "AWS/Lambda"}
        )

    def test_render_from_only_once(self, full_site) -> None:
        site, _ = full_site
        with pytest.raises(ValueError, match="render_from may be called once"):
            site.render_from(site.renderer)  # type: ignore[arg-type]

    def test_existing_certificate_and_bucket_and_other_region(self) -> None:
        app = App(context=feature_flags())
        stack = Stack(app, "EuSite", env=Environment(region="eu-west-1"))
        bucket = s3.Bucket(stack, "Mine")
        site = StaticSite(stack, "Site", bucket=bucket, domain=DOMAIN, certificate_arn=CERT)
        template = template_of(stack)
        assert site.bucket is bucket
        template.resource_count_is("AWS::CertificateManager::Certificate", 0)
        assert distribution_config(template)["ViewerCertificate"]["AcmCertificateArn"] == CERT
        # CloudFront metrics exist only in us-east-1: no 5xx alarm from a stack in another region.
        template.resource_count_is("AWS::CloudWatch::Alarm", 0)
        template.resource_count_is(
            "AWS::S3::Bucket", 3
        )  # mine, the CloudFront log bucket, the server access log bucket


class TestStaticSiteErrors:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"domain": SiteDomain("not a domain", "Z0123456789ABCDEFGHIJ", "example.com")},
                r"domain\.domain_name='not a domain'",
            ),
            (
                {"domain": SiteDomain("www.other.org", "Z0123456789ABCDEFGHIJ", "example.com")},
                "not inside the hosted zone",
            ),
            ({"domain": SiteDomain("www.example.com", "zone-1", "example.com")}, "hosted_zone_id='zone-1'"),
            (
                {"domain": SiteDomain("www.example.com", "Z0123456789ABCDEFGHIJ", "-bad-.com")},
                r"domain\.zone_name",
            ),
            ({"certificate_arn": CERT}, "a certificate needs a domain"),
            (
                {"domain": DOMAIN, "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc"},
                "only uses certificates from us-east-1",
            ),
            ({"domain": DOMAIN, "certificate_arn": "my-cert"}, "not an ACM certificate ARN"),
            (
                {"web_acl_arn": REGIONAL_ACL},
                "has REGIONAL scope; this resource needs a web ACL of scope CLOUDFRONT",
            ),
            ({"web_acl_arn": "my-acl"}, "not a WAFv2 web ACL ARN"),
            ({"encryption_key": "KEY"}, "bucket=.*cannot be combined with encryption_key"),
            ({"removal_policy": RemovalPolicy.DESTROY}, "bucket=.*cannot be combined with removal_policy"),
            ({"default_root_object": "/index.html"}, "default_root_object='/index.html'"),
            ({"not_found_page": "404.html"}, "not_found_page='404.html': must start with '/'"),
            ({"allowed_countries": ["Germany"]}, "two-letter ISO 3166"),
            ({"render_path_pattern": "pages"}, "render_path_pattern='pages'"),
            ({"content_security_policy": " "}, "content_security_policy"),
            ({"error_rate_threshold_percent": 0}, "error_rate_threshold_percent=0"),
        ],
    )
    def test_bad_input(self, kwargs: dict[str, Any], message: str) -> None:
        stack = new_stack()
        if "encryption_key" in kwargs or "removal_policy" in kwargs:
            kwargs = {**kwargs, "bucket": s3.Bucket.from_bucket_name(stack, "Existing", "existing-bucket")}
            if kwargs.get("encryption_key") == "KEY":
                kwargs["encryption_key"] = kms.Key(stack, "Key")
        with pytest.raises(ValueError, match=message):
            StaticSite(stack, "Site", **kwargs)

    def test_certificate_region_checked_when_region_is_concrete(self) -> None:
        with pytest.raises(ValueError, match="certificate in us-east-1, but this stack is in eu-west-1"):
            StaticSite(new_stack(region="eu-west-1"), "Site", domain=DOMAIN)

    def test_every_problem_in_one_error(self) -> None:
        with pytest.raises(ValueError) as raised:
            StaticSite(
                new_stack(), "Site", certificate_arn=CERT, web_acl_arn=REGIONAL_ACL, not_found_page="x"
            )
        assert str(raised.value).count("\n  - ") == 3


# --------------------------------------------------------------------------------------------------
# ApiBackend
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_api() -> tuple[ApiBackend, Template]:
    stack = new_stack()
    api = ApiBackend(stack, "Api", domain_prefix="my-app")
    return api, template_of(stack)


PROVIDERS = (
    GoogleLogin(client_id="google-id", client_secret=SECRET),
    AppleLogin(client_id="com.example.web", team_id="ABCDE12345", key_id="KEY1234567", private_key=SECRET),
    FacebookLogin(client_id="fb-id", client_secret=SECRET),
    AmazonLogin(client_id="amzn-id", client_secret=SECRET),
    OidcLogin(
        name="Corporate",
        client_id="oidc-id",
        client_secret=SECRET,
        issuer_url="https://login.example.com/tenant",
    ),
)


@pytest.fixture(scope="module")
def full_api() -> tuple[ApiBackend, Template]:
    stack = new_stack()
    api = ApiBackend(
        stack,
        "Api",
        domain_prefix="my-app",
        callback_urls=["https://www.example.com/callback"],
        logout_urls=["https://www.example.com/"],
        cors_allowed_origins=["https://www.example.com"],
        mfa=cognito.Mfa.REQUIRED,
        self_sign_up=True,
        threat_protection=False,
        identity_providers=PROVIDERS,
        encryption_key=kms.Key(stack, "Key", enable_key_rotation=True),
        removal_policy=RemovalPolicy.DESTROY,
        throttling_rate_limit=10,
        throttling_burst_limit=20,
        web_acl_arn=REGIONAL_ACL,
        alarm_topic=sns.Topic(stack, "Topic"),
    )
    api.expire_pages_in(s3.Bucket(stack, "Pages"))
    return api, template_of(stack)


class TestApiBackendDefaults:
    def test_table_on_demand_pitr_encrypted_retained(self, default_api) -> None:
        _, template = default_api
        template.has_resource(
            "AWS::DynamoDB::Table",
            {
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                    "SSESpecification": {"SSEEnabled": True},
                },
            },
        )

    def test_user_pool_email_password_mfa_threat_protection(self, default_api) -> None:
        _, template = default_api
        template.has_resource(
            "AWS::Cognito::UserPool",
            {
                "DeletionPolicy": "Retain",
                "Properties": {
                    "UsernameAttributes": ["email"],
                    "AutoVerifiedAttributes": ["email"],
                    "MfaConfiguration": "OPTIONAL",
                    "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
                    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                    "Policies": {
                        "PasswordPolicy": {
                            "MinimumLength": 12,
                            "RequireLowercase": True,
                            "RequireUppercase": True,
                            "RequireNumbers": True,
                            "RequireSymbols": True,
                            "TemporaryPasswordValidityDays": 3,
                        }
                    },
                    "UserPoolTier": "PLUS",
                    "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
                    "AccountRecoverySetting": {
                        "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]
                    },
                },
            },
        )

    def test_public_client_with_code_flow_and_hosted_ui(self, default_api) -> None:
        api, template = default_api
        template.has_resource_properties(
            "AWS::Cognito::UserPoolClient",
            {
                "GenerateSecret": False,
                "AllowedOAuthFlows": ["code"],
                "AllowedOAuthScopes": ["openid", "email", "profile"],
                "CallbackURLs": ["http://localhost:8080/callback"],
                "SupportedIdentityProviders": ["COGNITO"],
                "PreventUserExistenceErrors": "ENABLED",
                "LogoutURLs": Match.absent(),
            },
        )
        template.has_resource_properties("AWS::Cognito::UserPoolDomain", {"Domain": "my-app"})
        template.resource_count_is("AWS::Cognito::UserPoolIdentityProvider", 0)
        assert api.identity_providers == []

    def test_every_method_needs_a_cognito_token_and_validates(self, default_api) -> None:
        _, template = default_api
        methods = template.find_resources("AWS::ApiGateway::Method")
        assert sorted(m["Properties"]["HttpMethod"] for m in methods.values()) == [
            "GET",
            "PUT",
        ]  # no CORS preflight
        for method in methods.values():
            props = method["Properties"]
            assert props["AuthorizationType"] == "COGNITO_USER_POOLS"
            assert "RequestValidatorId" in props
            assert props["RequestParameters"] == {"method.request.path.id": True}
        (put,) = [m for m in methods.values() if m["Properties"]["HttpMethod"] == "PUT"]
        (model_id,) = template.find_resources("AWS::ApiGateway::Model")
        assert put["Properties"]["RequestModels"] == {"application/json": {"Ref": model_id}}
        template.has_resource_properties("AWS::ApiGateway::Authorizer", {"Type": "COGNITO_USER_POOLS"})
        template.has_resource_properties(
            "AWS::ApiGateway::RequestValidator",
            {
                "ValidateRequestBody": True,
                "ValidateRequestParameters": True,
            },
        )

    def test_json_schema_model(self, default_api) -> None:
        _, template = default_api
        template.has_resource_properties(
            "AWS::ApiGateway::Model",
            {
                "ContentType": "application/json",
                "Schema": {
                    "$schema": "http://json-schema.org/draft-04/schema#",
                    "type": "object",
                    "required": ["title"],
                    "additionalProperties": False,
                    "properties": {
                        "title": {"type": "string", "minLength": 1, "maxLength": 200},
                        "body": {"type": "string", "maxLength": 10000},
                    },
                },
            },
        )

    def test_stage_throttling_access_logs_and_tracing(self, default_api) -> None:
        _, template = default_api
        template.has_resource_properties(
            "AWS::ApiGateway::Stage",
            {
                "StageName": "v1",
                "TracingEnabled": True,
                "AccessLogSetting": {
                    "DestinationArn": Match.any_value(),
                    "Format": Match.string_like_regexp("requestId"),
                },
                "MethodSettings": [
                    Match.object_like(
                        {
                            "HttpMethod": "*",
                            "ResourcePath": "/*",
                            "ThrottlingRateLimit": 50,
                            "ThrottlingBurstLimit": 100,
                        }
                    )
                ],
            },
        )
        template.has_resource(
            "AWS::Logs::LogGroup", {"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 365}}
        )
        template.resource_count_is("AWS::WAFv2::WebACLAssociation", 0)

    def test_handlers_least_privilege(self, default_api) -> None:
        _, template = default_api
        template.has_resource_properties("AWS::Lambda::Function", {"Handler": "api.get_item"})
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": "api.put_item",
                "Environment": {"Variables": {"TABLE_NAME": Match.any_value()}},
            },
        )
        policies = template.find_resources("AWS::IAM::Policy")
        statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
        writes = [s for s in statements if "dynamodb:PutItem" in s["Action"]]
        assert len(writes) == 1 and writes[0]["Action"] == "dynamodb:PutItem"

    def test_alarms(self, default_api) -> None:
        api, template = default_api
        assert len(api.alarms) == 7
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"MetricName": "5XXError", "Namespace": "AWS/ApiGateway", "Threshold": 5},
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "Latency", "ExtendedStatistic": "p99", "Threshold": 2000}
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"Metrics": Match.array_with([Match.object_like({"Expression": "reads + writes"})])},
        )


class TestApiBackendOptions:
    def test_identity_providers(self, full_api) -> None:
        api, template = full_api
        for provider_type in ("Google", "SignInWithApple", "Facebook", "LoginWithAmazon", "OIDC"):
            template.has_resource_properties(
                "AWS::Cognito::UserPoolIdentityProvider", {"ProviderType": provider_type}
            )
        template.has_resource_properties(
            "AWS::Cognito::UserPoolIdentityProvider",
            {
                "ProviderName": "Corporate",
                "ProviderDetails": Match.object_like(
                    {
                        "oidc_issuer": "https://login.example.com/tenant",
                        "client_secret": "{{resolve:secretsmanager:idp/secret:SecretString:::}}",
                    }
                ),
            },
        )
        client = next(iter(template.find_resources("AWS::Cognito::UserPoolClient").values()))
        assert sorted(client["Properties"]["SupportedIdentityProviders"]) == sorted(
            ["COGNITO", "Google", "SignInWithApple", "Facebook", "LoginWithAmazon", "Corporate"]
        )
        assert len(client["DependsOn"]) == 5
        assert len(api.identity_providers) == 5

    def test_mfa_required_essentials_self_sign_up(self, full_api) -> None:
        _, template = full_api
        template.has_resource(
            "AWS::Cognito::UserPool",
            {
                "DeletionPolicy": "Delete",
                "Properties": Match.object_like(
                    {
                        "MfaConfiguration": "ON",
                        "UserPoolTier": "ESSENTIALS",
                        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
                        "UserPoolAddOns": Match.absent(),
                    }
                ),
            },
        )

    def test_cors_kms_throttling_and_waf(self, full_api) -> None:
        _, template = full_api
        template.has_resource_properties(
            "AWS::ApiGateway::Method",
            {
                "HttpMethod": "OPTIONS",
                "AuthorizationType": "NONE",
                "Integration": Match.object_like(
                    {
                        "IntegrationResponses": [
                            Match.object_like(
                                {
                                    "ResponseParameters": Match.object_like(
                                        {
                                            "method.response.header.Access-Control-Allow-Origin": "'https://www.example.com'"
                                        }
                                    )
                                }
                            )
                        ]
                    }
                ),
            },
        )
        template.has_resource(
            "AWS::DynamoDB::Table",
            {
                "DeletionPolicy": "Delete",
                "Properties": Match.object_like(
                    {
                        "SSESpecification": {
                            "SSEEnabled": True,
                            "SSEType": "KMS",
                            "KMSMasterKeyId": Match.any_value(),
                        }
                    }
                ),
            },
        )
        template.has_resource_properties(
            "AWS::ApiGateway::Stage",
            {"MethodSettings": [Match.object_like({"ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20})]},
        )
        template.has_resource_properties("AWS::WAFv2::WebACLAssociation", {"WebACLArn": REGIONAL_ACL})
        template.has_resource_properties(
            "AWS::Cognito::UserPoolClient",
            {
                "CallbackURLs": ["https://www.example.com/callback"],
                "LogoutURLs": ["https://www.example.com/"],
            },
        )

    def test_write_handler_expires_pages(self, full_api) -> None:
        _, template = full_api
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": "api.put_item",
                "Environment": {
                    "Variables": {
                        "PAGES_BUCKET": Match.any_value(),
                        "PAGES_PREFIX": "pages/",
                        "ALLOWED_ORIGINS": "https://www.example.com",
                        "TABLE_NAME": Match.any_value(),
                    }
                },
            },
        )
        policies = template.find_resources("AWS::IAM::Policy")
        statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
        deletes = [s for s in statements if s["Action"] == "s3:DeleteObject"]
        assert len(deletes) == 1 and deletes[0]["Resource"]["Fn::Join"][1][-1] == "/pages/*"

    def test_alarms_to_topic(self, full_api) -> None:
        _, template = full_api
        alarms = template.find_resources("AWS::CloudWatch::Alarm")
        assert len(alarms) == 7 and all(a["Properties"]["AlarmActions"] for a in alarms.values())


class TestApiBackendErrors:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"domain_prefix": "My App"}, "domain_prefix='My App'"),
            ({"domain_prefix": "my-cognito-app"}, "without 'aws', 'amazon' or 'cognito'"),
            ({"callback_urls": []}, "at least one URL"),
            ({"callback_urls": ["http://www.example.com/cb"]}, "must be an https URL"),
            ({"logout_urls": ["ftp://x"]}, "logout_urls='ftp://x'"),
            ({"cors_allowed_origins": ["https://www.example.com/app"]}, "with no path"),
            ({"mfa": cognito.Mfa.OFF}, "mfa="),
            (
                {"identity_providers": [GoogleLogin(client_id="", client_secret=SECRET)]},
                r"identity_providers\[0\]\.client_id='': must be a non-empty",
            ),
            (
                {"identity_providers": [GoogleLogin(client_id="id", client_secret="plain")]},
                "must be an aws_cdk.SecretValue",
            ),  # type: ignore[arg-type]
            ({"identity_providers": [FacebookLogin(client_id=" ", client_secret=SECRET)]}, "non-empty"),
            (
                {"identity_providers": [AmazonLogin(client_id="id", client_secret=SECRET, scopes=("a b",))]},
                "without spaces",
            ),
            (
                {
                    "identity_providers": [
                        AppleLogin(client_id="id", team_id="team", key_id="KEY1234567", private_key=SECRET)
                    ]
                },
                r"team_id='team'",
            ),
            (
                {
                    "identity_providers": [
                        OidcLogin(
                            name="Corp",
                            client_id="id",
                            client_secret=SECRET,
                            issuer_url="http://idp.example.com",
                        )
                    ]
                },
                "must be an https URL",
            ),
            (
                {
                    "identity_providers": [
                        OidcLogin(name="Corp", client_id="id", client_secret=SECRET, issuer_url="not a url")
                    ]
                },
                "issuer_url='not a url'",
            ),
            (
                {
                    "identity_providers": [
                        OidcLogin(
                            name="Google",
                            client_id="id",
                            client_secret=SECRET,
                            issuer_url="https://x.example",
                        )
                    ]
                },
                "not a built-in provider name",
            ),
            (
                {
                    "identity_providers": [
                        OidcLogin(
                            name="Corp",
                            client_id="id",
                            client_secret=SECRET,
                            issuer_url="https://x.example",
                            scopes=("email",),
                        )
                    ]
                },
                "must include 'openid'",
            ),
            ({"identity_providers": [GoogleLogin("a", SECRET), GoogleLogin("b", SECRET)]}, "is given twice"),
            ({"identity_providers": ["google"]}, "must be GoogleLogin"),
            (
                {"web_acl_arn": GLOBAL_ACL},
                "has GLOBAL scope; this resource needs a web ACL of scope REGIONAL",
            ),
            ({"throttling_rate_limit": 0}, "throttling_rate_limit=0"),
            ({"server_error_threshold": 0}, "server_error_threshold=0"),
        ],
    )
    def test_bad_input(self, kwargs: dict[str, Any], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            ApiBackend(new_stack(), "Api", **{"domain_prefix": "my-app", **kwargs})

    def test_every_problem_in_one_error(self) -> None:
        with pytest.raises(ValueError) as raised:
            ApiBackend(
                new_stack(),
                "Api",
                domain_prefix="AWS",
                callback_urls=["http://x.example"],
                identity_providers=[
                    OidcLogin(name="x", client_id="", client_secret="s", issuer_url="http://a")
                ],
            )  # type: ignore[arg-type]
        assert str(raised.value).count("\n  - ") == 6


# --------------------------------------------------------------------------------------------------
# ServerlessWebApp and the example stack
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_stack_template(example_templates) -> dict[str, Any]:
    """The example stack, synthesized once per session (nag and cfn-lint are checked in tests/stacks)."""
    return example_templates["CdpServerlessWeb"]


class TestServerlessWebApp:
    def test_site_renders_from_the_api_table_and_api_trusts_the_site(self, example_stack_template) -> None:
        template = Template.from_json(example_stack_template)
        (table_id,) = template.find_resources("AWS::DynamoDB::Table")
        (distribution_id,) = template.find_resources("AWS::CloudFront::Distribution")
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": "renderer.handler",
                "Environment": {"Variables": Match.object_like({"TABLE_NAME": {"Ref": table_id}})},
            },
        )
        site_url = {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": "api.put_item",
                "Environment": {
                    "Variables": Match.object_like({"ALLOWED_ORIGINS": site_url, "PAGES_PREFIX": "pages/"})
                },
            },
        )
        template.has_resource_properties(
            "AWS::Cognito::UserPoolClient",
            {
                "CallbackURLs": [
                    {
                        "Fn::Join": [
                            "",
                            ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}, "/callback"],
                        ]
                    }
                ]
            },
        )
        template.has_resource_properties(
            "AWS::CloudFront::ResponseHeadersPolicy",
            {
                "ResponseHeadersPolicyConfig": {
                    "SecurityHeadersConfig": Match.object_like(
                        {
                            "ContentSecurityPolicy": {
                                "Override": True,
                                "ContentSecurityPolicy": Match.string_like_regexp(
                                    r"connect-src 'self' https://\*\.execute-api\.us-east-1\.amazonaws\.com https://\*\.amazoncognito\.com"
                                ),
                            }
                        }
                    )
                }
            },
        )

    def test_every_alarm_goes_to_the_topic(self, example_stack_template) -> None:
        template = Template.from_json(example_stack_template)
        alarms = template.find_resources("AWS::CloudWatch::Alarm")
        # 9 of the app; the 5xx alarm and the web ACL's are in the us-east-1 companions (tests/stacks/test_regions.py)
        assert len(alarms) == 9
        (topic_id,) = template.find_resources("AWS::SNS::Topic")
        assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic_id}] for a in alarms.values())

    def test_no_custom_domain_by_default(self, example_stack_template) -> None:
        template = Template.from_json(example_stack_template)
        template.resource_count_is("AWS::CertificateManager::Certificate", 0)
        template.resource_count_is("AWS::Route53::RecordSet", 0)
        template.has_resource_properties(
            "AWS::Cognito::UserPoolDomain",
            {"Domain": {"Fn::Join": ["", ["cdp-web-", {"Ref": "AWS::AccountId"}]]}},
        )

    def test_domain_from_context(self) -> None:
        app = App(
            context={
                **feature_flags(),
                "web_domain": "www.example.com",
                "web_zone_id": "Z0123456789ABCDEFGHIJ",
                "web_zone_name": "example.com",
                "auth_domain_prefix": "example-web",
            }
        )
        edge = ServerlessWebEdgeStack(app, "Edge", env=env())
        alarms = ServerlessWebAlarmsStack(app, "Alarms", edge=edge, env=env())
        stack = ServerlessWebStack(app, "Web", edge=edge, alarms=alarms, env=env())
        assert stack.app.site.url == "https://www.example.com"
        assert isinstance(stack.app, ServerlessWebApp)
        with pytest.raises(ValueError, match=r"^-c web_domain needs -c web_zone_id and -c web_zone_name$"):
            context.validate(App(context={**feature_flags(), "web_domain": "www.example.com"}))


def test_gateway_errors_carry_the_cors_header_of_a_single_origin(example_templates) -> None:
    """Validation, authorizer and throttling errors never reach the handlers; without the header a
    browser shows a CORS failure instead of the 400/401/429."""
    template = Template.from_json(example_templates["CdpServerlessWeb"])
    responses = template.find_resources("AWS::ApiGateway::GatewayResponse")
    assert sorted(r["Properties"]["ResponseType"] for r in responses.values()) == [
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    ]
    for response in responses.values():
        headers = response["Properties"]["ResponseParameters"]
        assert "https://" in json.dumps(headers["gatewayresponse.header.Access-Control-Allow-Origin"])
