"""Example stack: the serverless web app (static site rendered on first request + Cognito-protected API),
with its CloudFront-scoped pieces in two us-east-1 companion stacks.

``-c region=`` moves ``CdpServerlessWeb`` (bucket, table, API, user pool, renderer) to any commercial
region. CloudFront's web ACL, certificate and metrics exist in us-east-1 only, so:

- ``CdpServerlessWebEdge`` (us-east-1, deployed first): the CLOUDFRONT web ACL, the custom domain's
  certificate and an alarm topic for what lives in us-east-1;
- ``CdpServerlessWeb`` (the chosen region): the app, using the edge's web ACL and certificate through
  CDK's cross-region references;
- ``CdpServerlessWebAlarms`` (us-east-1, deployed after the app): the distribution's 5xx alarm.

The companions stay separate stacks in us-east-1 too: the same three stacks and the same wiring in
every region (the default synthesis tests the arrangement that eu-west-1 uses), and moving the app to
another region later replaces nothing in us-east-1.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aws_cdk import Aws, CfnOutput, RemovalPolicy, SecretValue, Stack
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from patterns._core import acknowledge, alarm_topic, encrypt_log_groups, service_key
from patterns.serverless_web import (
    CloudFrontAlarms,
    CloudFrontEdge,
    ServerlessWebApp,
    SiteDomain,
    TwitterLogin,
)

from . import context

CLOUDFRONT_REGION = "us-east-1"


def site_domain(scope: Construct) -> SiteDomain | None:
    """``-c web_domain``, ``-c web_zone_id`` and ``-c web_zone_name`` (all three, or none)."""
    domain_name = context.text(scope, "web_domain", "")
    if not domain_name:
        return None
    return SiteDomain(
        domain_name=domain_name,
        hosted_zone_id=context.text(scope, "web_zone_id", ""),
        zone_name=context.text(scope, "web_zone_name", ""),
    )


class ServerlessWebEdgeStack(Stack):
    """us-east-1: the site's CLOUDFRONT web ACL and certificate. Context keys (all optional):

    - ``web_domain`` and ``web_zone_id`` and ``web_zone_name``: a custom domain in a Route 53 public
      hosted zone (all three, or none). Default: none, the site answers on ``*.cloudfront.net``.
    - ``web_certificate_arn``: an existing us-east-1 certificate for ``web_domain``. Default: a new
      DNS-validated certificate.
    - ``web_acl_arn``: an existing CLOUDFRONT-scope WAF web ACL. Default: a new one from
      ``patterns.security.EdgeProtection`` (managed rules, rate limit, full logging).
    """

    REGION = CLOUDFRONT_REGION

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        self.edge = CloudFrontEdge(
            self,
            "Edge",
            domain=site_domain(self),
            certificate_arn=context.text(self, "web_certificate_arn", "") or None,
            web_acl_arn=context.text(self, "web_acl_arn", "") or None,
            alarm_topic=self.alarm_topic,
        )
        CfnOutput(
            self,
            "AlarmTopicArn",
            value=self.alarm_topic.topic_arn,
            description="Subscribe to it: the alarms on the web ACL and on CloudFront (us-east-1)",
        )
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now


class ServerlessWebAlarmsStack(Stack):
    """us-east-1, deployed after ``CdpServerlessWeb``: the CloudFront 5xx alarm (to the edge's topic)."""

    REGION = CLOUDFRONT_REGION
    COMPANIONS: ClassVar[dict[str, str]] = {"edge": "CdpServerlessWebEdge"}

    def __init__(self, scope: Construct, id: str, *, edge: ServerlessWebEdgeStack, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.alarms = CloudFrontAlarms(self, "CloudFront", alarm_topic=edge.alarm_topic)


class ServerlessWebStack(Stack):
    """The app in the chosen region (see the module docstring for its us-east-1 companions).

    Context keys (all optional): the domain keys of ``ServerlessWebEdgeStack``, and
    ``auth_domain_prefix``: the Cognito hosted UI prefix. Default ``cdp-web-<account id>`` (unique per
    account).

    - ``twitter``: sign-in with X (Twitter) through a Cognito identity pool. Default on; ``false`` leaves
      out the identity pool and the ``/iam`` routes.
    - ``twitter_consumer_key``: the X app's consumer key (API key). Default ``x-consumer-key-not-set``, a
      placeholder: the stack deploys, sign-in with X fails until the real key is passed.
    - ``twitter_secret_name``: an existing Secrets Manager secret whose value is the X app's consumer
      secret. Default: the stack creates ``XConsumerSecret`` (a generated placeholder, retained) for you
      to fill in, so that a first ``cdk deploy`` needs no secret to exist beforehand.
    """

    COMPANIONS: ClassVar[dict[str, str]] = {
        "edge": "CdpServerlessWebEdge",
        "alarms": "CdpServerlessWebAlarms",
    }

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        edge: ServerlessWebEdgeStack,
        alarms: ServerlessWebAlarmsStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        self.edge = edge.edge
        self.app = ServerlessWebApp(
            self,
            "Web",
            auth_domain_prefix=context.text(self, "auth_domain_prefix", f"cdp-web-{Aws.ACCOUNT_ID}"),
            domain=site_domain(self),
            edge=edge.edge,
            cloudfront_alarms=alarms.alarms,
            twitter_login=_x_sign_in(self),
            alarm_topic=self.alarm_topic,
        )
        CfnOutput(self, "SiteUrl", value=self.app.site.url)
        CfnOutput(self, "ApiUrl", value=self.app.api.api.url)
        CfnOutput(self, "SignInUrl", value=self.app.api.sign_in_url)
        CfnOutput(self, "UserPoolClientId", value=self.app.api.user_pool_client.user_pool_client_id)
        CfnOutput(self, "ContentBucket", value=self.app.site.bucket.bucket_name)
        if self.app.api.identity_pool_id is not None:
            CfnOutput(self, "IdentityPoolId", value=self.app.api.identity_pool_id)
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now


def _x_sign_in(stack: Stack) -> TwitterLogin | None:
    """Sign-in with X from context (see the stack's docstring), or None with ``-c twitter=false``."""
    if not context.flag(stack, "twitter", default=True):
        return None
    secret_name = context.text(stack, "twitter_secret_name", "")
    if secret_name:
        consumer_secret = SecretValue.secrets_manager(secret_name)
    else:
        secret = secretsmanager.Secret(
            stack,
            "XConsumerSecret",
            description="Consumer secret (API key secret) of the X app for sign-in with X: replace the placeholder",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=50
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            secret,
            {
                "AwsSolutions-SMG4": "X issues the consumer secret: it is regenerated in X's developer "
                "portal and pasted here, not rotated by a Lambda function.",
            },
        )
        CfnOutput(stack, "XConsumerSecretArn", value=secret.secret_arn)
        consumer_secret = secret.secret_value
    return TwitterLogin(
        consumer_key=context.text(stack, "twitter_consumer_key", "x-consumer-key-not-set"),
        consumer_secret=consumer_secret,
    )
