"""EdgeProtection: a WAFv2 web ACL with IP sets, AWS managed rules, a rate limit, full logging and alarms."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from aws_cdk import ArnFormat, Duration, Names, Stack, Token
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_logs as logs
from aws_cdk import aws_shield as shield
from aws_cdk import aws_sns as sns
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from .._core import DEFAULT_LOG_RETENTION, Problems, alarm, is_token, log_group
from .._core.arguments import checked_arguments

MANAGED_RULE_GROUPS: tuple[str, ...] = (
    "AWSManagedRulesCommonRuleSet",  # OWASP-style baseline (700 WCU)
    "AWSManagedRulesSQLiRuleSet",  # SQL injection (200 WCU)
    "AWSManagedRulesKnownBadInputsRuleSet",  # Log4j, Java deserialization, ... (200 WCU)
    "AWSManagedRulesAmazonIpReputationList",  # Amazon threat intelligence (25 WCU)
)
"""AWS managed rule groups applied by default, in evaluation order (1,125 WCU together)."""

ANONYMOUS_IP_RULE_GROUP = "AWSManagedRulesAnonymousIpList"
"""Blocks VPNs, Tor exit nodes, proxies and hosting providers (50 WCU): ``block_anonymous_ips=True``."""
ADMIN_PROTECTION_RULE_GROUP = "AWSManagedRulesAdminProtectionRuleSet"
"""Blocks external access to exposed admin pages (100 WCU): ``admin_protection=True``."""

DEFAULT_RATE_LIMIT = 2000
"""Requests per client IP per evaluation window above which the IP is blocked, by default."""
MIN_RATE_LIMIT = 10
"""WAF's minimum rate-based limit per evaluation window (was 100 until August 2024; the
``AWS::WAFv2::WebACL`` schema's ``RateLimit`` has ``minimum: 10``, ``maximum: 2000000000``)."""
MAX_RATE_LIMIT = 2_000_000_000
RATE_WINDOWS = (60, 120, 300, 600)
"""Evaluation windows (seconds) that ``RateBasedStatement.EvaluationWindowSec`` accepts."""

REDACTED_HEADERS = ("authorization", "cookie")
"""Headers replaced by ``REDACTED`` in every log record: credentials and session tokens."""

# Services whose resources a REGIONAL web ACL can protect, with a fragment every such ARN contains.
_ASSOCIABLE = {
    "elasticloadbalancing": ":loadbalancer/app/",
    "apigateway": "/restapis/",
    "appsync": ":apis/",
    "cognito-idp": ":userpool/",
    "apprunner": ":service/",
    "ec2": ":verified-access-instance/",
    "amplify": ":apps/",
}


def _check_associable(problems: Problems, argument: str, arn: str) -> None:
    if is_token(arn):
        return
    parts = arn.split(":", 5)
    service = parts[2] if len(parts) == 6 and parts[0] == "arn" else None
    fragment = _ASSOCIABLE.get(service or "")
    if fragment is None or fragment not in arn:
        problems.add(
            argument,
            arn,
            "must be the ARN of an Application Load Balancer, an API Gateway REST API "
            "stage, an AppSync API, a Cognito user pool, an App Runner service, a Verified Access "
            "instance or an Amplify app",
        )
    elif service == "apigateway" and "/stages/" not in arn:
        problems.add(argument, arn, "an API Gateway ARN must name a stage (.../restapis/<id>/stages/<stage>)")


