"""ServerlessWebApp: a static site that renders pages on first request, and its signed-in API."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from .._core import Problems
from .._core.arguments import checked_arguments
from .._core.composite import RenamedProblems
from .._core.names import claim_name
from .api_backend import ApiBackend
from .edge import CloudFrontAlarms, CloudFrontEdge
from .options import IdentityProvider, SiteDomain, TwitterLogin
from .static_site import DEFAULT_CONTENT_SECURITY_POLICY, StaticSite

SITE_ARGUMENTS = {
    "domain": "domain",
    "certificate_arn": "certificate_arn",
    "web_acl_arn": "web_acl_arn",
    "edge": "edge",
}
"""``StaticSite``'s argument -> this construct's argument of the same value."""
API_ARGUMENTS = {
    "domain_prefix": "auth_domain_prefix",
    "mfa": "mfa",
    "identity_providers": "identity_providers",
    "twitter_login": "twitter_login",
    "web_acl_arn": "api_web_acl_arn",
}
"""``ApiBackend``'s argument -> this construct's argument of the same value."""


class ServerlessWebApp(Construct):
    """``StaticSite`` + ``ApiBackend``, wired together.

    The site renders ``/pages/<id>`` from the API's table on first request; the API's write handler
    deletes the rendered page after each change so that the next request renders it again. The
    browser app signs in through the hosted UI (callback ``<site>/callback``), calls the API with the
    token (CORS allows the site's origin, the CSP allows the API and Cognito), and never touches
    DynamoDB itself.
    """

    def _check(
        self,
        *,
        auth_domain_prefix: str,
        domain: SiteDomain | None,
        certificate_arn: str | None,
        web_acl_arn: str | None,
        api_web_acl_arn: str | None,
        mfa: cognito.Mfa,
        identity_providers: Sequence[IdentityProvider],
        twitter_login: TwitterLogin | None,
        edge: CloudFrontEdge | None,
    ) -> None:
        """Every problem of the site's and the API's arguments at once, under this construct's names,
        before either is built."""
        problems = Problems("ServerlessWebApp")
        StaticSite.check(
            RenamedProblems(problems, SITE_ARGUMENTS),
            self,
            domain=domain,
            certificate_arn=certificate_arn,
            web_acl_arn=web_acl_arn,
            edge=edge,
        )
        ApiBackend.check(
            RenamedProblems(problems, API_ARGUMENTS),
            self,
            domain_prefix=auth_domain_prefix,
            mfa=mfa,
            identity_providers=identity_providers,
            twitter_login=twitter_login,
            web_acl_arn=api_web_acl_arn,
        )
        claim_name(problems, self, "Cognito domain prefix", "auth_domain_prefix", auth_domain_prefix)
        problems.raise_if_any()

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        auth_domain_prefix: str,
        domain: SiteDomain | None = None,
        certificate_arn: str | None = None,
        web_acl_arn: str | None = None,
        api_web_acl_arn: str | None = None,
        mfa: cognito.Mfa = cognito.Mfa.OPTIONAL,
        self_sign_up: bool = False,
        threat_protection: bool = True,
        identity_providers: Sequence[IdentityProvider] = (),
        twitter_login: TwitterLogin | None = None,
        table_encryption_key: kms.IKey | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        alarm_topic: sns.ITopic | None = None,
        edge: CloudFrontEdge | None = None,
        cloudfront_alarms: CloudFrontAlarms | None = None,
        execution_logging: bool = False,
    ) -> None:
        """
        :param auth_domain_prefix: the hosted UI domain prefix (globally unique).
        :param domain: the site's custom domain. Default: the ``*.cloudfront.net`` name.
        :param certificate_arn: an existing us-east-1 certificate for ``domain``. Default: a new
            DNS-validated one when ``domain`` is given.
        :param web_acl_arn: CLOUDFRONT-scope web ACL for the site. Default: none.
        :param api_web_acl_arn: REGIONAL web ACL for the API stage. Default: none.
        :param mfa: ``Mfa.OPTIONAL`` or ``Mfa.REQUIRED``. Default ``OPTIONAL``.
        :param self_sign_up: visitors may create accounts. Default ``False``.
        :param threat_protection: Cognito Plus tier with threat protection. Default ``True``.
        :param identity_providers: federated sign-in providers. Default: none.
        :param twitter_login: X (Twitter) sign-in through a Cognito identity pool (see ``ApiBackend``).
            Default: none.
        :param table_encryption_key: customer-managed key for the table. Default: AWS managed key.
        :param removal_policy: for the buckets, the table and the user pool. Default: retained.
        :param alarm_topic: SNS topic for every alarm. Default: alarms without actions.
        :param edge: a ``CloudFrontEdge`` (us-east-1) giving the site its web ACL and certificate, so
            this stack may be in any region. Default: none (see ``StaticSite``).
        :param cloudfront_alarms: a ``CloudFrontAlarms`` (us-east-1) that builds the site's 5xx alarm.
            Default: built here in us-east-1; elsewhere none, with a warning (see ``StaticSite``).
        :param execution_logging: the API's execution logs (INFO, no data tracing; see ``ApiBackend``).
            Default ``False``: they need the account-level API Gateway CloudWatch role.
        """
        super().__init__(scope, id)
        self._check(
            auth_domain_prefix=auth_domain_prefix,
            domain=domain,
            certificate_arn=certificate_arn,
            web_acl_arn=web_acl_arn,
            api_web_acl_arn=api_web_acl_arn,
            mfa=mfa,
            identity_providers=identity_providers,
            twitter_login=twitter_login,
            edge=edge,
        )
        region = Stack.of(self).region
        csp = (
            f"{DEFAULT_CONTENT_SECURITY_POLICY}; connect-src 'self' "
            f"https://*.execute-api.{region}.amazonaws.com https://*.amazoncognito.com"
        ) + (f" https://cognito-identity.{region}.amazonaws.com" if twitter_login is not None else "")
        self.site = StaticSite(
            self,
            "Site",
            domain=domain,
            certificate_arn=certificate_arn,
            web_acl_arn=web_acl_arn,
            content_security_policy=csp,
            removal_policy=removal_policy,
            alarm_topic=alarm_topic,
            edge=edge,
            cloudfront_alarms=cloudfront_alarms,
        )
        self.api = ApiBackend(
            self,
            "Api",
            domain_prefix=auth_domain_prefix,
            callback_urls=[f"{self.site.url}/callback"],
            logout_urls=[f"{self.site.url}/"],
            cors_allowed_origins=[self.site.url],
            mfa=mfa,
            self_sign_up=self_sign_up,
            threat_protection=threat_protection,
            identity_providers=identity_providers,
            twitter_login=twitter_login,
            encryption_key=table_encryption_key,
            removal_policy=removal_policy,
            web_acl_arn=api_web_acl_arn,
            alarm_topic=alarm_topic,
            execution_logging=execution_logging,
        )
        self.site.render_from(self.api.table)
        self.api.expire_pages_in(self.site.bucket, prefix=self.site.render_prefix)
        self.alarms = [*self.site.alarms, *self.api.alarms]
