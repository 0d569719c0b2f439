"""Public exposure: what the template opens to the internet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cfn import as_list, flat_text, is_true, obj, ref_target
from .load import StackTemplate

WORLD = frozenset({"0.0.0.0/0", "::/0"})
BLOCK_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


@dataclass(frozen=True)
class Exposure:
    """One publicly reachable thing: ``kind`` is the report's heading for it."""

    kind: str
    logical_id: str
    resource_type: str
    detail: str


def _waf_protected(stack: StackTemplate) -> set[str]:
    """Logical ids of resources a WAFv2 web ACL association points at."""
    return {
        target
        for _, assoc in stack.of_type("AWS::WAFv2::WebACLAssociation")
        if (target := ref_target(assoc.get("Properties", {}).get("ResourceArn")))
    }


def _ports(rule: dict[str, Any]) -> str:
    protocol = str(rule.get("IpProtocol", "?"))
    if protocol in ("-1", "all"):
        return "all traffic"
    low, high = rule.get("FromPort"), rule.get("ToPort")
    name = {"6": "tcp", "17": "udp", "1": "icmp"}.get(protocol, protocol)
    if name == "icmp" or low is None:
        return name
    if low == high:
        return f"{name} {flat_text(low)}"
    if (low, high) in ((0, 65535), (-1, -1)):
        return f"{name} all ports"
    return f"{name} {flat_text(low)}-{flat_text(high)}"


def _world_source(rule: dict[str, Any]) -> str | None:
    for key in ("CidrIp", "CidrIpv6"):
        value = rule.get(key)
        if isinstance(value, str) and value in WORLD:
            return value
    return None


def load_balancers(stack: StackTemplate) -> list[Exposure]:
    waf = _waf_protected(stack)
    found = []
    for lid, res in stack.of_type(
        "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer"
    ):
        props = res["Properties"]
        kind = str(props.get("Type", "application" if "V2" in res["Type"] else "classic"))
        if kind == "gateway" or props.get("Scheme", "internet-facing") != "internet-facing":
            continue
        detail = f"internet-facing {kind} load balancer"
        if kind == "application":
            detail += ", WAF web ACL attached" if lid in waf else ", no WAF web ACL"
        found.append(Exposure("Internet-facing load balancer", lid, res["Type"], detail))
    return found


def world_ingress(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::EC2::SecurityGroup"):
        for rule in as_list(res["Properties"].get("SecurityGroupIngress")):
            if isinstance(rule, dict) and (source := _world_source(rule)):
                found.append(
                    Exposure("World-open ingress", lid, res["Type"], f"{_ports(rule)} from {source}")
                )
    for lid, res in stack.of_type("AWS::EC2::SecurityGroupIngress"):
        props = res["Properties"]
        if source := _world_source(props):
            group = ref_target(props.get("GroupId")) or flat_text(props.get("GroupId"))
            detail = f"{_ports(props)} from {source} into {group}"
            found.append(Exposure("World-open ingress", lid, res["Type"], detail))
    return found


def _public_principal(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and any(v == "*" or v == ["*"] for v in principal.values())


def public_buckets(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::S3::Bucket"):
        block = res["Properties"].get("PublicAccessBlockConfiguration")
        if not isinstance(block, dict):
            detail = (
                "no public-access block in the template (only the account or S3 default keeps it private)"
            )
            found.append(Exposure("Public bucket", lid, res["Type"], detail))
            continue
        off = [flag for flag in BLOCK_FLAGS if not is_true(block.get(flag))]
        if off:
            found.append(
                Exposure(
                    "Public bucket",
                    lid,
                    res["Type"],
                    "public-access block partial: " + ", ".join(off) + " not set",
                )
            )
    for lid, res in stack.of_type("AWS::S3::BucketPolicy"):
        props = res["Properties"]
        bucket = ref_target(props.get("Bucket")) or flat_text(props.get("Bucket"))
        document = obj(props.get("PolicyDocument"))
        for statement in as_list(document.get("Statement") if isinstance(document, dict) else None):
            if (
                isinstance(statement, dict)
                and statement.get("Effect") == "Allow"
                and _public_principal(statement.get("Principal"))
                and not statement.get("Condition")
            ):
                actions = ", ".join(str(a) for a in as_list(statement.get("Action")))
                detail = f"bucket policy allows anyone ({actions}) on {bucket} with no condition"
                found.append(Exposure("Public bucket", lid, res["Type"], detail))
    return found


def _api_path(stack: StackTemplate, resource_id: Any) -> str:
    """``/items/{id}`` for an API Gateway resource id, following ParentId up to the root."""
    parts: list[str] = []
    target = ref_target(resource_id)
    for _ in range(50):
        if target is None or stack.resources.get(target, {}).get("Type") != "AWS::ApiGateway::Resource":
            break
        props = stack.props(target)
        parts.append(flat_text(props.get("PathPart", "?")))
        target = ref_target(props.get("ParentId"))
    return "/" + "/".join(reversed(parts))


def unauthenticated_apis(stack: StackTemplate) -> list[Exposure]:
    found = []
    kind = "Unauthenticated API"
    for lid, res in stack.of_type("AWS::ApiGateway::Method"):
        props = res["Properties"]
        method = str(props.get("HttpMethod", "?"))
        if method == "OPTIONS" or props.get("AuthorizationType", "NONE") != "NONE":
            continue
        detail = f"{method} {_api_path(stack, props.get('ResourceId'))}: AuthorizationType NONE"
        if is_true(props.get("ApiKeyRequired")):
            detail += " (API key required)"
        found.append(Exposure(kind, lid, res["Type"], detail))
    for lid, res in stack.of_type("AWS::ApiGatewayV2::Route"):
        props = res["Properties"]
        if props.get("AuthorizationType", "NONE") == "NONE":
            route = flat_text(props.get("RouteKey", "?"))
            if route.startswith("OPTIONS "):
                continue
            found.append(Exposure(kind, lid, res["Type"], f"route {route}: AuthorizationType NONE"))
    for lid, res in stack.of_type("AWS::Lambda::Url"):
        props = res["Properties"]
        if props.get("AuthType") == "NONE":
            function = ref_target(props.get("TargetFunctionArn")) or flat_text(props.get("TargetFunctionArn"))
            found.append(Exposure(kind, lid, res["Type"], f"function URL of {function}: AuthType NONE"))
    return found


def distributions(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::CloudFront::Distribution"):
        config = obj(res["Properties"].get("DistributionConfig"))
        waf = "WAF web ACL attached" if config.get("WebACLId") else "no WAF web ACL"
        aliases = ", ".join(flat_text(a) for a in as_list(config.get("Aliases")))
        detail = f"public by design; {waf}" + (f"; aliases {aliases}" if aliases else "")
        found.append(Exposure("CloudFront distribution", lid, res["Type"], detail))
    return found


def public_databases(stack: StackTemplate) -> list[Exposure]:
    return [
        Exposure("Publicly accessible database", lid, res["Type"], "PubliclyAccessible: true")
        for lid, res in stack.of_type("AWS::RDS::DBInstance")
        if is_true(res["Properties"].get("PubliclyAccessible"))
    ]


def find_exposure(stack: StackTemplate) -> list[Exposure]:
    """Everything reachable from the internet, by kind: load balancers, ingress, buckets, APIs, CDNs."""
    return [
        *load_balancers(stack),
        *world_ingress(stack),
        *public_buckets(stack),
        *unauthenticated_apis(stack),
        *distributions(stack),
        *public_databases(stack),
    ]
