"""Network ACL rules per tier. NACLs are stateless: every allowed flow needs an entry each way,
including the ephemeral ports (1024-65535) that replies come back on."""

from __future__ import annotations

import functools
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


@functools.cache
def _acl_cidr(cidr: str) -> ec2.AclCidr:
    """Immutable value objects, made once per process: fewer calls across the jsii bridge."""
    return ec2.AclCidr.ipv4(cidr)


@functools.cache
def _acl_traffic(ports: tuple[int, int] | None) -> ec2.AclTraffic:
    """All traffic (``None``) or a TCP port range; made once per process."""
    if ports is None:
        return ec2.AclTraffic.all_traffic()
    return ec2.AclTraffic.tcp_port_range(ports[0], ports[1])


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
            cidr=_acl_cidr(rule.cidr),
            rule_number=number,
            traffic=_acl_traffic(rule.ports),
            direction=ec2.TrafficDirection.EGRESS if rule.egress else ec2.TrafficDirection.INGRESS,
            rule_action=ec2.Action.ALLOW,
        )
    return acl
