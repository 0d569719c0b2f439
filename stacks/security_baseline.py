"""Example stack: the security baseline (network tiers with a site-to-site VPN)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from patterns.network import SESSION_MANAGER_ENDPOINTS, SecureNetwork, SiteToSiteVpn

from . import context


class SecurityBaselineStack(Stack):
    """Context keys (defaults are documentation ranges, safe to synthesize):

    - ``onprem_cidrs``: on-premises networks, default ``192.168.0.0/16``
    - ``customer_gateway_ip``: the on-premises VPN router, default ``203.0.113.10``
    - ``customer_gateway_asn``: its BGP ASN, default ``65010`` (``0`` for static routes)
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
        CfnOutput(self, "VpcId", value=self.network.vpc.vpc_id)
