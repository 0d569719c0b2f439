"""Split-horizon DNS made safe: one name, public addresses in a public zone, private ones in a private zone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_route53 as route53
from constructs import Construct

from .._core import Problems, is_domain_name, is_token
from .._core.arguments import checked_arguments
from .names import is_record_name, record_outside_zone
from .public_record import PublicRecord, check_public_addresses

APEX = "@"
"""Key of ``public_records``/``private_records`` for the zone apex (the zone name itself)."""


def _record_id(name: str) -> str:
    return "Apex" if name == APEX else name.replace("*", "Wildcard")


class SplitHorizonZone(Construct):
    """The same domain in a public hosted zone (public addresses only, through ``PublicRecord``) and in
    a private hosted zone associated with ``vpcs`` (private addresses).

    Clients in the VPCs get the private answers, everyone else the public ones. Because the private
    zone hides the public one from the VPCs entirely, a name given only in ``public_records`` is also
    written to the private zone with its public addresses, so that it still resolves inside.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        zone_name: str,
        vpcs: Sequence[ec2.IVpc],
        public_records: Mapping[str, Sequence[str]],
        private_records: Mapping[str, Sequence[str]],
        public_zone: route53.IPublicHostedZone | None = None,
        ttl: Duration = Duration.minutes(5),
    ) -> None:
        """
        :param zone_name: the domain both zones serve (``example.com``).
        :param vpcs: the VPCs that see the private answers (at least one).
        :param public_records: record name (relative, ``"@"`` for the apex) -> public addresses.
        :param private_records: record name -> addresses VPC clients get instead (usually private).
        :param public_zone: an existing public zone for ``zone_name`` (one registered domain has one).
            Default: a new public hosted zone.
        :param ttl: TTL of every record. Default five minutes.
        """
        super().__init__(scope, id)
        problems = Problems("SplitHorizonZone")
        problems.domain("zone_name", zone_name)
        problems.require(
            len(vpcs) >= 1, "vpcs", list(vpcs), "at least one VPC is required for the private zone"
        )
        if public_zone is not None and not is_token(public_zone.zone_name) and not is_token(zone_name):
            problems.require(
                public_zone.zone_name.rstrip(".").lower() == zone_name.rstrip(".").lower(),
                "public_zone",
                public_zone.zone_name,
                f"must be the zone for zone_name={zone_name!r}",
            )
        for argument, records in (("public_records", public_records), ("private_records", private_records)):
            for name in records:
                valid = problems.require(
                    name == APEX or is_record_name(name),
                    argument,
                    name,
                    "not a valid record name (relative to the zone, '@' for the apex)",
                )
                if valid and name != APEX and is_domain_name(zone_name):
                    outside = record_outside_zone(name, zone_name)
                    problems.require(outside is None, argument, name, outside or "")
        for name, addresses in public_records.items():
            check_public_addresses(problems, f"public_records[{name!r}]", addresses)
        for name, addresses in private_records.items():
            problems.require(
                bool(addresses),
                f"private_records[{name!r}]",
                list(addresses),
                "at least one address is required",
            )
            for index, address in enumerate(addresses):
                problems.ip(f"private_records[{name!r}][{index}]", address)
        problems.raise_if_any()

        self.public_zone: route53.IPublicHostedZone = public_zone or route53.PublicHostedZone(
            self, "PublicZone", zone_name=zone_name, comment=f"Public half of split-horizon {zone_name}"
        )
        self.private_zone = route53.PrivateHostedZone(
            self,
            "PrivateZone",
            zone_name=zone_name,
            vpc=vpcs[0],
            comment=f"Private half of split-horizon {zone_name}",
        )
        for vpc in vpcs[1:]:
            self.private_zone.add_vpc(vpc)

        self.public_records: dict[str, PublicRecord] = {}
        for name, addresses in public_records.items():
            self.public_records[name] = PublicRecord(
                self,
                f"Public{_record_id(name)}",
                zone=self.public_zone,
                record_name=zone_name if name == APEX else name,
                addresses=addresses,
                ttl=ttl,
            )
        self.private_records: dict[str, list[route53.RecordSet]] = {}
        for name, addresses in {**public_records, **private_records}.items():
            self.private_records[name] = self._private(name, zone_name, addresses, ttl)

    def _private(
        self, name: str, zone_name: str, addresses: Sequence[str], ttl: Duration
    ) -> list[route53.RecordSet]:
        record_name = zone_name if name == APEX else name
        ipv4 = [a for a in addresses if is_token(a) or ":" not in a]
        ipv6 = [a for a in addresses if not is_token(a) and ":" in a]
        records: list[route53.RecordSet] = []
        if ipv4:
            records.append(
                route53.ARecord(
                    self,
                    f"Private{_record_id(name)}A",
                    zone=self.private_zone,
                    record_name=record_name,
                    ttl=ttl,
                    target=route53.RecordTarget.from_ip_addresses(*ipv4),
                )
            )
        if ipv6:
            records.append(
                route53.AaaaRecord(
                    self,
                    f"Private{_record_id(name)}Aaaa",
                    zone=self.private_zone,
                    record_name=record_name,
                    ttl=ttl,
                    target=route53.RecordTarget.from_ip_addresses(*ipv6),
                )
            )
        return records
