"""Example stack: the shared network (the security baseline's VPC tiers and its site-to-site VPN).

Every VPC-based example stack runs in this one VPC (``network=``), as a platform team would run them:
one NAT gateway and one set of endpoints instead of one per stack. ``cdk deploy CdpContainers``
deploys this stack first.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from patterns._core import alarm_topic, encrypt_log_groups, service_key
from patterns.network import CONTAINER_ENDPOINTS, SESSION_MANAGER_ENDPOINTS, SecureNetwork, SiteToSiteVpn

from . import context


class NetworkStack(Stack):
    """Context keys (defaults are documentation ranges, safe to synthesize):

    - ``onprem_cidrs``: on-premises networks, default ``192.168.0.0/16``
    - ``vpn``: ``false`` for no site-to-site VPN (the hybrid DNS example forwards over it), default ``true``
    - ``customer_gateway_ip``: the on-premises VPN router, default ``203.0.113.10``
    - ``customer_gateway_asn``: its BGP ASN, default ``65010`` (``0`` for static routes)
    - ``container_endpoints``: ``true`` (or ``1``) adds the ECR and Logs interface endpoints, default ``false``
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        asn = context.number(self, "customer_gateway_asn", 65010)
        endpoints = list(SESSION_MANAGER_ENDPOINTS)
        if context.flag(self, "container_endpoints", default=False):
            endpoints += [name for name in CONTAINER_ENDPOINTS if name not in endpoints]
        vpn = None
        if context.flag(self, "vpn", default=True):
            vpn = SiteToSiteVpn(
                customer_gateway_ip=context.text(self, "customer_gateway_ip", "203.0.113.10"),
                bgp_asn=asn or None,
            )
        self.network = SecureNetwork(
            self,
            "Network",
            interface_endpoints=endpoints,
            on_premises_cidrs=context.text_list(self, "onprem_cidrs", ["192.168.0.0/16"]),
            vpn=vpn,
            alarm_topic=self.alarm_topic,
        )
        CfnOutput(self, "VpcId", value=self.network.vpc.vpc_id)
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now
