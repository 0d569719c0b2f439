"""Network ACL rules per tier. NACLs are stateless: every allowed flow needs an entry each way,
including the ephemeral ports (1024-65535) that replies come back on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

EPHEMERAL = (1024, 65535)
ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class AclRule:
    """One NACL entry: ``cidr`` and ``ports`` (``None`` for all traffic) in one direction."""

    cidr: str
    ports: tuple[int, int] | None
    egress: bool

    @property
    def traffic(self) -> ec2.AclTraffic:
        if self.ports is None:
            return ec2.AclTraffic.all_traffic()
        return ec2.AclTraffic.tcp_port_range(self.ports[0], self.ports[1])


def both_ways(cidr: str, ports: tuple[int, int] | None = None) -> list[AclRule]:
    """Traffic to and from ``cidr`` on ``ports`` (all traffic by default)."""
    return [AclRule(cidr, ports, egress=False), AclRule(cidr, ports, egress=True)]


def outbound_to_internet(ports: Sequence[int]) -> list[AclRule]:
    """Connections opened towards the internet on ``ports``, and their replies on ephemeral ports."""
    rules = [AclRule(ANYWHERE, (port, port), egress=True) for port in ports]
    return [*rules, AclRule(ANYWHERE, EPHEMERAL, egress=False)]


def inbound_from_internet(ports: Sequence[int]) -> list[AclRule]:
    """Connections from the internet on ``ports``, and the replies on ephemeral ports."""
    rules = [AclRule(ANYWHERE, (port, port), egress=False) for port in ports]
    return [*rules, AclRule(ANYWHERE, EPHEMERAL, egress=True)]


def tier_acl(
    scope: Construct, id: str, *, vpc: ec2.IVpc, subnets: ec2.SubnetSelection, rules: Sequence[AclRule]
) -> ec2.NetworkAcl:
    """A NACL for the subnets selected, with ``rules`` numbered 100, 110, ... in each direction."""
    acl = ec2.NetworkAcl(scope, id, vpc=vpc, subnet_selection=subnets)
    numbers = {False: 100, True: 100}
    seen: set[AclRule] = set()
    for rule in rules:
        if rule in seen:
            continue
        seen.add(rule)
        number = numbers[rule.egress]
        numbers[rule.egress] += 10
        direction = "Egress" if rule.egress else "Ingress"
        acl.add_entry(
            f"{direction}{number}",
            cidr=ec2.AclCidr.ipv4(rule.cidr),
            rule_number=number,
            traffic=rule.traffic,
            direction=ec2.TrafficDirection.EGRESS if rule.egress else ec2.TrafficDirection.INGRESS,
            rule_action=ec2.Action.ALLOW,
        )
    return acl
