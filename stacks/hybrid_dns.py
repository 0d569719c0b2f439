"""Example stack: hybrid DNS over the secure network's site-to-site VPN."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from patterns.dns import HybridDns
from patterns.network import SecureNetwork, SiteToSiteVpn

from . import context


class HybridDnsStack(Stack):
    """Context keys (defaults are documentation names and ranges, safe to synthesize):

    - ``onprem_cidrs``: on-premises networks, default ``192.168.0.0/16``
    - ``onprem_domains``: domains on-premises DNS answers, default ``corp.example.com``
    - ``onprem_dns_servers``: the on-premises DNS servers, default ``192.168.10.53,192.168.11.53``
    - ``cloud_domain``: the cloud's private domain, default ``aws.example.com``
    - ``customer_gateway_ip``: the on-premises VPN router, default ``203.0.113.10``
    - ``customer_gateway_asn``: its BGP ASN, default ``65010`` (``0`` for static routes)
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.alarm_topic = sns.Topic(self, "Alarms", enforce_ssl=True)
        on_premises_cidrs = context.text_list(self, "onprem_cidrs", ["192.168.0.0/16"])
        asn = context.number(self, "customer_gateway_asn", 65010)
        self.network = SecureNetwork(
            self,
            "Network",
            on_premises_cidrs=on_premises_cidrs,
            vpn=SiteToSiteVpn(
                customer_gateway_ip=context.text(self, "customer_gateway_ip", "203.0.113.10"),
                bgp_asn=asn or None,
            ),
            alarm_topic=self.alarm_topic,
        )
        self.dns = HybridDns(
            self,
            "Dns",
            vpcs=[self.network.vpc],
            cloud_domains=[context.text(self, "cloud_domain", "aws.example.com")],
            on_premises_cidrs=on_premises_cidrs,
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
