"""The guard: address records in a public hosted zone that refuse private addresses."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_route53 as route53
from constructs import Construct

from .._core import Problems, is_token, private_network_of
from .._core.arguments import DeployTimeList, checked_arguments
from .names import is_record_name, record_outside_zone

PRIVATE_IN_PUBLIC = (
    "is a private address (in {network}); public DNS must not point at it: it discloses the internal "
    "network layout and resolves to whatever host holds that address on the reader's own network. Put it "
    "in a private hosted zone (SplitHorizonZone does both halves)"
)


def check_public_addresses(problems: Problems, argument: str, addresses: Sequence[str]) -> None:
    """Each of ``addresses`` must be a public unicast IP address; tokens are skipped."""
    if not is_token(addresses) and not addresses:
        problems.add(argument, list(addresses), "at least one address is required")
    seen: set[str] = set()
    for index, address in enumerate(addresses):
        name = f"{argument}[{index}]"
        parsed = problems.ip(name, address)
        if parsed is None:
            continue
        network = private_network_of(str(parsed))
        if network is not None:
            problems.add(name, address, PRIVATE_IN_PUBLIC.format(network=network))
        elif parsed.is_multicast or parsed.is_unspecified or parsed.is_reserved:
            problems.add(name, address, "must be a public unicast address")
        elif str(parsed) in seen:
            problems.add(name, address, "is listed twice")
        seen.add(str(parsed))


def check_public_zone(problems: Problems, argument: str, zone: route53.IHostedZone) -> None:
    """``zone`` must not be a private hosted zone (detectable when it is a ``route53.PrivateHostedZone``)."""
    if isinstance(zone, route53.PrivateHostedZone):
        problems.add(
            argument, zone.node.path, "is a private hosted zone; public records belong in a public zone"
        )


def _zone_name(zone: route53.IHostedZone) -> str | None:
    """The zone's name when it is known (``HostedZone.from_hosted_zone_id`` has none)."""
    try:
        name = zone.zone_name
    except Exception:
        return None
    return name if isinstance(name, str) and not is_token(name) else None


class PublicRecord(Construct):
    """A and AAAA records in a public hosted zone, refusing private targets.

    Every address must be public: RFC 1918, RFC 6598 shared space, link-local, loopback and IPv6
    unique-local addresses raise a ``ValueError`` naming the argument and the range. IPv4 addresses
    go into an A record, IPv6 addresses into an AAAA record of the same name.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        zone: route53.IHostedZone,
        record_name: str,
        addresses: DeployTimeList,
        ttl: Duration = Duration.minutes(5),
        comment: str | None = None,
    ) -> None:
        """
        :param zone: the public hosted zone. A ``route53.PrivateHostedZone`` is refused.
        :param record_name: the name, relative to the zone (``www``) or fully qualified; ``*.`` allowed.
        :param addresses: public IPv4 and/or IPv6 addresses.
        :param ttl: time to live. Default five minutes.
        :param comment: a comment on the records. Default none.
        """
        super().__init__(scope, id)
        problems = Problems("PublicRecord")
        check_public_zone(problems, "zone", zone)
        problems.require(
            is_record_name(record_name),
            "record_name",
            record_name,
            "not a valid record name (dot-separated labels, optionally starting with '*')",
        )
        check_public_addresses(problems, "addresses", addresses)
        zone_name = _zone_name(zone)
        if zone_name is not None and is_record_name(record_name):
            outside = record_outside_zone(record_name, zone_name)
            problems.require(outside is None, "record_name", record_name, outside or "")
        problems.raise_if_any()

        ipv4 = [a for a in addresses if is_token(a) or ":" not in a]
        ipv6 = [a for a in addresses if not is_token(a) and ":" in a]
        self.a_record: route53.ARecord | None = None
        self.aaaa_record: route53.AaaaRecord | None = None
        if ipv4:
            self.a_record = route53.ARecord(
                self,
                "A",
                zone=zone,
                record_name=record_name,
                ttl=ttl,
                comment=comment,
                target=route53.RecordTarget.from_ip_addresses(*ipv4),
            )
        if ipv6:
            self.aaaa_record = route53.AaaaRecord(
                self,
                "Aaaa",
                zone=zone,
                record_name=record_name,
                ttl=ttl,
                comment=comment,
                target=route53.RecordTarget.from_ip_addresses(*ipv6),
            )
