"""Example stack: the serverless web app (static site rendered on first request + Cognito-protected API)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from patterns.security import EdgeProtection
from patterns.serverless_web import ServerlessWebApp, SiteDomain

from . import context


class ServerlessWebStack(Stack):
    """Deploy in us-east-1 (CloudFront certificates and metrics live there).

    Context keys (all optional):

    - ``web_domain`` and ``web_zone_id`` and ``web_zone_name``: a custom domain in a Route 53 public
      hosted zone (all three, or none). Default: none, the site answers on ``*.cloudfront.net``.
    - ``web_certificate_arn``: an existing us-east-1 certificate for ``web_domain``. Default: a new
      DNS-validated certificate.
    - ``web_acl_arn``: an existing CLOUDFRONT-scope WAF web ACL. Default: a new one from
      ``patterns.security.EdgeProtection`` (managed rules, rate limit, full logging) in this stack.
    - ``auth_domain_prefix``: the Cognito hosted UI prefix. Default ``cdp-web-<account id>`` (unique
      per account).
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.alarm_topic = sns.Topic(self, "Alarms", enforce_ssl=True)
        domain_name = context.text(self, "web_domain", "")
        domain = (
            SiteDomain(
                domain_name=domain_name,
                hosted_zone_id=context.text(self, "web_zone_id", ""),
                zone_name=context.text(self, "web_zone_name", ""),
            )
            if domain_name
            else None
        )
        web_acl_arn = context.text(self, "web_acl_arn", "") or None
        if web_acl_arn is None:
            self.edge = EdgeProtection(self, "Edge", scope_type="CLOUDFRONT", alarm_topic=self.alarm_topic)
            web_acl_arn = self.edge.web_acl_arn
        self.app = ServerlessWebApp(
            self,
            "Web",
            auth_domain_prefix=context.text(self, "auth_domain_prefix", f"cdp-web-{Aws.ACCOUNT_ID}"),
            domain=domain,
            certificate_arn=context.text(self, "web_certificate_arn", "") or None,
            web_acl_arn=web_acl_arn,
            alarm_topic=self.alarm_topic,
        )
        CfnOutput(self, "SiteUrl", value=self.app.site.url)
        CfnOutput(self, "ApiUrl", value=self.app.api.api.url)
        CfnOutput(self, "SignInUrl", value=self.app.api.sign_in_url)
        CfnOutput(self, "UserPoolClientId", value=self.app.api.user_pool_client.user_pool_client_id)
        CfnOutput(self, "ContentBucket", value=self.app.site.bucket.bucket_name)
