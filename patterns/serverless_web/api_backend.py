"""ApiBackend: API Gateway with a Cognito authorizer and validated Lambda writes to DynamoDB."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from .._core import (
    DEFAULT_LOG_RETENTION,
    Problems,
    acknowledge,
    alarm,
    is_token,
    log_group,
    nag_ref,
    python_function,
    renamed_arguments,
)
from .._core.arguments import DeployTimeList, checked_arguments
from .._core.names import claim_name
from .options import (
    AmazonLogin,
    AppleLogin,
    FacebookLogin,
    GoogleLogin,
    IdentityProvider,
    OidcLogin,
    TwitterLogin,
)
from .runtime.web_pages import BODY_MAX, ID_PATTERN, TITLE_MAX
from .static_site import RUNTIME_DIR, check_web_acl_arn

_DOMAIN_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_RESERVED_IN_PREFIX = ("aws", "amazon", "cognito")
TWITTER_PROVIDER = "api.twitter.com"
"""The key of X (Twitter) in an identity pool's supported logins and in a browser's ``Logins`` map."""
IAM_PATH = "iam"
"""Identity-pool callers reach the items under ``/iam/items/{id}`` (SigV4-signed, ``AWS_IAM``)."""


def _check_url(problems: Problems, argument: str, url: str, *, path_allowed: bool) -> None:
    """https URLs (http only for localhost, as Cognito allows), no fragment."""
    if is_token(url):
        return
    parsed = urlparse(url)
    local = parsed.hostname in ("localhost", "127.0.0.1")
    ok = (
        (parsed.scheme == "https" or (parsed.scheme == "http" and local))
        and bool(parsed.hostname)
        and not parsed.fragment
    )
    if ok and not path_allowed:
        ok = parsed.path in ("", "/") and not parsed.query
    problems.require(
        ok,
        argument,
        url,
        "must be an https URL (http only for localhost)"
        + ("" if path_allowed else " with no path, such as https://www.example.com"),
    )


class ApiBackend(Construct):
    """A REST API over a DynamoDB table, for signed-in users only.

    Cognito user pool (email sign-in, strong passwords, MFA, threat protection, hosted UI with the
    authorization code flow, optional Google / Apple / Facebook / Amazon / OIDC federation) authorizes
    every method; API Gateway validates requests against JSON-schema models, throttles, writes JSON
    access logs and traces with X-Ray; Lambda handlers validate each write again before it reaches the
    table (on demand, point-in-time recovery, encrypted, retained).

    Routes: ``GET /items/{id}`` and ``PUT /items/{id}`` (``{"title": ..., "body": ...}``).

    With ``twitter_login``, a Cognito identity pool federates X (Twitter) and the user pool; its
    authenticated role may only invoke ``GET``/``PUT /iam/items/{id}``, the same handlers behind
    ``AWS_IAM`` authorization (requests signed with SigV4 using the identity pool's credentials).
    """

    @staticmethod
    def check(
        problems: Problems,
        scope: Construct,
        *,
        domain_prefix: str,
        callback_urls: DeployTimeList = ("http://localhost:8080/callback",),
        logout_urls: DeployTimeList = (),
        cors_allowed_origins: Sequence[str] = (),
        mfa: cognito.Mfa = cognito.Mfa.OPTIONAL,
        identity_providers: Sequence[IdentityProvider] = (),
        twitter_login: TwitterLogin | None = None,
        throttling_rate_limit: float = 50,
        throttling_burst_limit: int = 100,
        web_acl_arn: str | None = None,
        latency_threshold: Duration = Duration.seconds(2),
        server_error_threshold: int = 5,
    ) -> None:
        """The value checks of the constructor's arguments, recorded on ``problems``; ``scope`` is where
        the API will be built. A composite (``ServerlessWebApp``) runs them up front with
        ``RenamedProblems`` so that its caller sees their own argument names."""

        if not is_token(domain_prefix):
            problems.require(
                isinstance(domain_prefix, str)
                and bool(_DOMAIN_PREFIX.match(domain_prefix))
                and not any(word in domain_prefix for word in _RESERVED_IN_PREFIX),
                "domain_prefix",
                domain_prefix,
                "must be 1-63 lower-case letters, digits and inner hyphens, without 'aws', 'amazon' or 'cognito'",
            )
        problems.require(
            len(callback_urls) > 0, "callback_urls", list(callback_urls), "at least one URL is required"
        )
        for url in callback_urls:
            _check_url(problems, "callback_urls", url, path_allowed=True)
        for url in logout_urls:
            _check_url(problems, "logout_urls", url, path_allowed=True)
        for origin in cors_allowed_origins:
            _check_url(problems, "cors_allowed_origins", origin, path_allowed=False)
        problems.one_of("mfa", mfa, [cognito.Mfa.OPTIONAL, cognito.Mfa.REQUIRED])
        seen: set[str] = set()
        for index, provider in enumerate(identity_providers):
            argument = f"identity_providers[{index}]"
            if not isinstance(provider, GoogleLogin | AppleLogin | FacebookLogin | AmazonLogin | OidcLogin):
                problems.add(
                    argument,
                    provider,
                    "must be GoogleLogin, AppleLogin, FacebookLogin, AmazonLogin or OidcLogin",
                )
                continue
            provider.check(problems, argument)
            key = provider.name.lower() if isinstance(provider, OidcLogin) else type(provider).__name__
            problems.require(key not in seen, argument, key, "is given twice")
            seen.add(key)
        if twitter_login is not None:
            if isinstance(twitter_login, TwitterLogin):
                twitter_login.check(problems, "twitter_login", scope=scope)
            else:
                problems.add(
                    "twitter_login",
                    twitter_login,
                    "must be a TwitterLogin(consumer_key=..., consumer_secret=SecretValue.secrets_manager(...))",
                )
        problems.at_least("throttling_rate_limit", throttling_rate_limit, 1)
        problems.at_least("throttling_burst_limit", throttling_burst_limit, 1)
        check_web_acl_arn(problems, "web_acl_arn", web_acl_arn, scope="regional")
        problems.at_least("latency_threshold (ms)", latency_threshold.to_milliseconds(), 1)
        problems.at_least("server_error_threshold", server_error_threshold, 1)

    @renamed_arguments("0.2.0", table_encryption_key="encryption_key")
    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        domain_prefix: str,
        callback_urls: DeployTimeList = ("http://localhost:8080/callback",),
        logout_urls: DeployTimeList = (),
        cors_allowed_origins: Sequence[str] = (),
        mfa: cognito.Mfa = cognito.Mfa.OPTIONAL,
        self_sign_up: bool = False,
        threat_protection: bool = True,
        identity_providers: Sequence[IdentityProvider] = (),
        twitter_login: TwitterLogin | None = None,
        encryption_key: kms.IKey | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        throttling_rate_limit: float = 50,
        throttling_burst_limit: int = 100,
        web_acl_arn: str | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        latency_threshold: Duration = Duration.seconds(2),
        server_error_threshold: int = 5,
        alarm_topic: sns.ITopic | None = None,
        execution_logging: bool = False,
    ) -> None:
        """
        :param domain_prefix: the hosted UI domain ``<prefix>.auth.<region>.amazoncognito.com``
            (globally unique; lower-case letters, digits, hyphens; no "aws", "amazon", "cognito").
        :param callback_urls: where the hosted UI may send the authorization code. Default
            ``http://localhost:8080/callback`` (local development only).
        :param logout_urls: where the hosted UI may redirect after sign-out. Default: none.
        :param cors_allowed_origins: browser origins (``https://www.example.com``) allowed to call the
            API. Default: none (no CORS preflight; same-origin or server-side callers only). With exactly
            one origin, API Gateway's own 4xx/5xx responses carry its CORS header too.
        :param mfa: ``Mfa.OPTIONAL`` or ``Mfa.REQUIRED`` (TOTP apps; no SMS). Default ``OPTIONAL``.
        :param self_sign_up: let visitors create their own accounts. Default ``False`` (administrators
            invite users).
        :param threat_protection: Cognito Plus tier with threat protection enforced (compromised
            credentials, adaptive authentication). Default ``True``; ``False`` uses the Essentials tier.
        :param identity_providers: federated sign-in (``GoogleLogin``, ``AppleLogin``,
            ``FacebookLogin``, ``AmazonLogin``, ``OidcLogin``). Default: user pool accounts only.
        :param twitter_login: sign in with X (Twitter): ``TwitterLogin(consumer_key, consumer_secret)``
            with the secret from Secrets Manager. Adds a Cognito identity pool (X and this user pool as
            providers, no unauthenticated identities) whose authenticated role may only invoke the
            ``AWS_IAM`` methods ``GET``/``PUT /iam/items/{id}``. Default: no identity pool, no
            ``/iam`` routes.
        :param encryption_key: customer-managed KMS key for the table. Default: AWS managed key.
        :param removal_policy: for the table, the user pool and the identity pool. Default: retained.
        :param throttling_rate_limit: steady requests per second for the whole stage. Default 50.
        :param throttling_burst_limit: burst size. Default 100.
        :param web_acl_arn: a REGIONAL WAFv2 web ACL for the API stage. Default: none.
        :param log_retention: retention of the access log and function log groups. Default one year.
        :param latency_threshold: p99 API latency that raises the latency alarm. Default 2 seconds.
        :param server_error_threshold: 5xx responses per 5 minutes that raise the error alarm. Default 5.
        :param alarm_topic: SNS topic for the alarms. Default: alarms without actions.
        :param execution_logging: API Gateway execution logs for every method (level ``INFO``, data
            tracing off: request and response bodies are not logged). Default ``False``: they need the
            account-level API Gateway CloudWatch role (``AWS::ApiGateway::Account``, one per account and
            region, which a library construct must not own), and a deploy into an account without it
            fails. Set ``True`` once the account has that role.
        """
        super().__init__(scope, id)
        problems = Problems("ApiBackend")
        ApiBackend.check(
            problems,
            self,
            domain_prefix=domain_prefix,
            callback_urls=callback_urls,
            logout_urls=logout_urls,
            cors_allowed_origins=cors_allowed_origins,
            mfa=mfa,
            identity_providers=identity_providers,
            twitter_login=twitter_login,
            throttling_rate_limit=throttling_rate_limit,
            throttling_burst_limit=throttling_burst_limit,
            web_acl_arn=web_acl_arn,
            latency_threshold=latency_threshold,
            server_error_threshold=server_error_threshold,
        )
        claim_name(problems, self, "Cognito domain prefix", "domain_prefix", domain_prefix)
        problems.raise_if_any()

        # --- data -------------------------------------------------------------------------------
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED
            if encryption_key
            else dynamodb.TableEncryption.AWS_MANAGED,
            encryption_key=encryption_key,
            removal_policy=removal_policy,
        )

        # --- identity ---------------------------------------------------------------------------
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            keep_original=cognito.KeepOriginalAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            self_sign_up_enabled=self_sign_up,
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=mfa,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS if threat_protection else cognito.FeaturePlan.ESSENTIALS,
            standard_threat_protection_mode=(
                cognito.StandardThreatProtectionMode.FULL_FUNCTION if threat_protection else None
            ),
            removal_policy=removal_policy,
        )
        pool_findings = {}
        if mfa == cognito.Mfa.OPTIONAL:
            pool_findings["AwsSolutions-COG2"] = (
                "MFA is OPTIONAL by the caller's choice (mfa=Mfa.OPTIONAL): users may enrol a TOTP app; "
                "pass mfa=Mfa.REQUIRED to enforce it."
            )
        if not threat_protection:
            pool_findings["AwsSolutions-COG8"] = (
                "threat_protection=False: the caller chose the Essentials tier to avoid the Plus tier's "
                "per-MAU price; compromised-credential checks are off."
            )
        if pool_findings:
            acknowledge(self.user_pool, pool_findings)
        self.identity_providers: list[cognito.IUserPoolIdentityProvider] = [
            self._identity_provider(provider) for provider in identity_providers
        ]
        self.user_pool_domain = self.user_pool.add_domain(
            "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix)
        )
        supported = [cognito.UserPoolClientIdentityProvider.COGNITO] + [
            _client_provider(provider) for provider in identity_providers
        ]
        self.user_pool_client = self.user_pool.add_client(
            "WebClient",
            generate_secret=False,  # a browser app cannot keep a secret; it uses PKCE
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callback_urls=list(callback_urls),
                logout_urls=list(logout_urls) or None,
            ),
            supported_identity_providers=supported,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        for created in self.identity_providers:
            self.user_pool_client.node.add_dependency(created)
        self.sign_in_url = self.user_pool_domain.base_url() + "/login"

        # --- functions --------------------------------------------------------------------------
        environment = {"TABLE_NAME": self.table.table_name}
        if cors_allowed_origins:
            environment["ALLOWED_ORIGINS"] = ",".join(cors_allowed_origins)
        self.read_function = python_function(
            self,
            "ReadItem",
            code_dir=RUNTIME_DIR,
            handler="api.get_item",
            description="GET /items/{id}: reads one item",
            environment=environment,
            log_retention=log_retention,
        )
        self.write_function = python_function(
            self,
            "WriteItem",
            code_dir=RUNTIME_DIR,
            handler="api.put_item",
            description="PUT /items/{id}: validates and stores one item, expires its page",
            environment=environment,
            log_retention=log_retention,
        )
        self.table.grant_read_data(self.read_function)
        self.table.grant(self.write_function, "dynamodb:PutItem")
        if self.table.encryption_key is not None:
            # Table.grant (unlike grant_write_data) leaves the customer-managed key out: without this,
            # every PutItem on a table encrypted with encryption_key fails with AccessDenied.
            self.table.encryption_key.grant_encrypt_decrypt(self.write_function)
            acknowledge(
                self.write_function.role,
                {
                    "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]": "DynamoDB encrypts the item "
                    "with the table's customer-managed key on the writer's behalf (scoped to that key).",
                    "AwsSolutions-IAM5[Action::kms:ReEncrypt*]": "Part of the encrypt/decrypt grant on the "
                    "table's customer-managed key that DynamoDB writes need (scoped to that key).",
                },
            )

        # --- API --------------------------------------------------------------------------------
        self.access_log_group = log_group(self, "AccessLogs", retention=log_retention)
        self.api = apigw.RestApi(
            self,
            "Api",
            description="Items API for signed-in users",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.INFO if execution_logging else None,
                data_trace_enabled=False if execution_logging else None,
                throttling_rate_limit=throttling_rate_limit,
                throttling_burst_limit=throttling_burst_limit,
                access_log_destination=apigw.LogGroupLogDestination(self.access_log_group),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=list(cors_allowed_origins),
                allow_methods=["GET", "PUT", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"]
                + (["X-Amz-Date", "X-Amz-Security-Token"] if twitter_login else []),
                max_age=Duration.hours(1),
            )
            if cors_allowed_origins
            else None,
        )
        if len(cors_allowed_origins) == 1:
            # API Gateway's own errors (validation, authorizer, throttling) skip the handlers: give them
            # the CORS header too, or browsers report a CORS failure instead of the 400/401/429.
            origin = f"'{cors_allowed_origins[0]}'"
            for response_type, name in (
                (apigw.ResponseType.DEFAULT_4_XX, "Default4xx"),
                (apigw.ResponseType.DEFAULT_5_XX, "Default5xx"),
            ):
                self.api.add_gateway_response(
                    name,
                    type=response_type,
                    response_headers={"Access-Control-Allow-Origin": origin, "Vary": "'Origin'"},
                )
        stage = self.api.deployment_stage
        stage_findings = (
            {}
            if execution_logging
            else {
                "AwsSolutions-APIG6": (
                    "Execution logging needs the account-wide API Gateway CloudWatch role (a per-account "
                    "singleton this construct must not own); JSON access logs record every request. "
                    "execution_logging=True turns it on."
                ),
            }
        )
        if web_acl_arn is not None:
            wafv2.CfnWebACLAssociation(self, "WebAcl", resource_arn=stage.stage_arn, web_acl_arn=web_acl_arn)
        else:
            stage_findings["AwsSolutions-APIG3"] = (
                "No web ACL was passed (web_acl_arn); every method needs a Cognito token and the stage "
                "is throttled. Attach the REGIONAL ACL of the security baseline in production."
            )
        acknowledge(stage, stage_findings)

        self.authorizer = apigw.CognitoUserPoolsAuthorizer(
            self, "Authorizer", cognito_user_pools=[self.user_pool]
        )
        self.validator = self.api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        self.item_model = self.api.add_model(
            "ItemModel",
            content_type="application/json",
            model_name="Item",
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title="Item",
                type=apigw.JsonSchemaType.OBJECT,
                required=["title"],
                additional_properties=False,
                properties={
                    "title": apigw.JsonSchema(
                        type=apigw.JsonSchemaType.STRING, min_length=1, max_length=TITLE_MAX
                    ),
                    "body": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING, max_length=BODY_MAX),
                },
            ),
        )
        item = self.api.root.add_resource("items").add_resource("{id}")
        common: dict[str, Any] = dict(
            authorizer=self.authorizer,
            authorization_type=apigw.AuthorizationType.COGNITO,
            request_validator=self.validator,
            request_parameters={"method.request.path.id": True},
        )
        item.add_method("GET", apigw.LambdaIntegration(self.read_function), **common)
        item.add_method(
            "PUT",
            apigw.LambdaIntegration(self.write_function),
            request_models={"application/json": self.item_model},
            **common,
        )
        self.id_pattern = ID_PATTERN.pattern

        # --- X (Twitter) through an identity pool ----------------------------------------------
        self.twitter_login = twitter_login
        self.identity_pool: cognito.CfnIdentityPool | None = None
        self.identity_pool_id: str | None = None
        self.authenticated_role: iam.Role | None = None
        self.iam_methods: list[apigw.Method] = []
        if twitter_login is not None:
            self._federate_twitter(twitter_login, removal_policy)

        # --- alarms -----------------------------------------------------------------------------
        five = Duration.minutes(5)
        self.alarms: list[cw.Alarm] = [
            alarm(
                self,
                "ServerErrorsAlarm",
                metric=self.metric_server_error(),
                threshold=server_error_threshold,
                description=f"{self.node.path}: at least {server_error_threshold} API 5xx responses in 5 minutes",
                topic=alarm_topic,
            ),
            alarm(
                self,
                "LatencyAlarm",
                metric=self.metric_latency(),
                threshold=latency_threshold.to_milliseconds(),
                evaluation_periods=3,
                datapoints_to_alarm=2,
                description=f"{self.node.path}: API p99 latency at least {latency_threshold.to_milliseconds()} ms",
                topic=alarm_topic,
            ),
            alarm(
                self,
                "TableThrottlesAlarm",
                metric=cw.MathExpression(
                    expression="reads + writes",
                    using_metrics={
                        "reads": self.table.metric("ReadThrottleEvents", period=five, statistic="Sum"),
                        "writes": self.table.metric("WriteThrottleEvents", period=five, statistic="Sum"),
                    },
                    label="Throttle events",
                    period=five,
                ),
                threshold=1,
                description=f"{self.node.path}: DynamoDB throttled requests",
                topic=alarm_topic,
            ),
        ]
        for name, function in (("Read", self.read_function), ("Write", self.write_function)):
            for metric_name in ("Errors", "Throttles"):
                self.alarms.append(
                    alarm(
                        self,
                        f"{name}{metric_name}Alarm",
                        metric=function.metric(metric_name, statistic="Sum", period=five),
                        threshold=1,
                        description=f"{self.node.path}: {name.lower()} function {metric_name.lower()}",
                        topic=alarm_topic,
                    )
                )
        self.alarm_topic = alarm_topic

    def expire_pages_in(self, bucket: s3.IBucket, *, prefix: str = "pages/") -> None:
        """After each write, delete the item's rendered page ``<prefix><id>`` from ``bucket`` so that
        the next request renders it again (used by ``ServerlessWebApp``)."""
        self.write_function.add_environment("PAGES_BUCKET", bucket.bucket_name)
        self.write_function.add_environment("PAGES_PREFIX", prefix)
        self.write_function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["s3:DeleteObject"],
                resources=[bucket.arn_for_objects(f"{prefix}*")],
            )
        )
        acknowledge(
            self.write_function.role,
            {
                f"AwsSolutions-IAM5[Resource::{nag_ref(bucket)}/{prefix}*]": "The write handler deletes the rendered page of the item it changed; item ids are data.",
            },
        )

    def _federate_twitter(self, login: TwitterLogin, removal_policy: RemovalPolicy) -> None:
        """The identity pool (X and this user pool), its authenticated role, and the AWS_IAM routes
        that role may invoke: ``GET``/``PUT /iam/items/{id}``, the same handlers and validation."""
        # The L1 pool, not aws_cognito_identitypool.IdentityPool: the L2 always creates and attaches an
        # unauthenticated role, which a pool without unauthenticated identities must not carry.
        self.identity_pool = cognito.CfnIdentityPool(
            self,
            "IdentityPool",
            allow_unauthenticated_identities=False,
            allow_classic_flow=False,
            # "<consumer key>;<consumer secret>": the secret stays a {{resolve:secretsmanager:...}}
            # dynamic reference (checked in the constructor), resolved by CloudFormation at deploy time.
            supported_login_providers={
                TWITTER_PROVIDER: f"{login.consumer_key};{login.consumer_secret.unsafe_unwrap()}"
            },
            cognito_identity_providers=[
                cognito.CfnIdentityPool.CognitoIdentityProviderProperty(
                    client_id=self.user_pool_client.user_pool_client_id,
                    provider_name=self.user_pool.user_pool_provider_name,
                    server_side_token_check=True,
                )
            ],
        )
        self.identity_pool.apply_removal_policy(removal_policy)
        self.identity_pool_id = self.identity_pool.ref

        resource = self.api.root.add_resource(IAM_PATH).add_resource("items").add_resource("{id}")
        common: dict[str, Any] = dict(
            authorization_type=apigw.AuthorizationType.IAM,
            request_validator=self.validator,
            request_parameters={"method.request.path.id": True},
        )
        self.iam_methods = [
            resource.add_method("GET", apigw.LambdaIntegration(self.read_function), **common),
            resource.add_method(
                "PUT",
                apigw.LambdaIntegration(self.write_function),
                request_models={"application/json": self.item_model},
                **common,
            ),
        ]
        for method in self.iam_methods:
            acknowledge(
                method,
                {
                    "AwsSolutions-COG4": "Identity-pool callers (X sign-in) sign with SigV4: AWS_IAM "
                    "authorization; only the identity pool's authenticated role may invoke this method.",
                },
            )

        self.authenticated_role = iam.Role(
            self,
            "AuthenticatedRole",
            description=f"Signed-in identities of {self.node.path}: may call the /{IAM_PATH} API methods only",
            assumed_by=iam.FederatedPrincipal(
                "cognito-identity.amazonaws.com",
                conditions={
                    "StringEquals": {"cognito-identity.amazonaws.com:aud": self.identity_pool.ref},
                    "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
                },
                assume_role_action="sts:AssumeRoleWithWebIdentity",
            ),
            max_session_duration=Duration.hours(1),
        )
        self.authenticated_role.add_to_policy(
            iam.PolicyStatement(
                actions=["execute-api:Invoke"],
                resources=[method.method_arn for method in self.iam_methods],
            )
        )
        acknowledge(
            self.authenticated_role,
            {
                f"AwsSolutions-IAM5[Resource::{_as_nag_prints(self, method.method_arn)}]": (
                    f"'*' is the {{id}} path parameter of {method.http_method} /{IAM_PATH}/items/{{id}}: "
                    "the role may invoke that one method for any item id, and nothing else."
                )
                for method in self.iam_methods
            },
        )
        cognito.CfnIdentityPoolRoleAttachment(
            self,
            "IdentityPoolRoles",
            identity_pool_id=self.identity_pool.ref,
            roles={"authenticated": self.authenticated_role.role_arn},
        )

    def _identity_provider(self, provider: IdentityProvider) -> cognito.IUserPoolIdentityProvider:
        pool = self.user_pool
        if isinstance(provider, GoogleLogin):
            return cognito.UserPoolIdentityProviderGoogle(
                self,
                "Google",
                user_pool=pool,
                client_id=provider.client_id,
                client_secret_value=provider.client_secret,
                scopes=list(provider.scopes),
                attribute_mapping=cognito.AttributeMapping(email=cognito.ProviderAttribute.GOOGLE_EMAIL),
            )
        if isinstance(provider, AppleLogin):
            return cognito.UserPoolIdentityProviderApple(
                self,
                "Apple",
                user_pool=pool,
                client_id=provider.client_id,
                team_id=provider.team_id,
                key_id=provider.key_id,
                private_key_value=provider.private_key,
                scopes=list(provider.scopes),
                attribute_mapping=cognito.AttributeMapping(email=cognito.ProviderAttribute.APPLE_EMAIL),
            )
        # Facebook, Amazon and OIDC take the secret as a string: unwrap the SecretValue into its token
        # (a {{resolve:secretsmanager:...}} dynamic reference when it comes from Secrets Manager).
        if isinstance(provider, FacebookLogin):
            return cognito.UserPoolIdentityProviderFacebook(
                self,
                "Facebook",
                user_pool=pool,
                client_id=provider.client_id,
                client_secret=provider.client_secret.unsafe_unwrap(),
                scopes=list(provider.scopes),
                attribute_mapping=cognito.AttributeMapping(email=cognito.ProviderAttribute.FACEBOOK_EMAIL),
            )
        if isinstance(provider, AmazonLogin):
            return cognito.UserPoolIdentityProviderAmazon(
                self,
                "Amazon",
                user_pool=pool,
                client_id=provider.client_id,
                client_secret=provider.client_secret.unsafe_unwrap(),
                scopes=list(provider.scopes),
                attribute_mapping=cognito.AttributeMapping(email=cognito.ProviderAttribute.AMAZON_EMAIL),
            )
        return cognito.UserPoolIdentityProviderOidc(
            self,
            f"Oidc{provider.name}",
            user_pool=pool,
            name=provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret.unsafe_unwrap(),
            issuer_url=provider.issuer_url,
            scopes=list(provider.scopes),
            attribute_mapping=cognito.AttributeMapping(email=cognito.ProviderAttribute.other("email")),
        )

    # --- what aws-cdk-lib users reach for: grants and metrics ---------------------------------------
    def grant_read_data(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the items table (and decrypt with its key, if it has one of its own)."""
        return self.table.grant_read_data(grantee)

    def grant_write_data(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` write items to the table."""
        return self.table.grant_write_data(grantee)

    def grant_read_write_data(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read and write items of the table."""
        return self.table.grant_read_write_data(grantee)

    def metric_server_error(self, **props: Any) -> cw.Metric:
        """API 5xx responses (``AWS/ApiGateway`` ``5XXError``; default: Sum over 5 minutes), what the
        ``ServerErrorsAlarm`` watches. ``props`` are ``cloudwatch.MetricOptions``."""
        return self.api.metric_server_error(**{"statistic": "Sum", "period": Duration.minutes(5), **props})

    def metric_client_error(self, **props: Any) -> cw.Metric:
        """API 4xx responses (``4XXError``; default: Sum over 5 minutes)."""
        return self.api.metric_client_error(**{"statistic": "Sum", "period": Duration.minutes(5), **props})

    def metric_latency(self, **props: Any) -> cw.Metric:
        """API latency in ms (``Latency``; default: p99 over 5 minutes), what the ``LatencyAlarm`` watches."""
        return self.api.metric_latency(**{"statistic": "p99", "period": Duration.minutes(5), **props})

    def metric_count(self, **props: Any) -> cw.Metric:
        """API requests (``Count``; default: Sum over 5 minutes)."""
        return self.api.metric_count(**{"statistic": "Sum", "period": Duration.minutes(5), **props})


def _as_nag_prints(scope: Construct, value: str) -> str:
    """``value`` (an ARN with tokens) the way cdk-nag prints it inside a finding id: literals as they
    are, ``Ref`` as ``<Id>``, ``Fn::GetAtt`` as ``<Id.Attr>`` (so that the acknowledgment matches in
    any environment, region-agnostic or not)."""
    resolved = Stack.of(scope).resolve(value)
    parts = resolved["Fn::Join"][1] if isinstance(resolved, dict) else [resolved]
    printed = []
    for part in parts:
        if isinstance(part, str):
            printed.append(part)
        elif "Ref" in part:
            printed.append(f"<{part['Ref']}>")
        else:
            printed.append(f"<{'.'.join(part['Fn::GetAtt'])}>")
    return "".join(printed)


def _client_provider(provider: IdentityProvider) -> cognito.UserPoolClientIdentityProvider:
    if isinstance(provider, GoogleLogin):
        return cognito.UserPoolClientIdentityProvider.GOOGLE
    if isinstance(provider, AppleLogin):
        return cognito.UserPoolClientIdentityProvider.APPLE
    if isinstance(provider, FacebookLogin):
        return cognito.UserPoolClientIdentityProvider.FACEBOOK
    if isinstance(provider, AmazonLogin):
        return cognito.UserPoolClientIdentityProvider.AMAZON
    return cognito.UserPoolClientIdentityProvider.custom(provider.name)
