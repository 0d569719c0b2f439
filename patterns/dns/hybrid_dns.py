"""HybridDns: on-premises and the cloud resolve each other's names through Route 53 Resolver endpoints."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import jsii
from aws_cdk import CustomResource, Duration, Names, RemovalPolicy
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ram as ram
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53profiles as profiles
from aws_cdk import aws_route53resolver as resolver
from aws_cdk import aws_sns as sns
from constructs import Construct

from .._core import DEFAULT_LOG_RETENTION, Problems, alarm, is_token, log_group, python_function
from .._core.arguments import checked_arguments
from .._core.limits import check_subnets_in_vpc
from .forwarders import conditional_forwarders
from .names import check_domains, is_under, resource_name

RUNTIME = Path(__file__).parent / "runtime"
DNS_PORT = 53

_ACCOUNT = re.compile(r"^\d{12}$")
_ORGANIZATION = re.compile(
    r"^arn:aws[a-z-]*:organizations::\d{12}:(organization/o-[a-z0-9]{10,32}|ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$"
)


@jsii.implements(ec2.IConnectable)
class HybridDns(Construct):
    """Hybrid DNS with Route 53 Resolver: on-premises resolves the cloud's names, the VPCs resolve
    on-premises names, and only DNS crosses between them.

    - Private hosted zones for ``cloud_domains``, associated with every VPC of ``vpcs``.
    - An inbound endpoint (an address in each selected subnet, at least two AZs) that on-premises DNS
      servers forward the cloud's domains to; its addresses are ``inbound_addresses`` and
      ``forwarder_configuration()`` writes the on-premises side.
    - An outbound endpoint with a FORWARD rule per on-premises domain to the on-premises DNS servers,
      associated with the VPCs, and SYSTEM rules for the exceptions (sub-domains Route 53 answers,
      including any cloud domain that lies under an on-premises domain).
    - Security groups opening TCP and UDP 53 only from ``on_premises_cidrs`` (inbound) and only to
      the DNS servers (outbound); query logging to CloudWatch Logs with a retention; alarms on the
      endpoints' network interfaces. Sharing through AWS RAM and a Route 53 Profile are optional.
    The endpoints live in the first VPC of ``vpcs``.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpcs: Sequence[ec2.IVpc],
        cloud_domains: Sequence[str],
        on_premises_cidrs: Sequence[str],
        on_premises_domains: Sequence[str] = (),
        on_premises_dns_servers: Sequence[str] = (),
        system_domains: Sequence[str] = (),
        endpoint_subnets: ec2.SubnetSelection | None = None,
        inbound_addresses: Sequence[str] = (),
        query_logging: bool = True,
        query_log_group: logs.ILogGroup | None = None,
        query_log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        share_with: Sequence[str] = (),
        allow_external_principals: bool = False,
        profile: bool = False,
        profile_vpcs: Sequence[ec2.IVpc] = (),
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param vpcs: the VPCs whose names on-premises resolves and that resolve on-premises names (at
            least one); the endpoints are created in the first.
        :param cloud_domains: the cloud's domains; a private hosted zone is created for each.
        :param on_premises_cidrs: the networks of the on-premises DNS servers (IPv4); the inbound
            endpoint accepts DNS from them only.
        :param on_premises_domains: domains that on-premises DNS answers. Default none: no outbound
            endpoint and no forward rules.
        :param on_premises_dns_servers: IPv4 addresses of the on-premises DNS servers (port 53), each
            inside ``on_premises_cidrs``. Required with ``on_premises_domains``.
        :param system_domains: sub-domains of ``on_premises_domains`` that Route 53 resolves instead
            (SYSTEM rules). Default none; cloud domains under an on-premises domain get one anyway.
        :param endpoint_subnets: subnets of the first VPC for both endpoints, in at least two AZs.
            Default: one private subnet per AZ (with egress if the VPC has them, else isolated).
        :param inbound_addresses: fixed IPv4 addresses for the inbound endpoint, one per selected
            subnet in order. Default: Resolver picks them, and a small custom resource reads them back.
        :param query_logging: log the VPCs' DNS queries. Default ``True``.
        :param query_log_group: an existing log group for the query logs. Default: a new one with
            ``query_log_retention``, retained on stack deletion.
        :param query_log_retention: retention of the new query log group. Default one year.
        :param share_with: account ids (12 digits) or organization / OU ARNs to share the forward rules
            (and the profile) with through AWS RAM. Default: not shared.
        :param allow_external_principals: allow RAM principals outside your organization. Default
            ``False``: sharing stays within the organization.
        :param profile: create a Route 53 Profile holding the private zones and the rules, for many
            VPCs (and accounts, with ``share_with``). Default ``False``.
        :param profile_vpcs: VPCs that get the zones and rules through the profile (implies
            ``profile``); they must not also be in ``vpcs``. Default none.
        :param removal_policy: what happens to the new query log group on stack deletion. Default retain.
        :param alarm_topic: SNS topic for the endpoint alarms. Default: alarms without actions.
        """
        super().__init__(scope, id)
        problems = Problems("HybridDns")
        problems.require(len(vpcs) >= 1, "vpcs", list(vpcs), "at least one VPC is required")
        problems.require(
            len(cloud_domains) >= 1,
            "cloud_domains",
            list(cloud_domains),
            "at least one domain is required (the cloud's names that on-premises resolves)",
        )
        clouds = check_domains(problems, "cloud_domains", cloud_domains)
        forwards = check_domains(problems, "on_premises_domains", on_premises_domains)
        systems = check_domains(problems, "system_domains", system_domains)
        for domain in forwards:
            if domain in clouds:
                problems.add(
                    "on_premises_domains",
                    domain,
                    "is also in cloud_domains: a name can be answered "
                    "either by the private zone or by on-premises DNS, not both",
                )
        for domain in systems:
            if domain in forwards or domain in clouds:
                problems.add(
                    "system_domains",
                    domain,
                    "is also in on_premises_domains or cloud_domains; a SYSTEM "
                    "rule is an exception for a sub-domain of an on-premises domain",
                )
            elif not any(is_under(domain, parent) for parent in forwards):
                problems.add(
                    "system_domains",
                    domain,
                    "is not under any of on_premises_domains; a SYSTEM rule is "
                    "an exception for a sub-domain of a forwarded domain",
                )

        networks = self._check_cidrs(problems, on_premises_cidrs)
        servers = self._check_servers(problems, on_premises_dns_servers, networks)
        if forwards and not on_premises_dns_servers:
            problems.add(
                "on_premises_dns_servers", [], "required with on_premises_domains (where to forward them)"
            )
        if on_premises_dns_servers and not on_premises_domains:
            problems.add(
                "on_premises_dns_servers",
                list(on_premises_dns_servers),
                "given without on_premises_domains: nothing would be forwarded to them",
            )

        subnets = self._check_subnets(problems, vpcs, endpoint_subnets)
        if subnets is not None:
            self._check_inbound_addresses(problems, inbound_addresses, subnets.subnets)
        if not query_logging and query_log_group is not None:
            problems.add("query_log_group", query_log_group.node.path, "given with query_logging=False")
        for index, principal in enumerate(share_with):
            problems.require(
                bool(_ACCOUNT.match(principal) or _ORGANIZATION.match(principal)),
                f"share_with[{index}]",
                principal,
                "must be a 12-digit account id or an organization / OU ARN",
            )
        make_profile = profile or bool(profile_vpcs)
        if share_with and not forwards and not make_profile:
            problems.add(
                "share_with", list(share_with), "nothing to share: no on_premises_domains and no profile"
            )
        for index, vpc in enumerate(profile_vpcs):
            if any(vpc is direct for direct in vpcs):
                problems.add(
                    f"profile_vpcs[{index}]",
                    vpc.node.path,
                    "is also in vpcs; associate a VPC either directly or through the profile",
                )
        if vpcs:
            check_subnets_in_vpc(problems, "endpoint_subnets", endpoint_subnets, vpcs[0], "vpcs[0]")
        problems.raise_if_any()
        assert subnets is not None

        host_vpc = vpcs[0]
        self.vpcs: list[ec2.IVpc] = list(vpcs)
        self.cloud_domains: list[str] = clouds
        self.on_premises_domains: list[str] = forwards
        self.private_zones: dict[str, route53.PrivateHostedZone] = {}
        for domain in clouds:
            zone = route53.PrivateHostedZone(
                self,
                f"Zone-{domain}",
                zone_name=domain,
                vpc=host_vpc,
                comment=f"Cloud names resolved on-premises through {id}",
            )
            for vpc in vpcs[1:]:
                zone.add_vpc(vpc)
            self.private_zones[domain] = zone

        # Inbound: on-premises -> cloud.
        self.inbound_security_group = ec2.SecurityGroup(
            self,
            "InboundSecurityGroup",
            vpc=host_vpc,
            allow_all_outbound=False,
            description="Route 53 Resolver inbound endpoint: DNS from the on-premises networks only",
        )
        for cidr in on_premises_cidrs:
            for port in (ec2.Port.tcp(DNS_PORT), ec2.Port.udp(DNS_PORT)):
                self.inbound_security_group.add_ingress_rule(ec2.Peer.ipv4(cidr), port, f"DNS from {cidr}")
        fixed = list(inbound_addresses)
        self.inbound_endpoint = resolver.CfnResolverEndpoint(
            self,
            "InboundEndpoint",
            direction="INBOUND",
            name=self._name("inbound"),
            security_group_ids=[self.inbound_security_group.security_group_id],
            ip_addresses=[
                resolver.CfnResolverEndpoint.IpAddressRequestProperty(
                    subnet_id=subnet.subnet_id, ip=fixed[index] if fixed else None
                )
                for index, subnet in enumerate(subnets.subnets)
            ],
        )
        self.addresses_function: lambda_.Function | None = None
        self.addresses_resource: CustomResource | None = None
        self.inbound_addresses: list[str] = fixed or self._read_addresses(len(subnets.subnets))

        # Outbound: cloud -> on-premises.
        self.outbound_security_group: ec2.SecurityGroup | None = None
        self.outbound_endpoint: resolver.CfnResolverEndpoint | None = None
        self.forward_rules: dict[str, resolver.CfnResolverRule] = {}
        self.system_rules: dict[str, resolver.CfnResolverRule] = {}
        self.rule_associations: list[resolver.CfnResolverRuleAssociation] = []
        if forwards:
            self._add_outbound(host_vpc, subnets.subnets, forwards, servers)
            # Cloud domains under a forwarded domain must stay with Route 53 (their private zone).
            exceptions = [*systems, *(d for d in clouds if any(is_under(d, f) for f in forwards))]
            for domain in dict.fromkeys(exceptions):
                self.system_rules[domain] = resolver.CfnResolverRule(
                    self,
                    f"System-{domain}",
                    rule_type="SYSTEM",
                    domain_name=domain,
                    name=resource_name("system", domain),
                )
            for domain, rule in {**self.forward_rules, **self.system_rules}.items():
                for index, vpc in enumerate(vpcs):
                    self.rule_associations.append(
                        resolver.CfnResolverRuleAssociation(
                            self,
                            f"Association-{domain}-{index}",
                            resolver_rule_id=rule.attr_resolver_rule_id,
                            vpc_id=vpc.vpc_id,
                            name=resource_name("vpc", domain),
                        )
                    )

        self.query_log_group: logs.ILogGroup | None = None
        self.query_log_config: resolver.CfnResolverQueryLoggingConfig | None = None
        if query_logging:
            self._add_query_logging(vpcs, query_log_group, query_log_retention, removal_policy)

        self.profile: profiles.CfnProfile | None = None
        if make_profile:
            self._add_profile(profile_vpcs)

        self.resource_share: ram.CfnResourceShare | None = None
        if share_with:
            shared = [rule.attr_arn for rule in self.forward_rules.values()]
            if self.profile is not None:
                shared.append(self.profile.attr_arn)
            self.resource_share = ram.CfnResourceShare(
                self,
                "Share",
                name=self._name("share"),
                resource_arns=shared,
                principals=list(share_with),
                allow_external_principals=allow_external_principals,
            )

        self.alarms: list[cw.Alarm] = self._add_alarms(alarm_topic, len(subnets.subnets))

    def forwarder_configuration(self, flavour: str = "bind") -> str:
        """The on-premises side: forward each cloud domain to the inbound endpoint (``bind``,
        ``unbound`` or ``windows``). Contains tokens unless ``inbound_addresses`` were fixed."""
        return conditional_forwarders(self.cloud_domains, self.inbound_addresses, flavour)

    # -- validation -------------------------------------------------------------------------------

    @staticmethod
    def _check_cidrs(
        problems: Problems, cidrs: Sequence[str]
    ) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        problems.require(
            len(cidrs) >= 1,
            "on_premises_cidrs",
            list(cidrs),
            "at least one network is required (the inbound endpoint admits DNS from it)",
        )
        networks = problems.cidrs("on_premises_cidrs", cidrs)
        for index, network in enumerate(networks):
            if network.version != 4:
                problems.add(f"on_premises_cidrs[{index}]", str(network), "must be an IPv4 network")
            elif network.prefixlen == 0:
                problems.add(f"on_premises_cidrs[{index}]", str(network), "opens DNS to the whole internet")
        return networks

    @staticmethod
    def _check_servers(
        problems: Problems,
        servers: Sequence[str],
        networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network],
    ) -> list[str]:
        valid: list[str] = []
        for index, server in enumerate(servers):
            name = f"on_premises_dns_servers[{index}]"
            if is_token(server):
                valid.append(server)
                continue
            address = problems.ip(name, server, version=4)
            if address is None:
                continue
            if str(address) in valid:
                problems.add(name, server, "is listed twice")
                continue
            if networks and not any(address in network for network in networks):
                problems.add(
                    name,
                    server,
                    "is not inside any of on_premises_cidrs: it would be unreachable "
                    "(no route) and not admitted by the security group",
                )
            valid.append(str(address))
        return valid

    @staticmethod
    def _check_subnets(
        problems: Problems, vpcs: Sequence[ec2.IVpc], selection: ec2.SubnetSelection | None
    ) -> ec2.SelectedSubnets | None:
        if not vpcs:
            return None
        try:
            selected = vpcs[0].select_subnets(**_selection_kwargs(selection))
        except Exception as error:  # jsii reports a selection that matches nothing as an error
            problems.add("endpoint_subnets", selection, f"selects no subnets of vpcs[0] ({error})")
            return None
        azs = list(selected.availability_zones)
        if len(selected.subnets) < 2:
            problems.add(
                "endpoint_subnets",
                [s.node.path for s in selected.subnets],
                "select at least two subnets (Resolver endpoints need two addresses, in two AZs)",
            )
        elif not any(is_token(az) for az in azs) and len(set(azs)) < 2:
            problems.add(
                "endpoint_subnets", azs, "all subnets are in one AZ; select subnets in at least two AZs"
            )
        return selected

    @staticmethod
    def _check_inbound_addresses(
        problems: Problems, addresses: Sequence[str], subnets: Sequence[ec2.ISubnet]
    ) -> None:
        if not addresses:
            return
        if len(addresses) != len(subnets):
            problems.add(
                "inbound_addresses",
                list(addresses),
                f"give one address per endpoint subnet ({len(subnets)} selected)",
            )
            return
        seen: set[str] = set()
        for index, (address, subnet) in enumerate(zip(addresses, subnets, strict=True)):
            name = f"inbound_addresses[{index}]"
            parsed = problems.ip(name, address, version=4)
            if parsed is None:
                continue
            if str(parsed) in seen:
                problems.add(name, address, "is listed twice")
            seen.add(str(parsed))
            cidr = subnet.ipv4_cidr_block
            if is_token(cidr):
                continue
            network = ipaddress.ip_network(cidr)
            usable = list(network.hosts())[3:-1] if network.num_addresses > 8 else []
            if parsed not in network:
                problems.add(name, address, f"is not inside its subnet {cidr} ({subnet.node.path})")
            elif not usable or not usable[0] <= parsed <= usable[-1]:
                problems.add(
                    name, address, f"is one of the addresses AWS reserves in {cidr} (first four, last)"
                )

    # -- resources --------------------------------------------------------------------------------

    def _name(self, suffix: str) -> str:
        return f"{Names.unique_resource_name(self, max_length=50, separator='-')}-{suffix}"

    def _read_addresses(self, count: int) -> list[str]:
        """``Fn::GetAtt`` has no endpoint addresses: a small custom resource lists them once deployed."""
        self.addresses_function = python_function(
            self,
            "AddressesFunction",
            code_dir=RUNTIME,
            handler="endpoint_addresses.handler",
            description="Reads the IP addresses of the Route 53 Resolver inbound endpoint for the stack outputs",
            timeout=Duration.minutes(1),
        )
        self.addresses_function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["route53resolver:ListResolverEndpointIpAddresses"],
                resources=[self.inbound_endpoint.attr_arn],
            )
        )
        self.addresses_resource = CustomResource(
            self,
            "InboundAddresses",
            service_token=self.addresses_function.function_arn,
            resource_type="Custom::ResolverEndpointAddresses",
            properties={"EndpointId": self.inbound_endpoint.attr_resolver_endpoint_id},
        )
        return [self.addresses_resource.get_att_string(f"Address{index}") for index in range(count)]

    def _add_outbound(
        self, vpc: ec2.IVpc, subnets: Sequence[ec2.ISubnet], domains: Sequence[str], servers: Sequence[str]
    ) -> None:
        self.outbound_security_group = ec2.SecurityGroup(
            self,
            "OutboundSecurityGroup",
            vpc=vpc,
            allow_all_outbound=False,
            description="Route 53 Resolver outbound endpoint: DNS to the on-premises DNS servers only",
        )
        for server in servers:
            for port in (ec2.Port.tcp(DNS_PORT), ec2.Port.udp(DNS_PORT)):
                self.outbound_security_group.add_egress_rule(
                    ec2.Peer.ipv4(f"{server}/32"), port, f"DNS to {server}"
                )
        self.outbound_endpoint = resolver.CfnResolverEndpoint(
            self,
            "OutboundEndpoint",
            direction="OUTBOUND",
            name=self._name("outbound"),
            security_group_ids=[self.outbound_security_group.security_group_id],
            ip_addresses=[
                resolver.CfnResolverEndpoint.IpAddressRequestProperty(subnet_id=s.subnet_id) for s in subnets
            ],
        )
        targets = [
            resolver.CfnResolverRule.TargetAddressProperty(ip=server, port=str(DNS_PORT))
            for server in servers
        ]
        for domain in domains:
            self.forward_rules[domain] = resolver.CfnResolverRule(
                self,
                f"Forward-{domain}",
                rule_type="FORWARD",
                domain_name=domain,
                name=resource_name("forward", domain),
                resolver_endpoint_id=self.outbound_endpoint.attr_resolver_endpoint_id,
                target_ips=targets,
            )

    def _add_query_logging(
        self,
        vpcs: Sequence[ec2.IVpc],
        existing: logs.ILogGroup | None,
        retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
    ) -> None:
        # Resolver adds the log group's resource policy itself (vended logs) when the config is created.
        self.query_log_group = existing or log_group(
            self, "QueryLogs", retention=retention, removal_policy=removal_policy
        )
        self.query_log_config = resolver.CfnResolverQueryLoggingConfig(
            self,
            "QueryLogging",
            destination_arn=self.query_log_group.log_group_arn,
            name=self._name("queries"),
        )
        for index, vpc in enumerate(vpcs):
            resolver.CfnResolverQueryLoggingConfigAssociation(
                self,
                f"QueryLoggingVpc{index}",
                resolver_query_log_config_id=self.query_log_config.attr_id,
                resource_id=vpc.vpc_id,
            )

    def _add_profile(self, vpcs: Sequence[ec2.IVpc]) -> None:
        self.profile = profiles.CfnProfile(self, "Profile", name=self._name("profile"))
        resources: dict[str, str] = {
            **{resource_name("zone", d): z.hosted_zone_arn for d, z in self.private_zones.items()},
            **{resource_name("forward", d): r.attr_arn for d, r in self.forward_rules.items()},
            **{resource_name("system", d): r.attr_arn for d, r in self.system_rules.items()},
        }
        for name, arn in resources.items():
            profiles.CfnProfileResourceAssociation(
                self, f"Profile-{name}", profile_id=self.profile.attr_id, name=name, resource_arn=arn
            )
        for index, vpc in enumerate(vpcs):
            profiles.CfnProfileAssociation(
                self,
                f"ProfileVpc{index}",
                profile_id=self.profile.attr_id,
                resource_id=vpc.vpc_id,
                name=f"vpc-{index}",
            )

    def _add_alarms(self, topic: sns.ITopic | None, addresses: int) -> list[cw.Alarm]:
        created: list[cw.Alarm] = []
        directions: tuple[tuple[str, Literal["inbound", "outbound"], object], ...] = (
            ("Inbound", "inbound", self.inbound_endpoint),
            ("Outbound", "outbound", self.outbound_endpoint),
        )
        for direction, key, endpoint in directions:
            if endpoint is None:
                continue
            created.append(
                alarm(
                    self,
                    f"{direction}EndpointUnhealthy",
                    metric=self.metric_endpoint_unhealthy_eni_count(key),
                    threshold=1,
                    evaluation_periods=2,
                    description=f"The {direction.lower()} Resolver endpoint has had a network interface in AUTO_RECOVERING "
                    "for 10 minutes: DNS between on-premises and the cloud runs without redundancy.",
                    topic=topic,
                )
            )
            created.append(
                alarm(
                    self,
                    f"{direction}EndpointDegraded",
                    metric=self.metric_endpoint_healthy_eni_count(key),
                    threshold=addresses,
                    comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
                    evaluation_periods=2,
                    description=f"Fewer than {addresses} network interfaces of the {direction.lower()} Resolver endpoint "
                    "have been healthy for 10 minutes.",
                    topic=topic,
                )
            )
        return created

    # --- what aws-cdk-lib users reach for: metrics and connections --------------------------------
    def metric(
        self, metric_name: str, direction: Literal["inbound", "outbound"] = "inbound", **props: Any
    ) -> cw.Metric:
        """An ``AWS/Route53Resolver`` metric of the inbound or outbound endpoint (dimension
        ``EndpointId``). ``props`` are ``cloudwatch.MetricOptions`` (default: Sum over 5 minutes)."""
        if direction not in ("inbound", "outbound"):
            raise ValueError(
                f"HybridDns {self.node.path}: direction={direction!r}: must be 'inbound' or 'outbound'"
            )
        endpoint = self.inbound_endpoint if direction == "inbound" else self.outbound_endpoint
        if endpoint is None:
            raise ValueError(
                f"HybridDns {self.node.path}: direction={direction!r}: there is no outbound endpoint "
                "(no on_premises_domains)"
            )
        options: dict[str, Any] = {"statistic": "Sum", "period": Duration.minutes(5), **props}
        return cw.Metric(
            namespace="AWS/Route53Resolver",
            metric_name=metric_name,
            dimensions_map={"EndpointId": endpoint.attr_resolver_endpoint_id},
            **options,
        )

    def metric_endpoint_unhealthy_eni_count(
        self, direction: Literal["inbound", "outbound"] = "inbound", **props: Any
    ) -> cw.Metric:
        """Endpoint network interfaces in AUTO_RECOVERING (Maximum over 5 minutes): what
        ``<Direction>EndpointUnhealthy`` watches."""
        return self.metric("EndpointUnhealthyENICount", direction, **{"statistic": "Maximum", **props})

    def metric_endpoint_healthy_eni_count(
        self, direction: Literal["inbound", "outbound"] = "inbound", **props: Any
    ) -> cw.Metric:
        """Healthy endpoint network interfaces (Minimum over 5 minutes): what
        ``<Direction>EndpointDegraded`` watches."""
        return self.metric("EndpointHealthyENICount", direction, **{"statistic": "Minimum", **props})

    def metric_query_volume(
        self, direction: Literal["inbound", "outbound"] = "inbound", **props: Any
    ) -> cw.Metric:
        """DNS queries through the endpoint (``InboundQueryVolume`` / ``OutboundQueryVolume``, Sum over
        5 minutes)."""
        return self.metric(f"{direction.capitalize()}QueryVolume", direction, **props)

    @property
    def connections(self) -> ec2.Connections:
        """The inbound endpoint's security group, default port TCP 53 (``ec2.IConnectable``): let another
        network resolve cloud names with ``dns.connections.allow_default_port_from(peer)`` (add UDP 53
        with ``allow_from(peer, ec2.Port.udp(53))``)."""
        return ec2.Connections(
            security_groups=[self.inbound_security_group], default_port=ec2.Port.tcp(DNS_PORT)
        )

    @property
    def outbound_connections(self) -> ec2.Connections | None:
        """The outbound endpoint's security group (``None`` without ``on_premises_domains``)."""
        if self.outbound_security_group is None:
            return None
        return ec2.Connections(
            security_groups=[self.outbound_security_group], default_port=ec2.Port.tcp(DNS_PORT)
        )


def _selection_kwargs(selection: ec2.SubnetSelection | None) -> dict[str, Any]:
    """``select_subnets`` keyword arguments; by default one private subnet per AZ."""
    if selection is None:
        return {"one_per_az": True}
    return {
        "availability_zones": selection.availability_zones,
        "one_per_az": selection.one_per_az,
        "subnet_filters": selection.subnet_filters,
        "subnet_group_name": selection.subnet_group_name,
        "subnet_type": selection.subnet_type,
        "subnets": selection.subnets,
    }
