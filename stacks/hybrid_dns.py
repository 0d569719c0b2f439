"""Example stack: hybrid DNS over the shared network's site-to-site VPN (stacks/network.py)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from patterns._core import alarm_topic, encrypt_log_groups, service_key
from patterns.dns import HybridDns
from patterns.network import SecureNetwork

from . import context


class HybridDnsStack(Stack):
    """Context keys (defaults are documentation names and ranges, safe to synthesize):

    - ``onprem_domains``: domains on-premises DNS answers, default ``corp.example.com``
    - ``onprem_dns_servers``: the on-premises DNS servers, default ``192.168.10.53,192.168.11.53``
    - ``cloud_domain``: the cloud's private domain, default ``aws.example.com``

    The on-premises networks and the VPN are the shared network's (``CdpNetwork``: ``onprem_cidrs``,
    ``customer_gateway_ip``, ``customer_gateway_asn``).
    """

    USES_NETWORK = True

    def __init__(self, scope: Construct, id: str, *, network: SecureNetwork, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        self.network = network
        self.dns = HybridDns(
            self,
            "Dns",
            vpcs=[self.network.vpc],
            cloud_domains=[context.text(self, "cloud_domain", "aws.example.com")],
            on_premises_cidrs=network.on_premises_cidrs,
            on_premises_domains=context.text_list(self, "onprem_domains", ["corp.example.com"]),
            on_premises_dns_servers=context.text_list(
                self, "onprem_dns_servers", ["192.168.10.53", "192.168.11.53"]
            ),
            alarm_topic=self.alarm_topic,
        )
        CfnOutput(
            self,
            "InboundResolverAddresses",
            value=",".join(self.dns.inbound_addresses),
            description="Forward the cloud's domains to these addresses from on-premises DNS",
        )
        CfnOutput(
            self,
            "ConditionalForwarderBind",
            value=self.dns.forwarder_configuration("bind"),
            description="BIND named.conf: forward the cloud's domains to the inbound endpoint",
        )
        CfnOutput(
            self,
            "ConditionalForwarderUnbound",
            value=self.dns.forwarder_configuration("unbound"),
            description="unbound.conf: forward the cloud's domains to the inbound endpoint",
        )
        CfnOutput(
            self,
            "ConditionalForwarderWindows",
            value=self.dns.forwarder_configuration("windows"),
            description="Windows DNS (PowerShell): forward the cloud's domains to the inbound endpoint",
        )
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now
