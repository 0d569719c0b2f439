"""SecureNetwork: a VPC in tiers, with stateless NACLs per tier, flow logs, endpoints and optional VPN."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jsii
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from .._core import DEFAULT_LOG_RETENTION, Problems, acknowledge, alarm, is_token, log_group
from .._core.arguments import checked_arguments
from .._core.limits import VIRTUAL_PRIVATE_GATEWAY_ID
from .nacl import AclRule, both_ways, inbound_from_internet, outbound_to_internet, tier_acl

INTERFACE_ENDPOINTS: dict[str, ec2.InterfaceVpcEndpointAwsService] = {
    "ssm": ec2.InterfaceVpcEndpointAwsService.SSM,
    "ssmmessages": ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
    "ec2messages": ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES,
    "ecr.api": ec2.InterfaceVpcEndpointAwsService.ECR,
    "ecr.dkr": ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    "logs": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    "monitoring": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
    "sts": ec2.InterfaceVpcEndpointAwsService.STS,
    "kms": ec2.InterfaceVpcEndpointAwsService.KMS,
    "secretsmanager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
}
"""Interface endpoints that ``SecureNetwork(interface_endpoints=...)`` accepts, by service name."""

SESSION_MANAGER_ENDPOINTS = ("ssm", "ssmmessages", "ec2messages", "logs")
"""What Session Manager needs to reach instances in subnets with no route to the internet."""

CONTAINER_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs")
"""What ECS tasks need to pull from ECR (layers come through the S3 gateway endpoint) and write logs."""

PUBLIC_MASK, PRIVATE_MASK, ISOLATED_MASK = 24, 20, 24


@dataclass(frozen=True)
class SiteToSiteVpn:
    """A site-to-site VPN to the on-premises router at ``customer_gateway_ip``.

    With ``bgp_asn`` the tunnels use dynamic (BGP) routing; without it, static routes to the
    network's ``on_premises_cidrs`` are created.
    """

    customer_gateway_ip: str
    bgp_asn: int | None = None
    tunnel_inside_cidrs: Sequence[str] = field(default_factory=tuple)


TUNNELS_PER_CONNECTION = 2
"""A site-to-site VPN connection has two tunnels: at most one inside CIDR each."""

TUNNEL_INSIDE_RANGE = ipaddress.ip_network("169.254.0.0/16")
RESERVED_TUNNEL_INSIDE_CIDRS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "169.254.0.0/30",
        "169.254.1.0/30",
        "169.254.2.0/30",
        "169.254.3.0/30",
        "169.254.4.0/30",
        "169.254.5.0/30",
        "169.254.169.252/30",
    )
)
"""Inside CIDRs AWS reserves (EC2 ``VpnTunnelOptionsSpecification.TunnelInsideCidr``)."""


def _check_tunnel_inside_cidrs(problems: Problems, cidrs: Sequence[str]) -> None:
    """/30 blocks inside 169.254.0.0/16, none reserved by AWS, distinct, one per tunnel at most."""
    if is_token(cidrs):
        return
    argument = "vpn.tunnel_inside_cidrs"
    problems.require(
        len(cidrs) <= TUNNELS_PER_CONNECTION,
        argument,
        list(cidrs),
        f"a VPN connection has {TUNNELS_PER_CONNECTION} tunnels: give at most {TUNNELS_PER_CONNECTION} CIDRs",
    )
    seen: set[ipaddress.IPv4Network | ipaddress.IPv6Network] = set()
    for index, inside in enumerate(cidrs):
        name = f"{argument}[{index}]"
        net = problems.cidr(name, inside)
        if net is None:
            continue
        if net.prefixlen != 30 or not net.subnet_of(TUNNEL_INSIDE_RANGE):  # type: ignore[arg-type]
            problems.add(name, inside, "must be a /30 inside 169.254.0.0/16")
        elif net in RESERVED_TUNNEL_INSIDE_CIDRS:
            problems.add(
                name,
                inside,
                "is reserved by AWS (169.254.0.0/30 to 169.254.5.0/30 and 169.254.169.252/30); choose another /30",
            )
        elif net in seen:
            problems.add(name, inside, "is given twice; each tunnel needs its own /30")
        seen.add(net)


def _allocate(vpc: ipaddress.IPv4Network, masks: Sequence[int]) -> bool:
    """Whether subnets of ``masks`` fit into ``vpc`` when allocated in order, each aligned to its size."""
    cursor = int(vpc.network_address)
    end = int(vpc.broadcast_address) + 1
    for mask in masks:
        size = 2 ** (32 - mask)
        cursor = -(-cursor // size) * size
        cursor += size
        if cursor > end:
            return False
    return True


@jsii.implements(ec2.IConnectable)
class SecureNetwork(Construct):
    """A VPC with public, private (egress through NAT) and isolated tiers in two or more AZs.

    Each tier has its own network ACL with explicit entries both ways (NACLs are stateless), flow
    logs go to CloudWatch Logs with a retention, S3 and DynamoDB are reached through gateway
    endpoints, and the default security group has no rules. A site-to-site VPN and a Direct Connect
    virtual private gateway are optional. Other patterns take ``vpc=network.vpc``.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cidr: str = "10.0.0.0/16",
        max_azs: int = 2,
        availability_zones: Sequence[str] | None = None,
        nat_gateway_per_az: bool = False,
        interface_endpoints: Sequence[str] = (),
        egress_ports: Sequence[int] = (80, 443),
        public_ingress_ports: Sequence[int] = (80, 443),
        on_premises_cidrs: Sequence[str] = (),
        vpn: SiteToSiteVpn | None = None,
        virtual_private_gateway_id: str | None = None,
        amazon_side_asn: int | None = None,
        flow_log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param cidr: the VPC's IPv4 block, /16 to /20. Default ``10.0.0.0/16``.
        :param max_azs: number of AZs, at least 2. Default 2. Stacks without an explicit account and
            region only know two AZs; pass ``availability_zones`` for more.
        :param availability_zones: the AZ names to use. Default: the first ``max_azs`` of the region.
        :param nat_gateway_per_az: one NAT gateway per AZ (survives an AZ outage, costs one NAT
            gateway per AZ). Default ``False``: a single NAT gateway, the cheapest option.
        :param interface_endpoints: interface endpoints to create in the private tier, by name (see
            ``INTERFACE_ENDPOINTS``; ``SESSION_MANAGER_ENDPOINTS`` for instances without internet).
            Default none: each one bills per AZ per hour.
        :param egress_ports: TCP ports that the private tier may open towards the internet through NAT.
            Default 80 and 443.
        :param public_ingress_ports: TCP ports the public tier accepts from the internet (load
            balancers). Default 80 and 443.
        :param on_premises_cidrs: on-premises networks reached through the VPN or Direct Connect; the
            private tier's NACL admits them. Default none. Must not overlap ``cidr``.
        :param vpn: a site-to-site VPN. Default none.
        :param virtual_private_gateway_id: an existing virtual private gateway (for example the one
            a Direct Connect virtual interface uses) to attach to the VPC. Default: a new one is
            created when ``vpn`` is given, none otherwise.
        :param amazon_side_asn: BGP ASN of a new virtual private gateway. Default: AWS's (64512).
        :param flow_log_retention: how long flow logs are kept. Default one year.
        :param alarm_topic: SNS topic for the network's alarms (NAT port allocation errors, VPN
            tunnels down). Default: alarms are created without actions.
        """
        super().__init__(scope, id)
        problems = Problems("SecureNetwork")
        vpc_network = problems.cidr("cidr", cidr)
        if vpc_network is not None:
            problems.require(
                16 <= vpc_network.prefixlen <= 20, "cidr", cidr, "prefix must be between /16 and /20"
            )
        azs = list(availability_zones) if availability_zones is not None else None
        az_count = len(azs) if azs is not None else max_azs
        if azs is not None:
            problems.require(len(azs) >= 2, "availability_zones", azs, "at least two AZs are required")
            problems.require(len(set(azs)) == len(azs), "availability_zones", azs, "AZs must be distinct")
        else:
            problems.require_literal("max_azs", max_azs, "the subnets of each AZ are laid out from it")
            problems.at_least("max_azs", max_azs, 2)
        if isinstance(vpc_network, ipaddress.IPv4Network) and az_count >= 2:
            masks = [PUBLIC_MASK] * az_count + [PRIVATE_MASK] * az_count + [ISOLATED_MASK] * az_count
            problems.require(
                _allocate(vpc_network, masks),
                "cidr",
                cidr,
                f"too small for three tiers in {az_count} AZs (/{PUBLIC_MASK} public, /{PRIVATE_MASK} private, "
                f"/{ISOLATED_MASK} isolated per AZ)",
            )
        for name in interface_endpoints:
            problems.one_of("interface_endpoints", name, INTERFACE_ENDPOINTS)
        for argument, ports in (
            ("egress_ports", egress_ports),
            ("public_ingress_ports", public_ingress_ports),
        ):
            for port in ports:
                problems.between(argument, port, 1, 65535)
        on_prem = problems.cidrs("on_premises_cidrs", on_premises_cidrs)
        for text, network in zip(on_premises_cidrs, on_prem, strict=False):
            if vpc_network is not None and network.version == 4 and network.overlaps(vpc_network):
                problems.add(
                    "on_premises_cidrs", text, f"overlaps the VPC cidr {cidr!r}; routes would be ambiguous"
                )
        if vpn is not None:
            problems.public_ip("vpn.customer_gateway_ip", vpn.customer_gateway_ip, version=4)
            if vpn.bgp_asn is not None:
                problems.between("vpn.bgp_asn", vpn.bgp_asn, 1, 4294967295)
            elif not on_premises_cidrs:
                problems.add("vpn", vpn, "static routing (no bgp_asn) needs on_premises_cidrs to route to")
            _check_tunnel_inside_cidrs(problems, vpn.tunnel_inside_cidrs)
        if virtual_private_gateway_id is not None and not is_token(virtual_private_gateway_id):
            problems.require(
                bool(VIRTUAL_PRIVATE_GATEWAY_ID.match(virtual_private_gateway_id)),
                "virtual_private_gateway_id",
                virtual_private_gateway_id,
                "not a virtual private gateway id ('vgw-' and 8 or 17 lower-case hexadecimal digits)",
            )
        if amazon_side_asn is not None:
            problems.conflict(
                "amazon_side_asn", amazon_side_asn, "virtual_private_gateway_id", virtual_private_gateway_id
            )
            problems.require(
                64512 <= amazon_side_asn <= 65534 or 4200000000 <= amazon_side_asn <= 4294967294,
                "amazon_side_asn",
                amazon_side_asn,
                "must be a private ASN (64512-65534 or 4200000000-4294967294)",
            )
        problems.raise_if_any()

        self.on_premises_cidrs: list[str] = list(on_premises_cidrs)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=None if azs is not None else max_azs,
            availability_zones=azs,
            nat_gateways=az_count if nat_gateway_per_az else 1,
            restrict_default_security_group=True,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="Public",
                    subnet_type=ec2.SubnetType.PUBLIC,
                    cidr_mask=PUBLIC_MASK,
                    map_public_ip_on_launch=False,
                ),
                ec2.SubnetConfiguration(
                    name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=PRIVATE_MASK
                ),
                ec2.SubnetConfiguration(
                    name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=ISOLATED_MASK
                ),
            ],
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3),
                "DynamoDB": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.DYNAMODB),
            },
        )
        self.flow_log_group = log_group(self, "FlowLogs", retention=flow_log_retention)
        self.flow_log = self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(self.flow_log_group),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )
        self.endpoint_security_group: ec2.SecurityGroup | None = None
        self.interface_endpoints: dict[str, ec2.InterfaceVpcEndpoint] = {}
        if interface_endpoints:
            # One security group for all interface endpoints: HTTPS from inside the VPC only.
            self.endpoint_security_group = ec2.SecurityGroup(
                self,
                "EndpointSecurityGroup",
                vpc=self.vpc,
                allow_all_outbound=False,
                description="Interface endpoints: HTTPS from the VPC only",
            )
            self.endpoint_security_group.add_ingress_rule(
                ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), "HTTPS from the VPC"
            )
        for name in dict.fromkeys(interface_endpoints):
            self.interface_endpoints[name] = self.vpc.add_interface_endpoint(
                f"Endpoint-{name}",
                service=INTERFACE_ENDPOINTS[name],
                subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                private_dns_enabled=True,
                security_groups=[self.endpoint_security_group] if self.endpoint_security_group else None,
                open=False,
            )
        self._add_nacls(list(egress_ports), list(public_ingress_ports))

        self.vpn_gateway_id: str | None = None
        self.vpn_connection: ec2.CfnVPNConnection | None = None
        if vpn is not None or virtual_private_gateway_id is not None:
            self._add_vpn_gateway(virtual_private_gateway_id, amazon_side_asn)
        if vpn is not None:
            self._add_vpn(vpn)
        self.alarms: list[cw.Alarm] = self._add_alarms(alarm_topic)

    @property
    def vpc_cidr(self) -> str:
        return self.vpc.vpc_cidr_block

    def _add_nacls(self, egress_ports: list[int], public_ingress_ports: list[int]) -> None:
        vpc_cidr = self.vpc.vpc_cidr_block
        on_prem = [rule for cidr in self.on_premises_cidrs for rule in both_ways(cidr)]
        # Public: internet-facing load balancers on public_ingress_ports; the NAT gateway forwards the
        # private tier's connections out on egress_ports and gets the replies on ephemeral ports.
        public_rules: list[AclRule] = [
            *both_ways(vpc_cidr),
            *inbound_from_internet(public_ingress_ports),
            *outbound_to_internet(egress_ports),
        ]
        # Private: reached only from inside the VPC (and on-premises); reaches out through NAT.
        private_rules: list[AclRule] = [*both_ways(vpc_cidr), *on_prem, *outbound_to_internet(egress_ports)]
        # Isolated: no route to the internet exists; HTTPS out is admitted so that the S3 and DynamoDB
        # gateway endpoints (public service addresses, no prefix lists in NACLs) keep working.
        isolated_rules: list[AclRule] = [*both_ways(vpc_cidr), *outbound_to_internet([443])]
        tiers = (
            ("Public", ec2.SubnetType.PUBLIC, public_rules),
            ("Private", ec2.SubnetType.PRIVATE_WITH_EGRESS, private_rules),
            ("Isolated", ec2.SubnetType.PRIVATE_ISOLATED, isolated_rules),
        )
        self.network_acls = {
            name: tier_acl(
                self,
                f"{name}Acl",
                vpc=self.vpc,
                rules=rules,
                subnets=ec2.SubnetSelection(subnet_type=subnet_type),
            )
            for name, subnet_type, rules in tiers
        }
        for acl in self.network_acls.values():
            acknowledge(
                acl,
                {
                    "AwsSolutions-VPC3": "Per-tier NACLs are this pattern's purpose: a stateless second layer "
                    "under the security groups, with explicit entries both ways.",
                },
            )

    def _add_vpn_gateway(self, existing_id: str | None, amazon_side_asn: int | None) -> None:
        if existing_id is None:
            gateway = ec2.CfnVPNGateway(self, "VpnGateway", type="ipsec.1", amazon_side_asn=amazon_side_asn)
            existing_id = gateway.ref
        self.vpn_gateway_id = existing_id
        attachment = ec2.CfnVPCGatewayAttachment(
            self, "VpnGatewayAttachment", vpc_id=self.vpc.vpc_id, vpn_gateway_id=existing_id
        )
        propagation = ec2.CfnVPNGatewayRoutePropagation(
            self,
            "VpnRoutePropagation",
            route_table_ids=[subnet.route_table.route_table_id for subnet in self.vpc.private_subnets],
            vpn_gateway_id=existing_id,
        )
        propagation.node.add_dependency(attachment)

    def _add_vpn(self, vpn: SiteToSiteVpn) -> None:
        customer_gateway = ec2.CfnCustomerGateway(
            self,
            "CustomerGateway",
            type="ipsec.1",
            ip_address=vpn.customer_gateway_ip,
            bgp_asn=vpn.bgp_asn if vpn.bgp_asn is not None else 65000,
        )
        tunnels = [
            ec2.CfnVPNConnection.VpnTunnelOptionsSpecificationProperty(tunnel_inside_cidr=inside)
            for inside in vpn.tunnel_inside_cidrs
        ]
        self.vpn_connection = ec2.CfnVPNConnection(
            self,
            "VpnConnection",
            type="ipsec.1",
            customer_gateway_id=customer_gateway.ref,
            vpn_gateway_id=self.vpn_gateway_id,
            static_routes_only=vpn.bgp_asn is None,
            vpn_tunnel_options_specifications=tunnels or None,
        )
        if vpn.bgp_asn is None:
            for index, cidr in enumerate(self.on_premises_cidrs):
                ec2.CfnVPNConnectionRoute(
                    self,
                    f"VpnRoute{index}",
                    destination_cidr_block=cidr,
                    vpn_connection_id=self.vpn_connection.ref,
                )

    def _add_alarms(self, topic: sns.ITopic | None) -> list[cw.Alarm]:
        created: list[cw.Alarm] = []
        for index, subnet in enumerate(self.vpc.public_subnets):
            nat = subnet.node.try_find_child("NATGateway")
            if not isinstance(nat, ec2.CfnNatGateway):
                continue
            created.append(
                alarm(
                    self,
                    f"NatPortAllocationErrors{index}",
                    metric=self.metric_error_port_allocation(index),
                    threshold=1,
                    description="The NAT gateway could not allocate a source port: connections from the private "
                    "tier are failing. Add a NAT gateway per AZ or spread the traffic.",
                    topic=topic,
                )
            )
        if self.vpn_connection is not None:
            created.append(
                alarm(
                    self,
                    "VpnTunnelDown",
                    metric=self.metric_tunnel_state(),
                    threshold=1,
                    comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
                    evaluation_periods=3,
                    treat_missing_data=cw.TreatMissingData.BREACHING,
                    description="No VPN tunnel has been up for 15 minutes: the on-premises network is unreachable.",
                    topic=topic,
                )
            )
        return created

    # --- what aws-cdk-lib users reach for: metrics and connections --------------------------------
    def metric_error_port_allocation(self, nat_index: int = 0, **props: Any) -> cw.Metric:
        """``AWS/NATGateway`` ``ErrorPortAllocation`` of the NAT gateway in public subnet ``nat_index``
        (Sum over 5 minutes): what ``NatPortAllocationErrors<index>`` watches. ``props`` are
        ``cloudwatch.MetricOptions``."""
        subnets = self.vpc.public_subnets
        nat = subnets[nat_index].node.try_find_child("NATGateway") if 0 <= nat_index < len(subnets) else None
        if not isinstance(nat, ec2.CfnNatGateway):
            raise ValueError(
                f"SecureNetwork {self.node.path}: nat_index={nat_index}: no NAT gateway in that public subnet"
            )
        options: dict[str, Any] = {"statistic": "Sum", "period": Duration.minutes(5), **props}
        return cw.Metric(
            namespace="AWS/NATGateway",
            metric_name="ErrorPortAllocation",
            dimensions_map={"NatGatewayId": nat.ref},
            **options,
        )

    def metric_tunnel_state(self, **props: Any) -> cw.Metric:
        """``AWS/VPN`` ``TunnelState`` of the VPN connection (1 when a tunnel is up; Maximum over 5
        minutes): what ``VpnTunnelDown`` watches."""
        if self.vpn_connection is None:
            raise ValueError(
                f"SecureNetwork {self.node.path}: metric_tunnel_state needs a VPN (vpn=SiteToSiteVpn(...))"
            )
        options: dict[str, Any] = {"statistic": "Maximum", "period": Duration.minutes(5), **props}
        return cw.Metric(
            namespace="AWS/VPN",
            metric_name="TunnelState",
            dimensions_map={"VpnId": self.vpn_connection.ref},
            **options,
        )

    @property
    def connections(self) -> ec2.Connections:
        """The interface endpoints' security group, default port TCP 443 (``ec2.IConnectable``). It admits
        the VPC's CIDR already; add a peered network with ``network.connections.allow_default_port_from(
        peer)``."""
        if self.endpoint_security_group is None:
            raise ValueError(
                f"SecureNetwork {self.node.path}: connections needs interface endpoints (interface_endpoints=[])"
            )
        return ec2.Connections(security_groups=[self.endpoint_security_group], default_port=ec2.Port.tcp(443))
