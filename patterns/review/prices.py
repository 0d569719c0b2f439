"""The price table of the idle-cost estimate: us-east-1 on-demand list prices in USD.

PRICES_AS_OF is the date the figures were taken from the AWS pricing pages cited next to each one. List
prices change: check the page before quoting a figure. Usage charges (requests, GB processed, LCUs, data
transfer, storage actually used) are deliberately absent: the report costs what bills while nothing happens.
"""

from __future__ import annotations

from dataclasses import dataclass

PRICES_AS_OF = "2026-01"
REGION = "us-east-1"
HOURS_PER_MONTH = 730

# https://aws.amazon.com/vpc/pricing/ (NAT gateway: per hour, plus per GB processed)
NAT_GATEWAY_HOUR = 0.045
# https://aws.amazon.com/vpc/pricing/ (public IPv4 addresses, in use or idle, since 2024-02-01)
PUBLIC_IPV4_HOUR = 0.005
# https://aws.amazon.com/elasticloadbalancing/pricing/ (per hour, plus LCU/NLCU/GLCU usage)
LOAD_BALANCER_HOUR = {"application": 0.0225, "network": 0.0225, "gateway": 0.0125, "classic": 0.025}
# https://aws.amazon.com/privatelink/pricing/ (interface endpoint: per AZ per hour, plus per GB)
INTERFACE_ENDPOINT_AZ_HOUR = 0.01
# https://aws.amazon.com/route53/pricing/ (Resolver endpoint: per IP address (ENI) per hour)
RESOLVER_ENDPOINT_IP_HOUR = 0.125
# https://aws.amazon.com/route53/pricing/ (hosted zone: first 25 per month each)
HOSTED_ZONE_MONTH = 0.50
# https://aws.amazon.com/vpn/pricing/ (Site-to-Site VPN connection per hour)
VPN_CONNECTION_HOUR = 0.05
# https://aws.amazon.com/vpn/pricing/ (Client VPN: per subnet association per hour)
CLIENT_VPN_ASSOCIATION_HOUR = 0.10
# https://aws.amazon.com/transit-gateway/pricing/ (per attachment per hour)
TRANSIT_GATEWAY_ATTACHMENT_HOUR = 0.05
# https://aws.amazon.com/network-firewall/pricing/ (per firewall endpoint, i.e. per subnet mapping, per hour)
NETWORK_FIREWALL_ENDPOINT_HOUR = 0.395

# https://aws.amazon.com/fsx/lustre/pricing/ (per GB-month of provisioned capacity, by deployment type and
# throughput per unit of storage in MB/s/TiB; None = the type's only or default tier)
FSX_LUSTRE_GB_MONTH: dict[tuple[str, int | None], float] = {
    ("SCRATCH_1", None): 0.140,
    ("SCRATCH_2", None): 0.140,
    ("PERSISTENT_1", 50): 0.145,
    ("PERSISTENT_1", 100): 0.210,
    ("PERSISTENT_1", 200): 0.290,
    ("PERSISTENT_1", 12): 0.025,  # HDD
    ("PERSISTENT_1", 40): 0.083,  # HDD
    ("PERSISTENT_2", 125): 0.145,
    ("PERSISTENT_2", 250): 0.210,
    ("PERSISTENT_2", 500): 0.340,
    ("PERSISTENT_2", 1000): 0.600,
}
# https://aws.amazon.com/fsx/windows/pricing/ (SSD storage per GB-month and throughput per MBps-month)
FSX_WINDOWS_SSD_GB_MONTH = {"SINGLE_AZ_2": 0.130, "SINGLE_AZ_1": 0.130, "MULTI_AZ_1": 0.230}
FSX_WINDOWS_THROUGHPUT_MBPS_MONTH = {"SINGLE_AZ_2": 2.20, "SINGLE_AZ_1": 2.20, "MULTI_AZ_1": 4.50}

# https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, per hour): a small table of common sizes
EC2_INSTANCE_HOUR: dict[str, float] = {
    "t3.nano": 0.0052,
    "t3.micro": 0.0104,
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "t4g.nano": 0.0042,
    "t4g.micro": 0.0084,
    "t4g.small": 0.0168,
    "t4g.medium": 0.0336,
    "t4g.large": 0.0672,
    "m5.large": 0.096,
    "m5.xlarge": 0.192,
    "m6i.large": 0.096,
    "m6i.xlarge": 0.192,
    "m6g.large": 0.077,
    "m7g.large": 0.0816,
    "m7i.large": 0.1008,
    "c5.large": 0.085,
    "c5.xlarge": 0.17,
    "c6i.large": 0.085,
    "c6g.large": 0.068,
    "c7g.large": 0.0725,
    "r5.large": 0.126,
    "r6i.large": 0.126,
    "g4dn.xlarge": 0.526,
    "g5.xlarge": 1.006,
    "p3.2xlarge": 3.06,
}
EC2_INSTANCE_VCPUS: dict[str, int] = {
    name: {"nano": 2, "micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8}[
        name.split(".")[1]
    ]
    for name in EC2_INSTANCE_HOUR
}
# Batch "optimal" (and unknown families) priced per vCPU like m5.large: https://aws.amazon.com/ec2/pricing/on-demand/
BATCH_DEFAULT_VCPU_HOUR = EC2_INSTANCE_HOUR["m5.large"] / 2