class EdgeProtection(Construct):
    """A WAFv2 web ACL in front of CloudFront (scope ``CLOUDFRONT``) or a regional resource (``REGIONAL``).

    Rules, in evaluation order: the IP allow set (allow, skips the rest), the IP block set (block),
    a rate limit per client IP (block), then the AWS managed rule groups (common, SQL injection, known
    bad inputs, IP reputation). Every request is logged to a CloudWatch Logs group named
    ``aws-waf-logs-...`` with the ``authorization`` and ``cookie`` headers redacted: all blocked
    requests are kept, not the console's sample of 100. An alarm fires on a spike of blocked requests.
    Hand ``web_acl_arn`` to a CloudFront distribution, or ``associate()`` an ALB or API Gateway stage.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        scope_type: str = "REGIONAL",
        allowed_cidrs: Sequence[str] = (),
        blocked_cidrs: Sequence[str] = (),
        managed_rule_groups: Sequence[str] = MANAGED_RULE_GROUPS,
        managed_rules_count_only: bool = False,
        block_anonymous_ips: bool = False,
        admin_protection: bool = False,
        rate_limit: int = DEFAULT_RATE_LIMIT,
        rate_limit_window: Duration = Duration.minutes(5),
        log_allowed_requests: bool = True,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        associated_resource_arns: Sequence[str] = (),
        shield_advanced_resource_arns: Sequence[str] = (),
        blocked_requests_alarm_threshold: int = 1000,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param scope_type: ``REGIONAL`` (ALB, API Gateway, ...; in the stack's region) or ``CLOUDFRONT``
            (the stack must be in us-east-1). Default ``REGIONAL``.
        :param allowed_cidrs: IPv4/IPv6 CIDR blocks always allowed (evaluated first; they skip every other
            rule, including the rate limit). Default none: no allow rule.
        :param blocked_cidrs: IPv4/IPv6 CIDR blocks always blocked. Default none: no block rule.
        :param managed_rule_groups: AWS managed rule group names (vendor ``AWS``). Default
            ``MANAGED_RULE_GROUPS``: common, SQL injection, known bad inputs, Amazon IP reputation.
        :param managed_rules_count_only: run the managed rule groups in count mode (observe before
            enforcing). Default ``False``: they block.
        :param block_anonymous_ips: add ``AWSManagedRulesAnonymousIpList`` (VPNs, Tor, proxies, hosting
            providers) after the managed rule groups. Default ``False``: it also blocks legitimate users
            behind corporate VPNs.
        :param admin_protection: add ``AWSManagedRulesAdminProtectionRuleSet`` (external access to admin
            paths such as ``/admin``). Default ``False``: many sites have no admin paths.
        :param rate_limit: requests per client IP per ``rate_limit_window`` above which the IP is blocked
            (at least 10). Default 2,000 per 5 minutes.
        :param rate_limit_window: 1, 2, 5 or 10 minutes. Default 5 minutes.
        :param log_allowed_requests: log allowed requests too. Default ``True``: every request is logged;
            ``False`` keeps blocked, counted, CAPTCHA and challenge requests only (cheaper).
        :param log_retention: retention of the ``aws-waf-logs-`` log group (retained on stack deletion).
            Default one year.
        :param associated_resource_arns: regional resources (ALB, API Gateway stage, ...) to protect.
            Default none (use ``associate()`` later). Not allowed with ``CLOUDFRONT``.
        :param shield_advanced_resource_arns: resources to enrol in Shield Advanced (needs the
            $3,000/month subscription). Default none: Shield Standard only, which is free and automatic.
        :param blocked_requests_alarm_threshold: blocked requests in 5 minutes that raise the alarm.
            Default 1,000.
        :param alarm_topic: SNS topic for the alarm. Default: the alarm has no action.
        """
        super().__init__(scope, id)
        stack = Stack.of(self)
        window = int(rate_limit_window.to_seconds())
        problems = Problems("EdgeProtection")
        problems.one_of("scope_type", scope_type, ("REGIONAL", "CLOUDFRONT"))
        if (
            scope_type == "CLOUDFRONT"
            and not Token.is_unresolved(stack.region)
            and stack.region != "us-east-1"
        ):
            problems.add(
                "scope_type",
                scope_type,
                f"a CLOUDFRONT web ACL must be created in us-east-1, "
                f"not in this stack's region {stack.region!r}",
            )
        allowed = self.check_cidrs(problems, "allowed_cidrs", allowed_cidrs)
        blocked = self.check_cidrs(problems, "blocked_cidrs", blocked_cidrs)
        for network in sorted(set(allowed) & set(blocked), key=str):
            problems.add("blocked_cidrs", str(network), "is also in allowed_cidrs; the allow rule would win")
        problems.between("rate_limit", rate_limit, MIN_RATE_LIMIT, MAX_RATE_LIMIT)
        problems.require(
            window in RATE_WINDOWS, "rate_limit_window", f"{window} seconds", "must be 1, 2, 5 or 10 minutes"
        )
        managed_rule_groups = [
            *managed_rule_groups,
            *([ANONYMOUS_IP_RULE_GROUP] if block_anonymous_ips else []),
            *([ADMIN_PROTECTION_RULE_GROUP] if admin_protection else []),
        ]
        for index, name in enumerate(managed_rule_groups):
            problems.require(
                name.startswith("AWSManagedRules"),
                f"managed_rule_groups[{index}]",
                name,
                "must be an AWS managed rule group name (AWSManagedRules...)",
            )
        problems.require(
            len(set(managed_rule_groups)) == len(managed_rule_groups),
            "managed_rule_groups",
            list(managed_rule_groups),
            "names must be distinct",
        )
        problems.at_least("blocked_requests_alarm_threshold", blocked_requests_alarm_threshold, 1)
        if scope_type == "CLOUDFRONT" and associated_resource_arns:
            problems.add(
                "associated_resource_arns",
                list(associated_resource_arns),
                "a CLOUDFRONT web ACL is attached by the distribution (web_acl_id=web_acl_arn)",
            )
        else:
            for index, arn in enumerate(associated_resource_arns):
                _check_associable(problems, f"associated_resource_arns[{index}]", arn)
        for index, arn in enumerate(shield_advanced_resource_arns):
            problems.require(
                arn.startswith("arn:"), f"shield_advanced_resource_arns[{index}]", arn, "must be an ARN"
            )
        problems.raise_if_any()

        self.scope_type = scope_type
        self.ip_sets: dict[str, wafv2.CfnIPSet] = {}
        rules: list[wafv2.CfnWebACL.RuleProperty] = []
        allow = self._ip_set_statement("Allowed", allowed)
        if allow is not None:
            rules.append(self._rule("AllowedIps", len(rules), allow, action={"allow": {}}))
        block = self._ip_set_statement("Blocked", blocked)
        if block is not None:
            rules.append(self._rule("BlockedIps", len(rules), block, action={"block": {}}))
        rules.append(
            self._rule(
                "RateLimit",
                len(rules),
                wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP",
                        limit=rate_limit,
                        evaluation_window_sec=window,
                    )
                ),
                action={"block": {}},
            )
        )
        for name in managed_rule_groups:
            rules.append(
                self._rule(
                    name,
                    len(rules),
                    wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS",
                            name=name,
                        )
                    ),
                    override_action={"count": {}} if managed_rules_count_only else {"none": {}},
                )
            )

        # The name doubles as the metric name: CloudWatch's WebACL dimension is needed for the alarm.
        self.web_acl_name = Names.unique_resource_name(self, max_length=128, separator="-")
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=self.web_acl_name,
            scope=scope_type,
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules,
            visibility_config=self._visibility(self.web_acl_name),
        )
        self.web_acl_arn: str = self.web_acl.attr_arn

        self.log_group = log_group(
            self,
            "Logs",
            retention=log_retention,
            log_group_name=f"aws-waf-logs-{Names.unique_resource_name(self, max_length=400, separator='-')}",
        )
        self.logging = wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.web_acl.attr_arn,
            # WAF wants the log group ARN without CloudWatch's trailing ":*".
            log_destination_configs=[
                stack.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=self.log_group.log_group_name,
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": header})
                for header in REDACTED_HEADERS
            ],
            logging_filter=None if log_allowed_requests else self._blocked_only_filter(),
        )

        self.associations: list[wafv2.CfnWebACLAssociation] = []
        for arn in associated_resource_arns:
            self.associate(arn)
        self.shield_protections = [
            shield.CfnProtection(
                self, f"ShieldProtection{index}", name=f"{self.web_acl_name}-{index}"[:128], resource_arn=arn
            )
            for index, arn in enumerate(shield_advanced_resource_arns)
        ]

        self.blocked_requests_metric = self.metric_blocked_requests()
        self.alarms: list[cw.Alarm] = [
            alarm(
                self,
                "BlockedRequestsSpike",
                metric=self.blocked_requests_metric,
                threshold=blocked_requests_alarm_threshold,
                description=f"The web ACL blocked at least {blocked_requests_alarm_threshold} requests in 5 minutes: "
                "an attack, or a rule blocking legitimate traffic. Query the aws-waf-logs- log group "
                "(action = BLOCK) for the terminating rule and the client IPs.",
                topic=alarm_topic,
            )
        ]

    def associate(self, resource_arn: str, *, id: str | None = None) -> wafv2.CfnWebACLAssociation:
        """Protect a regional resource (ALB, API Gateway stage, AppSync API, Cognito user pool, ...).

        Raises ``ValueError`` for a ``CLOUDFRONT`` web ACL (pass ``web_acl_arn`` to the distribution's
        ``web_acl_id`` instead) and for an ARN of a resource that WAF cannot protect.
        """
        problems = Problems("EdgeProtection.associate")
        if self.scope_type == "CLOUDFRONT":
            problems.add(
                "resource_arn",
                resource_arn,
                "a CLOUDFRONT web ACL cannot be associated; set the distribution's web_acl_id to web_acl_arn",
            )
        else:
            _check_associable(problems, "resource_arn", resource_arn)
        problems.raise_if_any()
        association = wafv2.CfnWebACLAssociation(
            self,
            id or f"Association{len(self.associations)}",
            resource_arn=resource_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        self.associations.append(association)
        return association

    @staticmethod
    def check_cidrs(
        problems: Problems, argument: str, values: Sequence[str]
    ) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        parsed = []
        for index, value in enumerate(values):
            name = f"{argument}[{index}]"
            if is_token(value):
                continue
            if "/" not in str(value):
                problems.add(
                    name, value, "must be a CIDR block with a prefix length (203.0.113.7/32 for one address)"
                )
                continue
            network = problems.cidr(name, value, version=None)
            if network is None:
                continue
            if network.prefixlen == 0:
                problems.add(name, value, "/0 is not accepted by WAF (use the web ACL's default action)")
                continue
            parsed.append(network)
        return parsed

    def _ip_set_statement(
        self, label: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
    ) -> wafv2.CfnWebACL.StatementProperty | None:
        statements = []
        for version in (4, 6):
            addresses = [str(n) for n in networks if n.version == version]
            if not addresses:
                continue
            ip_set = wafv2.CfnIPSet(
                self,
                f"{label}IPv{version}",
                scope=self.scope_type,
                ip_address_version=f"IPV{version}",
                addresses=addresses,
                description=f"{label} IPv{version} networks",
            )
            self.ip_sets[f"{label.lower()}_ipv{version}"] = ip_set
            statements.append(
                wafv2.CfnWebACL.StatementProperty(
                    ip_set_reference_statement=wafv2.CfnWebACL.IPSetReferenceStatementProperty(
                        arn=ip_set.attr_arn
                    )
                )
            )
        if not statements:
            return None
        if len(statements) == 1:
            return statements[0]
        return wafv2.CfnWebACL.StatementProperty(
            or_statement=wafv2.CfnWebACL.OrStatementProperty(statements=statements)
        )

    @staticmethod
    def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
        return wafv2.CfnWebACL.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True,
            metric_name=metric_name,
            sampled_requests_enabled=True,
        )

    def _rule(
        self,
        name: str,
        priority: int,
        statement: wafv2.CfnWebACL.StatementProperty,
        *,
        action: dict[str, Any] | None = None,
        override_action: dict[str, Any] | None = None,
    ) -> wafv2.CfnWebACL.RuleProperty:
        return wafv2.CfnWebACL.RuleProperty(
            name=name,
            priority=priority,
            statement=statement,
            action=action,
            override_action=override_action,
            visibility_config=self._visibility(name),
        )

    @staticmethod
    def _blocked_only_filter() -> dict[str, Any]:
        # LoggingFilter is untyped in the L1 (``Any``): it is written in CloudFormation's own casing.
        return {
            "DefaultBehavior": "DROP",
            "Filters": [
                {
                    "Behavior": "KEEP",
                    "Requirement": "MEETS_ANY",
                    "Conditions": [
                        {"ActionCondition": {"Action": action}}
                        for action in ("BLOCK", "COUNT", "CAPTCHA", "CHALLENGE")
                    ],
                }
            ],
        }

    # --- what aws-cdk-lib users reach for: metrics ------------------------------------------------
    def metric(self, metric_name: str, *, rule: str = "ALL", **props: Any) -> cw.Metric:
        """An ``AWS/WAFV2`` metric of the web ACL (dimensions ``WebACL``, ``Rule``, and ``Region`` for a
        REGIONAL ACL; a CLOUDFRONT ACL's metrics are in us-east-1). ``props`` are
        ``cloudwatch.MetricOptions`` (default: Sum over 5 minutes)."""
        dimensions = {"WebACL": self.web_acl_name, "Rule": rule}
        if self.scope_type == "REGIONAL":
            dimensions["Region"] = Stack.of(self).region
        options: dict[str, Any] = {"statistic": "Sum", "period": Duration.minutes(5), **props}
        return cw.Metric(namespace="AWS/WAFV2", metric_name=metric_name, dimensions_map=dimensions, **options)

    def metric_blocked_requests(self, **props: Any) -> cw.Metric:
        """Requests the web ACL blocked (all rules): what ``BlockedRequestsSpike`` watches."""
        return self.metric("BlockedRequests", **props)

    def metric_allowed_requests(self, **props: Any) -> cw.Metric:
        """Requests the web ACL allowed (all rules)."""
        return self.metric("AllowedRequests", **props)
