"""Example stack: the security baseline (network tiers with a site-to-site VPN, a regional WAF web ACL,
AWS Config rules and Systems Manager settings)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from patterns.network import SESSION_MANAGER_ENDPOINTS, SecureNetwork, SiteToSiteVpn
from patterns.security import ComplianceBaseline, EdgeProtection

from . import context


class SecurityBaselineStack(Stack):
    """Context keys (defaults are documentation ranges, safe to synthesize):

    - ``onprem_cidrs``: on-premises networks, default ``192.168.0.0/16``
    - ``customer_gateway_ip``: the on-premises VPN router, default ``203.0.113.10``
    - ``customer_gateway_asn``: its BGP ASN, default ``65010`` (``0`` for static routes)
    - ``waf_blocked_cidrs``: networks the web ACL blocks, default ``198.51.100.0/24``
    - ``waf_rate_limit``: requests per client IP per 5 minutes before it is blocked, default ``2000``
    - ``session_manager_preferences``: ``false`` if the account already has Session Manager
      preferences (the ``SSM-SessionManagerRunShell`` document), default ``true``
    - ``config_recorder``: ``false`` if AWS Config already records in this account and region, default ``true``
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.alarm_topic = sns.Topic(self, "Alarms", enforce_ssl=True)
        asn = context.number(self, "customer_gateway_asn", 65010)
        self.network = SecureNetwork(
            self,
            "Network",
            interface_endpoints=SESSION_MANAGER_ENDPOINTS,
            on_premises_cidrs=context.text_list(self, "onprem_cidrs", ["192.168.0.0/16"]),
            vpn=SiteToSiteVpn(
                customer_gateway_ip=context.text(self, "customer_gateway_ip", "203.0.113.10"),
                bgp_asn=asn or None,
            ),
            alarm_topic=self.alarm_topic,
        )
        self.edge = EdgeProtection(
            self,
            "Edge",
            scope_type="REGIONAL",
            blocked_cidrs=context.text_list(self, "waf_blocked_cidrs", ["198.51.100.0/24"]),
            rate_limit=context.number(self, "waf_rate_limit", 2000),
            alarm_topic=self.alarm_topic,
        )
        self.compliance = ComplianceBaseline(
            self,
            "Compliance",
            create_recorder=_flag(self, "config_recorder"),
            session_manager_preferences=_flag(self, "session_manager_preferences"),
            alarm_topic=self.alarm_topic,
        )
        CfnOutput(self, "VpcId", value=self.network.vpc.vpc_id)
        CfnOutput(
            self,
            "WebAclArn",
            value=self.edge.web_acl_arn,
            description="Associate with an ALB or API Gateway stage in this region",
        )


def _flag(scope: Construct, key: str) -> bool:
    """A boolean context value, default true (``-c key=false`` turns it off)."""
    return context.text(scope, key, "true").strip().lower() not in ("false", "0", "no")