# https://aws.amazon.com/fargate/pricing/ (Linux, per vCPU-hour and per GB-hour)
FARGATE_VCPU_HOUR = {"X86_64": 0.04048, "ARM64": 0.03238}
FARGATE_GB_HOUR = {"X86_64": 0.004445, "ARM64": 0.00356}
# https://aws.amazon.com/fargate/pricing/ (Fargate Spot: up to 70% off; the estimate uses on-demand)

# https://aws.amazon.com/waf/pricing/ (web ACL per month; rule per month, a rule group counts as one rule)
WAF_WEB_ACL_MONTH = 5.00
WAF_RULE_MONTH = 1.00
# https://aws.amazon.com/shield/pricing/ (Shield Advanced subscription per organization, 1-year commitment)
SHIELD_ADVANCED_SUBSCRIPTION_MONTH = 3000.00

# https://aws.amazon.com/kms/pricing/ (customer managed key per month, replica keys included)
KMS_KEY_MONTH = 1.00
# https://aws.amazon.com/secrets-manager/pricing/ (per secret per month)
SECRET_MONTH = 0.40
# https://aws.amazon.com/systems-manager/pricing/ (advanced parameter per month; standard ones are free)
SSM_ADVANCED_PARAMETER_MONTH = 0.05

# https://aws.amazon.com/cloudwatch/pricing/ (standard-resolution alarm metric, high-resolution, composite)
ALARM_MONTH = 0.10
ALARM_HIGH_RESOLUTION_MONTH = 0.30
COMPOSITE_ALARM_MONTH = 0.50
# https://aws.amazon.com/cloudwatch/pricing/ (dashboard per month; the first 3 of an account are free)
DASHBOARD_MONTH = 3.00

# https://aws.amazon.com/dynamodb/pricing/provisioned/ (per provisioned RCU / WCU hour)
DYNAMODB_RCU_HOUR = 0.00013
DYNAMODB_WCU_HOUR = 0.00065
# https://aws.amazon.com/kinesis/data-streams/pricing/ (provisioned shard hour; on-demand stream hour)
KINESIS_SHARD_HOUR = 0.015
KINESIS_ON_DEMAND_STREAM_HOUR = 0.04
# https://aws.amazon.com/route53/pricing/ (health check of an AWS endpoint per month; $0.75 outside AWS)
HEALTH_CHECK_MONTH = 0.50


# --- the table the report prints: every price above, what it is, its unit and its source ----------------------

