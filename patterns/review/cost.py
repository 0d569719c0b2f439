"""The estimated fixed monthly cost of a stack while idle, from the price table in ``prices.py``.

Each resource type is either priced by an estimator (NAT gateways, load balancers, endpoints...), known to cost
nothing while idle (free, or billed only by usage), or listed as "not costed": an estimate never fails on a type
it does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import prices as p
from .cfn import (
    TIMES,
    as_list,
    endpoint_service,
    flat_text,
    is_intrinsic,
    is_true,
    obj,
    ref_target,
    referenced_ids,
    service_of,
)
from .load import StackTemplate, type_of

H = p.HOURS_PER_MONTH


@dataclass(frozen=True)
class CostLine:
    logical_id: str
    resource_type: str
    monthly: float
    basis: str


@dataclass
class CostReport:
    """``lines``: resources that bill while idle; ``idle_free``: type -> (count, why $0); ``not_costed``."""

    lines: list[CostLine] = field(default_factory=list)
    idle_free: dict[str, tuple[int, str]] = field(default_factory=dict)
    not_costed: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(line.monthly for line in self.lines), 2)


Estimate = tuple[float | None, str]
"""(monthly USD, basis); monthly None = not costed (basis says why); 0.0 = nothing while idle."""


class _NotCosted(Exception):
    pass


def _count(value: Any, what: str) -> int:
    """A literal integer (CDK often writes numbers as strings); intrinsic or missing values are not costed."""
    if value is None or is_intrinsic(value):
        raise _NotCosted(f"{what} is {'not set' if value is None else 'resolved at deploy time'}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _NotCosted(f"{what} is not a number: {value!r}") from None


def _hourly(rate: float, count: int = 1, unit: str = "") -> tuple[float, str]:
    label = f"{count} {unit} {TIMES} " if unit else ""
    return rate * count * H, f"{label}${rate:g}/h {TIMES} {H} h"


def _nat(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    return _hourly(p.NAT_GATEWAY_HOUR)


def _eip(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    return p.PUBLIC_IPV4_HOUR * H, f"public IPv4 address ${p.PUBLIC_IPV4_HOUR:g}/h {TIMES} {H} h"


def _public_ipv4(count: int) -> tuple[float, str]:
    """``count`` public IPv4 addresses for a month, and its basis."""
    addresses = "public IPv4 address" if count == 1 else "public IPv4 addresses"
    return (
        count * p.PUBLIC_IPV4_HOUR * H,
        f"{count} {addresses} {TIMES} ${p.PUBLIC_IPV4_HOUR:g}/h {TIMES} {H} h",
    )


def _load_balancer_zones(props: dict[str, Any]) -> tuple[int, str]:
    """The number of AZs (one public IPv4 address each) of a load balancer, and how it was found."""
    for key in ("SubnetMappings", "Subnets"):
        value = props.get(key)
        if isinstance(value, list) and value:
            return len(value), ""
    return 2, " (subnets resolved at deploy time: at least 2 AZs)"


def _load_balancer(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    kind = str(props.get("Type", "application"))
    rate = p.LOAD_BALANCER_HOUR.get(kind)
    if rate is None:
        return None, f"load balancer type {kind} not in the price table"
    monthly, basis = _hourly(rate)
    basis = f"{kind} load balancer {basis}"
    if kind != "gateway" and props.get("Scheme", "internet-facing") == "internet-facing":
        zones, how = _load_balancer_zones(props)
        extra, extra_basis = _public_ipv4(zones)
        monthly += extra
        basis += f" + {extra_basis} (one per AZ{how})"
    return monthly, basis + ", plus capacity units by usage"


def _classic_lb(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    monthly, basis = _hourly(p.LOAD_BALANCER_HOUR["classic"])
    basis = f"classic load balancer {basis}"
    if props.get("Scheme", "internet-facing") == "internet-facing":
        zones, how = _load_balancer_zones(props)
        extra, extra_basis = _public_ipv4(zones)
        monthly += extra
        basis += f" + {extra_basis} (one per AZ{how})"
    return monthly, basis


def _endpoint(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    kind = str(props.get("VpcEndpointType", "Gateway"))
    if kind == "Gateway":
        return 0.0, "gateway endpoint: free"
    subnets = props.get("SubnetIds")
    if not isinstance(subnets, list) or not subnets:
        return None, f"{kind} endpoint with subnets resolved at deploy time (per-AZ price unknown)"
    service = endpoint_service(props.get("ServiceName", ""))
    monthly, basis = _hourly(p.INTERFACE_ENDPOINT_AZ_HOUR, len(subnets), "AZ")
    return monthly, f"{kind} endpoint {service}: {basis}".replace("endpoint : ", "endpoint: ")


def _resolver_endpoint(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    addresses = as_list(props.get("IpAddresses"))
    direction = str(props.get("Direction", "")).lower()
    monthly, basis = _hourly(
        p.RESOLVER_ENDPOINT_IP_HOUR, len(addresses), "IP address" if len(addresses) == 1 else "IP addresses"
    )
    return monthly, f"{direction} Resolver endpoint: {basis}"


def _fsx(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    kind = str(props.get("FileSystemType", "?"))
    capacity = _count(props.get("StorageCapacity"), "StorageCapacity")
    if kind == "LUSTRE":
        config = obj(props.get("LustreConfiguration"))
        deployment = str(config.get("DeploymentType", "SCRATCH_1"))
        throughput = config.get("PerUnitStorageThroughput")
        key = (deployment, _count(throughput, "PerUnitStorageThroughput") if throughput is not None else None)
        rate = p.FSX_LUSTRE_GB_MONTH.get(key)
        if rate is None:
            return None, f"FSx for Lustre {deployment} at {throughput} MB/s/TiB not in the price table"
        tier = f" {key[1]} MB/s/TiB" if key[1] else ""
        return capacity * rate, f"Lustre {deployment}{tier}: {capacity} GiB {TIMES} ${rate:g}/GiB-month"
    if kind == "WINDOWS":
        config = obj(props.get("WindowsConfiguration"))
        deployment = str(config.get("DeploymentType", "SINGLE_AZ_1"))
        storage_type = props.get("StorageType")
        # FSx for Windows File Server uses SSD storage when StorageType is not set
        default = " (StorageType not set: SSD by default)" if storage_type is None else ""
        storage = "SSD" if storage_type is None else flat_text(storage_type)
        if storage != "SSD" or deployment not in p.FSX_WINDOWS_SSD_GB_MONTH:
            return None, f"FSx for Windows {deployment} {storage}{default} not in the price table"
        throughput = _count(config.get("ThroughputCapacity"), "ThroughputCapacity")
        gb_month, mbps = (
            p.FSX_WINDOWS_SSD_GB_MONTH[deployment],
            p.FSX_WINDOWS_THROUGHPUT_MBPS_MONTH[deployment],
        )
        label = f"{deployment} SSD{default}" if default else deployment
        return capacity * gb_month + throughput * mbps, (
            f"Windows {label}: {capacity} GiB {TIMES} ${gb_month:.3f} + {throughput} MBps {TIMES} ${mbps:.2f} per month"
        )
    return None, f"FSx {kind} not in the price table"


def _instance_type_of_group(stack: StackTemplate, props: dict[str, Any]) -> str | None:
    if config := ref_target(props.get("LaunchConfigurationName")):
        return stack.props(config).get("InstanceType")
    mixed = obj(obj(props.get("MixedInstancesPolicy")).get("LaunchTemplate"))
    for override in as_list(mixed.get("Overrides")):
        if isinstance(override, dict) and override.get("InstanceType"):
            return str(override["InstanceType"])
    spec = obj(props.get("LaunchTemplate") or mixed.get("LaunchTemplateSpecification"))
    if template := ref_target(spec.get("LaunchTemplateId") or spec.get("LaunchTemplateName")):
        return obj(stack.props(template).get("LaunchTemplateData")).get("InstanceType")
    return None


def _instances(count: int, instance_type: Any, what: str, public: bool) -> Estimate:
    if count == 0:
        return 0.0, f"{what}: none while idle"
    if not isinstance(instance_type, str):
        return None, f"{what}: instance type unknown at synth"
    rate = p.EC2_INSTANCE_HOUR.get(instance_type)
    if rate is None:
        return None, f"{what}: instance type {instance_type} not in the price table"
    monthly, basis = _hourly(rate, count, instance_type)
    if public:
        extra, extra_basis = _public_ipv4(count)
        monthly += extra
        basis += f" + {extra_basis}"
    return monthly, f"{what}: {basis}"


def _public_interfaces(interfaces: Any) -> bool:
    """True when a network interface list asks for a public IPv4 address (AssociatePublicIpAddress)."""
    return any(
        isinstance(eni, dict) and is_true(eni.get("AssociatePublicIpAddress")) for eni in as_list(interfaces)
    )


def _launch_data_of_group(stack: StackTemplate, props: dict[str, Any]) -> dict[str, Any]:
    mixed = obj(obj(props.get("MixedInstancesPolicy")).get("LaunchTemplate"))
    spec = obj(props.get("LaunchTemplate") or mixed.get("LaunchTemplateSpecification"))
    if template := ref_target(spec.get("LaunchTemplateId") or spec.get("LaunchTemplateName")):
        return obj(stack.props(template).get("LaunchTemplateData"))
    return {}


def _auto_scaling_group(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    minimum = _count(props.get("MinSize", props.get("DesiredCapacity")), "MinSize")
    desired = props.get("DesiredCapacity")
    count = max(minimum, _count(desired, "DesiredCapacity")) if desired is not None else minimum
    what = (
        f"max(desired {desired}, minimum {minimum}) = {count}"
        if desired is not None
        else (f"minimum capacity {count}")
    )
    public = _public_interfaces(_launch_data_of_group(stack, props).get("NetworkInterfaces"))
    if config := ref_target(props.get("LaunchConfigurationName")):
        public = public or is_true(stack.props(config).get("AssociatePublicIpAddress"))
    return _instances(count, _instance_type_of_group(stack, props), what, public)


def _instance(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    public = _public_interfaces(props.get("NetworkInterfaces"))
    return _instances(1, props.get("InstanceType", "m1.small"), "always-on instance", public)


def _batch(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    resources = obj(props.get("ComputeResources"))
    if props.get("Type", "MANAGED") != "MANAGED" or not resources:
        return 0.0, "unmanaged compute environment: instances are costed where they are defined"
    kind = flat_text(resources.get("Type", "EC2"))
    minimum = resources.get("MinvCpus")
    if kind.startswith("FARGATE"):
        ignored = f" (MinvCpus {flat_text(minimum)} does not apply to Fargate)" if minimum is not None else ""
        return 0.0, f"{kind} compute environment{ignored}: tasks only while jobs run"
    if minimum is None:
        return 0.0, "MinvCpus not set (0 by default): instances only while jobs run"
    vcpus = _count(minimum, "MinvCpus")
    if vcpus == 0:
        return 0.0, "MinvCpus 0: instances only while jobs run"
    rate, source = p.BATCH_DEFAULT_VCPU_HOUR, "m5.large per vCPU"
    for name in as_list(resources.get("InstanceTypes")):
        if isinstance(name, str) and name in p.EC2_INSTANCE_HOUR:
            rate, source = p.EC2_INSTANCE_HOUR[name] / p.EC2_INSTANCE_VCPUS[name], f"{name} per vCPU"
            break
    spot = " (on-demand price: Spot is cheaper)" if kind == "SPOT" else ""
    return vcpus * rate * H, f"MinvCpus {vcpus} {TIMES} ${rate:.4f}/vCPU-h ({source}) {TIMES} {H} h{spot}"


def _fargate_service(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    providers = [
        str(s.get("CapacityProvider", ""))
        for s in as_list(props.get("CapacityProviderStrategy"))
        if isinstance(s, dict)
    ]
    if props.get("LaunchType") != "FARGATE" and not any(name.startswith("FARGATE") for name in providers):
        return 0.0, "EC2 launch type: its instances are costed with their Auto Scaling group"
    desired = props.get("DesiredCount")
    minimum = _scaling_minimum(stack, props)
    if minimum is None:
        count = _count(1 if desired is None else desired, "DesiredCount")
        what = f"DesiredCount {count}" if desired is not None else "DesiredCount not set: 1"
    elif desired is None:
        count = minimum
        what = f"scaling minimum {minimum} (DesiredCount not set)"
    else:
        count = max(_count(desired, "DesiredCount"), minimum)
        what = f"max(DesiredCount {desired}, scaling minimum {minimum}) = {count}"
    if count == 0:
        return 0.0, f"{what}: no task while idle"
    task = stack.props(ref_target(props.get("TaskDefinition")) or "")
    if not task:
        return None, "Fargate task definition not in this template"
    vcpu = _count(task.get("Cpu"), "task Cpu") / 1024
    memory = _count(task.get("Memory"), "task Memory") / 1024
    arch = str(obj(task.get("RuntimePlatform")).get("CpuArchitecture", "X86_64"))
    arch = arch if arch in p.FARGATE_VCPU_HOUR else "X86_64"
    rate = vcpu * p.FARGATE_VCPU_HOUR[arch] + memory * p.FARGATE_GB_HOUR[arch]
    spot = ", on-demand price (Fargate Spot is cheaper)" if any("SPOT" in name for name in providers) else ""
    monthly = count * rate * H
    basis = f"{what}: {count} task(s) {TIMES} ({vcpu:g} vCPU + {memory:g} GB {arch}) {TIMES} ${rate:.4f}/h {TIMES} {H} h"
    network = obj(obj(props.get("NetworkConfiguration")).get("AwsvpcConfiguration"))
    if network.get("AssignPublicIp") == "ENABLED":
        extra, extra_basis = _public_ipv4(count)
        monthly += extra
        basis += f" + {extra_basis}"
    return monthly, basis + spot


def _scaling_minimum(stack: StackTemplate, service_props: dict[str, Any]) -> int | None:
    """MinCapacity of the Application Auto Scaling target of the ECS service whose Properties are
    ``service_props`` (its ResourceId references the service), or None when the service has none."""
    for _, target in stack.of_type("AWS::ApplicationAutoScaling::ScalableTarget"):
        props = target["Properties"]
        if props.get("ScalableDimension") != "ecs:service:DesiredCount":
            continue
        if any(stack.props(lid) is service_props for lid in referenced_ids(props.get("ResourceId"))):
            return _count(props.get("MinCapacity"), "scaling target MinCapacity")
    return None


def _web_acl(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    rules = len(as_list(props.get("Rules")))
    monthly = p.WAF_WEB_ACL_MONTH + rules * p.WAF_RULE_MONTH
    return (
        monthly,
        f"web ACL ${p.WAF_WEB_ACL_MONTH:.2f} + {rules} rule(s) {TIMES} ${p.WAF_RULE_MONTH:.2f}, plus requests",
    )


def _alarm(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    metrics = [m for m in as_list(props.get("Metrics")) if isinstance(m, dict)]
    anomaly = any("ANOMALY_DETECTION_BAND" in flat_text(m.get("Expression", "")) for m in metrics)
    period = props.get("Period")
    high_res = isinstance(period, int | str) and str(period).isdigit() and int(period) < 60
    count = sum(1 for m in metrics if "MetricStat" in m) or 1
    if anomaly:
        count, what = 3, "anomaly detection alarm (3 metrics)"
    else:
        what = f"{count} metric(s)"
    rate = p.ALARM_HIGH_RESOLUTION_MONTH if high_res else p.ALARM_MONTH
    return count * rate, f"{what} {TIMES} ${rate:.2f}{' (high resolution)' if high_res else ''}"


# The two factories below run once, at import, to fill ESTIMATORS; mutmut switches a mutant on only after the
# import, so their mutants cannot run at all. What they return is tested through every type priced with them.
def _fixed(monthly: float, basis: str) -> Callable[[StackTemplate, dict[str, Any]], Estimate]:
    return lambda stack, props: (monthly, basis)  # pragma: no mutate


def _hourly_fixed(rate: float, basis: str) -> Callable[[StackTemplate, dict[str, Any]], Estimate]:
    return lambda stack, props: (rate * H, f"{basis} ${rate:g}/h {TIMES} {H} h")  # pragma: no mutate


def _network_firewall(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    endpoints = len(as_list(props.get("SubnetMappings")))
    return _hourly(p.NETWORK_FIREWALL_ENDPOINT_HOUR, endpoints, "endpoint(s)")


def _parameter(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    if props.get("Tier") == "Advanced":
        return p.SSM_ADVANCED_PARAMETER_MONTH, f"advanced parameter ${p.SSM_ADVANCED_PARAMETER_MONTH:.2f}"
    return 0.0, "standard parameter: free"


def _table(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    if props.get("BillingMode") == "PAY_PER_REQUEST":
        return 0.0, "on-demand capacity: usage only"
    throughputs = [obj(props.get("ProvisionedThroughput"))] + [
        obj(index.get("ProvisionedThroughput"))
        for index in as_list(props.get("GlobalSecondaryIndexes"))
        if isinstance(index, dict)
    ]
    rcu = sum(_count(t.get("ReadCapacityUnits", 0), "ReadCapacityUnits") for t in throughputs)
    wcu = sum(_count(t.get("WriteCapacityUnits", 0), "WriteCapacityUnits") for t in throughputs)
    monthly = (rcu * p.DYNAMODB_RCU_HOUR + wcu * p.DYNAMODB_WCU_HOUR) * H
    return (
        monthly,
        f"provisioned {rcu} RCU {TIMES} ${p.DYNAMODB_RCU_HOUR:g}/h + {wcu} WCU {TIMES} ${p.DYNAMODB_WCU_HOUR:g}/h {TIMES} {H} h",
    )


def _global_table(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    if props.get("BillingMode") == "PAY_PER_REQUEST":
        return 0.0, "on-demand capacity: usage only"
    return None, "provisioned global table (auto-scaled capacity) not in the price table"


def _stream(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    if obj(props.get("StreamModeDetails")).get("StreamMode") == "ON_DEMAND":
        return _hourly(p.KINESIS_ON_DEMAND_STREAM_HOUR, 1, "on-demand stream")
    shards = _count(props.get("ShardCount", 1), "ShardCount")
    return _hourly(p.KINESIS_SHARD_HOUR, shards, "shard(s)")


def _shield(stack: StackTemplate, props: dict[str, Any]) -> Estimate:
    return 0.0, "no per-protection fee (the Shield Advanced subscription is separate)"


ESTIMATORS: dict[str, Callable[[StackTemplate, dict[str, Any]], Estimate]] = {
    "AWS::EC2::NatGateway": _nat,
    "AWS::EC2::EIP": _eip,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _load_balancer,
    "AWS::ElasticLoadBalancing::LoadBalancer": _classic_lb,
    "AWS::EC2::VPCEndpoint": _endpoint,
    "AWS::Route53Resolver::ResolverEndpoint": _resolver_endpoint,
    "AWS::FSx::FileSystem": _fsx,
    "AWS::AutoScaling::AutoScalingGroup": _auto_scaling_group,
    "AWS::EC2::Instance": _instance,
    "AWS::Batch::ComputeEnvironment": _batch,
    "AWS::ECS::Service": _fargate_service,
    "AWS::WAFv2::WebACL": _web_acl,
    "AWS::Shield::Protection": _shield,
    "AWS::KMS::Key": _fixed(p.KMS_KEY_MONTH, f"customer managed key ${p.KMS_KEY_MONTH:.2f}"),
    "AWS::KMS::ReplicaKey": _fixed(p.KMS_KEY_MONTH, f"replica key ${p.KMS_KEY_MONTH:.2f}"),
    "AWS::Route53::HostedZone": _fixed(
        p.HOSTED_ZONE_MONTH, f"hosted zone ${p.HOSTED_ZONE_MONTH:.2f}, plus queries"
    ),
    "AWS::ServiceDiscovery::PrivateDnsNamespace": _fixed(p.HOSTED_ZONE_MONTH, "its hosted zone"),
    "AWS::ServiceDiscovery::PublicDnsNamespace": _fixed(p.HOSTED_ZONE_MONTH, "its hosted zone"),
    "AWS::Route53::HealthCheck": _fixed(
        p.HEALTH_CHECK_MONTH, f"health check ${p.HEALTH_CHECK_MONTH:.2f} (AWS endpoint)"
    ),
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::CloudWatch::CompositeAlarm": _fixed(
        p.COMPOSITE_ALARM_MONTH, f"composite alarm ${p.COMPOSITE_ALARM_MONTH:.2f}"
    ),
    "AWS::CloudWatch::Dashboard": _fixed(
        p.DASHBOARD_MONTH, f"dashboard ${p.DASHBOARD_MONTH:.2f} (first 3 per account free)"
    ),
    "AWS::SecretsManager::Secret": _fixed(p.SECRET_MONTH, f"secret ${p.SECRET_MONTH:.2f}, plus API calls"),
    "AWS::EC2::VPNConnection": _hourly_fixed(p.VPN_CONNECTION_HOUR, "Site-to-Site VPN connection"),
    "AWS::EC2::ClientVpnTargetNetworkAssociation": _hourly_fixed(
        p.CLIENT_VPN_ASSOCIATION_HOUR, "Client VPN association"
    ),
    "AWS::EC2::TransitGatewayAttachment": _hourly_fixed(p.TRANSIT_GATEWAY_ATTACHMENT_HOUR, "attachment"),
    "AWS::EC2::TransitGatewayVpcAttachment": _hourly_fixed(p.TRANSIT_GATEWAY_ATTACHMENT_HOUR, "attachment"),
    "AWS::NetworkFirewall::Firewall": _network_firewall,
    "AWS::SSM::Parameter": _parameter,
    "AWS::DynamoDB::Table": _table,
    "AWS::DynamoDB::GlobalTable": _global_table,
    "AWS::Kinesis::Stream": _stream,
}
"""Types that may bill while idle, and how."""

FREE = "free"
USAGE = "usage only"

IDLE_FREE_TYPES: dict[str, str] = {
    **dict.fromkeys(
        [
            f"AWS::EC2::{name}"
            for name in (
                "VPC",
                "Subnet",
                "RouteTable",
                "Route",
                "SubnetRouteTableAssociation",
                "InternetGateway",
                "EgressOnlyInternetGateway",
                "VPCGatewayAttachment",
                "SecurityGroup",
                "SecurityGroupIngress",
                "SecurityGroupEgress",
                "NetworkAcl",
                "NetworkAclEntry",
                "SubnetNetworkAclAssociation",
                "VPNGateway",
                "CustomerGateway",
                "VPNGatewayRoutePropagation",
                "VPNConnectionRoute",
                "LaunchTemplate",
                "KeyPair",
                "PrefixList",
                "DHCPOptions",
                "VPCDHCPOptionsAssociation",
                "VPCCidrBlock",
                "SubnetCidrBlock",
                "PlacementGroup",
                "NetworkInterface",
                "TransitGateway",
                "TransitGatewayRouteTable",
                "TransitGatewayRoute",
                "TransitGatewayRouteTableAssociation",
                "TransitGatewayRouteTablePropagation",
                "ClientVpnEndpoint",
                "ClientVpnRoute",
                "ClientVpnAuthorizationRule",
                "EIPAssociation",
                "NetworkInterfaceAttachment",
                "InstanceConnectEndpoint",
            )
        ],
        FREE,
    ),
    "AWS::EC2::FlowLog": USAGE + " (log delivery)",
    **dict.fromkeys(
        [
            f"AWS::ElasticLoadBalancingV2::{name}"
            for name in ("Listener", "ListenerRule", "TargetGroup", "ListenerCertificate")
        ],
        FREE + " (part of the load balancer)",
    ),
    **dict.fromkeys(
        [
            "AWS::AutoScaling::LaunchConfiguration",
            "AWS::AutoScaling::ScalingPolicy",
            "AWS::AutoScaling::LifecycleHook",
            "AWS::AutoScaling::ScheduledAction",
            "AWS::AutoScaling::WarmPool",
            "AWS::ECS::Cluster",
            "AWS::ECS::TaskDefinition",
            "AWS::ECS::CapacityProvider",
            "AWS::ECS::ClusterCapacityProviderAssociations",
            "AWS::Batch::JobQueue",
            "AWS::Batch::JobDefinition",
            "AWS::Batch::SchedulingPolicy",
            "AWS::Route53Resolver::ResolverRule",
            "AWS::Route53Resolver::ResolverRuleAssociation",
            "AWS::KMS::Alias",
            "AWS::SecretsManager::RotationSchedule",
            "AWS::SecretsManager::ResourcePolicy",
            "AWS::SecretsManager::SecretTargetAttachment",
            "AWS::WAFv2::IPSet",
            "AWS::WAFv2::RegexPatternSet",
            "AWS::WAFv2::WebACLAssociation",
            "AWS::Shield::ProtectionGroup",
            "AWS::CertificateManager::Certificate",
            "AWS::ServiceDiscovery::HttpNamespace",
            "AWS::AccessAnalyzer::Analyzer",
            "AWS::Route53::DNSSEC",
            "AWS::Route53::KeySigningKey",
            "AWS::DLM::LifecyclePolicy",
        ],
        FREE,
    ),
    **dict.fromkeys(
        [
            "AWS::Route53::RecordSet",
            "AWS::Route53::RecordSetGroup",
            "AWS::Route53Resolver::ResolverQueryLoggingConfig",
            "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation",
            "AWS::Route53Resolver::FirewallRuleGroup",
            "AWS::Route53Resolver::FirewallDomainList",
            "AWS::Route53Resolver::FirewallRuleGroupAssociation",
            "AWS::WAFv2::LoggingConfiguration",
            "AWS::ServiceDiscovery::Service",
            "AWS::CloudWatch::AnomalyDetector",
            "AWS::CloudWatch::MetricStream",
            "AWS::EFS::FileSystem",
            "AWS::EFS::MountTarget",
            "AWS::EFS::AccessPoint",
            "AWS::Config::ConfigurationRecorder",
            "AWS::Config::DeliveryChannel",
            "AWS::Config::ConformancePack",
            "AWS::Config::RemediationConfiguration",
            "AWS::FSx::DataRepositoryAssociation",
        ],
        USAGE,
    ),
    "AWS::Config::ConfigRule": USAGE + " ($0.001 per rule evaluation: $0 while idle)",
    "AWS::WAFv2::RuleGroup": FREE + " here (counted as one rule in each web ACL that uses it)",
    "AWS::CDK::Metadata": FREE,
}
"""Types with no idle cost, and why."""

IDLE_FREE_SERVICES: dict[str, str] = {
    **dict.fromkeys(["IAM", "CloudFormation", "Custom", "SSO", "Organizations"], FREE),
    **dict.fromkeys(
        [
            "Lambda",
            "S3",
            "SQS",
            "SNS",
            "Logs",
            "StepFunctions",
            "ApiGateway",
            "ApiGatewayV2",
            "CloudFront",
            "Events",
            "Scheduler",
            "Pipes",
            "ECR",
            "Cognito",
            "ImageBuilder",
            "Backup",
            "GuardDuty",
            "SecurityHub",
            "Inspector",
            "InspectorV2",
            "CloudTrail",
            "Athena",
            "Glue",
            "CodeBuild",
            "SSM",
            "ApplicationAutoScaling",
            "AppSync",
            "Budgets",
            "SES",
            "XRay",
            "Macie",
            "Detective",
        ],
        USAGE,
    ),
}
"""Services whose every type (not priced above) has no idle cost."""


def estimate(stack: StackTemplate) -> CostReport:
    """The idle monthly cost of ``stack``: one line per billed resource, $0 types by count, the rest not costed."""
    report = CostReport()
    idle: dict[str, list[str]] = {}
    for lid, res in stack.resources.items():
        resource_type = type_of(res)
        props = (
            res.get("Properties") if isinstance(res, dict) and isinstance(res.get("Properties"), dict) else {}
        )
        estimator = ESTIMATORS.get(resource_type)
        if estimator is not None:
            try:
                monthly, basis = estimator(stack, obj(props))
            except _NotCosted as error:
                monthly, basis = None, str(error)
            if monthly is None:
                report.not_costed.append((lid, resource_type, basis))
            elif monthly > 0:
                report.lines.append(CostLine(lid, resource_type, round(monthly, 2), basis))
            else:
                idle.setdefault(resource_type, []).append(basis)
            continue
        why = IDLE_FREE_TYPES.get(resource_type) or IDLE_FREE_SERVICES.get(service_of(resource_type))
        if resource_type.startswith("Custom::"):
            why = FREE + " (custom resource backed by a function)"
        if why is None:
            report.not_costed.append((lid, resource_type, "type not in the price table"))
        else:
            idle.setdefault(resource_type, []).append(why)
    report.idle_free = {t: (len(reasons), reasons[0]) for t, reasons in sorted(idle.items())}
    if stack.of_type("AWS::Shield::Protection"):
        report.notes.append(
            f"Shield Advanced protections need the Shield Advanced subscription: "
            f"${p.SHIELD_ADVANCED_SUBSCRIPTION_MONTH:,.0f}/month per organization (1-year commitment), "
            "not included in the total."
        )
    if stack.of_type("AWS::CloudWatch::Dashboard"):
        report.notes.append(
            "The first 3 CloudWatch dashboards of an account are free; the total counts each one."
        )
    return report