_DESCRIBED: dict[str, tuple[str, str, str]] = {
    # constant: (what, unit, source)
    "NAT_GATEWAY_HOUR": ("NAT gateway", "hour", "https://aws.amazon.com/vpc/pricing/"),
    "PUBLIC_IPV4_HOUR": ("public IPv4 address", "hour", "https://aws.amazon.com/vpc/pricing/"),
    "LOAD_BALANCER_HOUR": ("load balancer", "hour", "https://aws.amazon.com/elasticloadbalancing/pricing/"),
    "INTERFACE_ENDPOINT_AZ_HOUR": (
        "interface VPC endpoint, per AZ",
        "hour",
        "https://aws.amazon.com/privatelink/pricing/",
    ),
    "RESOLVER_ENDPOINT_IP_HOUR": (
        "Route 53 Resolver endpoint, per IP address",
        "hour",
        "https://aws.amazon.com/route53/pricing/",
    ),
    "HOSTED_ZONE_MONTH": ("Route 53 hosted zone", "month", "https://aws.amazon.com/route53/pricing/"),
    "VPN_CONNECTION_HOUR": ("Site-to-Site VPN connection", "hour", "https://aws.amazon.com/vpn/pricing/"),
    "CLIENT_VPN_ASSOCIATION_HOUR": (
        "Client VPN subnet association",
        "hour",
        "https://aws.amazon.com/vpn/pricing/",
    ),
    "TRANSIT_GATEWAY_ATTACHMENT_HOUR": (
        "transit gateway attachment",
        "hour",
        "https://aws.amazon.com/transit-gateway/pricing/",
    ),
    "NETWORK_FIREWALL_ENDPOINT_HOUR": (
        "Network Firewall endpoint",
        "hour",
        "https://aws.amazon.com/network-firewall/pricing/",
    ),
    "FSX_LUSTRE_GB_MONTH": (
        "FSx for Lustre storage",
        "GB-month",
        "https://aws.amazon.com/fsx/lustre/pricing/",
    ),
    "FSX_WINDOWS_SSD_GB_MONTH": (
        "FSx for Windows SSD storage",
        "GB-month",
        "https://aws.amazon.com/fsx/windows/pricing/",
    ),
    "FSX_WINDOWS_THROUGHPUT_MBPS_MONTH": (
        "FSx for Windows throughput",
        "MBps-month",
        "https://aws.amazon.com/fsx/windows/pricing/",
    ),
    "EC2_INSTANCE_HOUR": ("EC2 on-demand Linux", "hour", "https://aws.amazon.com/ec2/pricing/on-demand/"),
    "BATCH_DEFAULT_VCPU_HOUR": (
        "Batch instance of an unpriced type (m5.large per vCPU)",
        "vCPU-hour",
        "https://aws.amazon.com/ec2/pricing/on-demand/",
    ),
    "FARGATE_VCPU_HOUR": ("Fargate vCPU", "vCPU-hour", "https://aws.amazon.com/fargate/pricing/"),
    "FARGATE_GB_HOUR": ("Fargate memory", "GB-hour", "https://aws.amazon.com/fargate/pricing/"),
    "WAF_WEB_ACL_MONTH": ("WAF web ACL", "month", "https://aws.amazon.com/waf/pricing/"),
    "WAF_RULE_MONTH": (
        "WAF rule (a rule group counts as one)",
        "month",
        "https://aws.amazon.com/waf/pricing/",
    ),
    "SHIELD_ADVANCED_SUBSCRIPTION_MONTH": (
        "Shield Advanced subscription (noted, not in totals)",
        "month",
        "https://aws.amazon.com/shield/pricing/",
    ),
    "KMS_KEY_MONTH": ("KMS customer managed key", "month", "https://aws.amazon.com/kms/pricing/"),
    "SECRET_MONTH": ("Secrets Manager secret", "month", "https://aws.amazon.com/secrets-manager/pricing/"),
    "SSM_ADVANCED_PARAMETER_MONTH": (
        "SSM advanced parameter",
        "month",
        "https://aws.amazon.com/systems-manager/pricing/",
    ),
    "ALARM_MONTH": ("CloudWatch alarm metric", "month", "https://aws.amazon.com/cloudwatch/pricing/"),
    "ALARM_HIGH_RESOLUTION_MONTH": (
        "CloudWatch high-resolution alarm metric",
        "month",
        "https://aws.amazon.com/cloudwatch/pricing/",
    ),
    "COMPOSITE_ALARM_MONTH": (
        "CloudWatch composite alarm",
        "month",
        "https://aws.amazon.com/cloudwatch/pricing/",
    ),
    "DASHBOARD_MONTH": ("CloudWatch dashboard", "month", "https://aws.amazon.com/cloudwatch/pricing/"),
    "DYNAMODB_RCU_HOUR": (
        "DynamoDB provisioned read capacity unit",
        "hour",
        "https://aws.amazon.com/dynamodb/pricing/provisioned/",
    ),
    "DYNAMODB_WCU_HOUR": (
        "DynamoDB provisioned write capacity unit",
        "hour",
        "https://aws.amazon.com/dynamodb/pricing/provisioned/",
    ),
    "KINESIS_SHARD_HOUR": (
        "Kinesis provisioned shard",
        "hour",
        "https://aws.amazon.com/kinesis/data-streams/pricing/",
    ),
    "KINESIS_ON_DEMAND_STREAM_HOUR": (
        "Kinesis on-demand stream",
        "hour",
        "https://aws.amazon.com/kinesis/data-streams/pricing/",
    ),
    "HEALTH_CHECK_MONTH": (
        "Route 53 health check (AWS endpoint)",
        "month",
        "https://aws.amazon.com/route53/pricing/",
    ),
}


@dataclass(frozen=True)
class Price:
    """One line of the price table: ``key`` names the constant (and its entry: ``EC2_INSTANCE_HOUR[t3.micro]``)."""

    key: str
    what: str
    usd: float
    unit: str
    source: str


def _entry(key: object) -> str:
    if isinstance(key, tuple):
        deployment, throughput = key
        return f"{deployment}" + (f" {throughput} MB/s/TiB" if throughput is not None else "")
    return str(key)


def table() -> list[Price]:
    """Every price of this module, one line each (a dict's entries one by one), in the order above."""
    rows: list[Price] = []
    values = globals()
    for name, (what, unit, source) in _DESCRIBED.items():
        value = values[name]
        if isinstance(value, dict):
            rows.extend(
                Price(f"{name}[{_entry(k)}]", f"{what}, {_entry(k)}", float(v), unit, source)
                for k, v in value.items()
            )
        else:
            rows.append(Price(name, what, float(value), unit, source))
    return rows


def undescribed() -> list[str]:
    """Price constants missing from the table (a test keeps this empty)."""
    return [
        name
        for name, value in globals().items()
        if name.isupper()
        and name.endswith(("_HOUR", "_MONTH"))
        and name != "HOURS_PER_MONTH"
        and name not in _DESCRIBED
    ]
