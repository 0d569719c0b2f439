"""Public exposure: every internet-facing endpoint of a template, its authentication and its WAF web ACL.

Each finding has a severity, and the report lists them most severe first:

- ``high``: reachable with no authentication and no WAF web ACL (or open to the world: a bucket policy, an
  ingress rule on a non-web port, a publicly accessible database);
- ``medium``: no authentication, but a WAF web ACL filters the requests (or a web port open to the world);
- ``low``: authenticated (IAM, Cognito, JWT, a Lambda authorizer, origin access control) with no WAF;
- ``info``: authenticated and behind a WAF web ACL, or an address that accepts no inbound connection.

Private endpoints (a PRIVATE REST API, an internal load balancer, a VPC-only Transfer server) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .cfn import as_list, flat_text, is_false, is_true, obj, ref_target, referenced_ids
from .load import StackTemplate

WORLD = frozenset({"0.0.0.0/0", "::/0"})
BLOCK_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
SEVERITIES = ("high", "medium", "low", "info")
WEB_PORTS = frozenset({80, 443})

NONE = "none"
WAF_YES = "yes"
WAF_NO = "no"
WAF_UNSUPPORTED = "not supported"
"""WAF column values: a web ACL is associated, could be but is not, or the endpoint type cannot have one."""


@dataclass(frozen=True)
class Exposure:
    """One internet-facing thing: ``kind`` says what it is, ``auth`` how callers authenticate (``none`` when
    they do not), ``waf`` whether a WAF web ACL filters it, ``detail`` what a reviewer should know."""

    kind: str
    logical_id: str
    resource_type: str
    detail: str
    auth: str = NONE
    waf: str = WAF_UNSUPPORTED
    severity: str = "high"


def _severity(auth: str, waf: str) -> str:
    if auth == NONE:
        return "medium" if waf == WAF_YES else "high"
    return "info" if waf == WAF_YES else "low"


def _endpoint(kind: str, lid: str, rtype: str, detail: str, auth: str, waf: str) -> Exposure:
    return Exposure(kind, lid, rtype, detail, auth, waf, _severity(auth, waf))


def _waf_targets(stack: StackTemplate) -> set[str]:
    """Logical ids that a WAFv2 web ACL association names in its ResourceArn (a stage ARN names its API)."""
    return {
        target
        for _, assoc in stack.of_type("AWS::WAFv2::WebACLAssociation", "AWS::WAFRegional::WebACLAssociation")
        for target in referenced_ids(assoc["Properties"].get("ResourceArn"))
    }


def _waf(protected: set[str], *logical_ids: str) -> str:
    return WAF_YES if protected.intersection(logical_ids) else WAF_NO


def _referrers(stack: StackTemplate, logical_id: str, *types: str) -> list[tuple[str, dict[str, Any]]]:
    """Resources of ``types`` whose properties reference ``logical_id``."""
    return [
        (lid, res) for lid, res in stack.of_type(*types) if logical_id in referenced_ids(res["Properties"])
    ]


def _join(parts: Iterable[str]) -> str:
    unique = list(dict.fromkeys(parts))
    return ", ".join(unique) if unique else NONE


# --- CloudFront ----------------------------------------------------------------------------------------------


def distributions(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::CloudFront::Distribution"):
        config = obj(res["Properties"].get("DistributionConfig"))
        behaviors = [
            obj(config.get("DefaultCacheBehavior")),
            *map(obj, as_list(config.get("CacheBehaviors"))),
        ]
        signed = any(b.get("TrustedKeyGroups") or b.get("TrustedSigners") for b in behaviors)
        auth = "signed URLs or cookies" if signed else NONE
        origins = [obj(o) for o in as_list(config.get("Origins"))]
        with_oac = sum(1 for o in origins if o.get("OriginAccessControlId"))
        detail = f"{len(origins)} origin(s), {with_oac} behind origin access control"
        aliases = ", ".join(flat_text(a) for a in as_list(config.get("Aliases")))
        if aliases:
            detail += f"; aliases {aliases}"
        waf = WAF_YES if config.get("WebACLId") else WAF_NO
        found.append(_endpoint("CloudFront distribution", lid, res["Type"], detail, auth, waf))
    return found


# --- API Gateway and AppSync ----------------------------------------------------------------------------------

_REST_AUTH = {
    "NONE": NONE,
    "AWS_IAM": "IAM",
    "COGNITO_USER_POOLS": "Cognito",
    "CUSTOM": "Lambda authorizer",
}


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


def rest_apis(stack: StackTemplate) -> list[Exposure]:
    """REST APIs that are not PRIVATE: the authorization of each method (CORS preflight OPTIONS left out)."""
    protected = _waf_targets(stack)
    found = []
    for lid, res in stack.of_type("AWS::ApiGateway::RestApi"):
        props = res["Properties"]
        types = [flat_text(t) for t in as_list(obj(props.get("EndpointConfiguration")).get("Types"))]
        if types == ["PRIVATE"]:
            continue
        methods = [
            m
            for _, m in _referrers(stack, lid, "AWS::ApiGateway::Method")
            if m["Properties"].get("HttpMethod") != "OPTIONS"
        ]
        auths, open_methods = [], []
        for method in methods:
            mprops = method["Properties"]
            kind = str(mprops.get("AuthorizationType", "NONE"))
            auth = _REST_AUTH.get(kind, kind)
            if auth == NONE:
                route = f"{mprops.get('HttpMethod', '?')} {_api_path(stack, mprops.get('ResourceId'))}"
                open_methods.append(
                    route + (" (API key required)" if is_true(mprops.get("ApiKeyRequired")) else "")
                )
            auths.append(auth)
        endpoint = "/".join(types) or "EDGE"
        detail = f"{endpoint} endpoint, {len(methods)} method(s)"
        if open_methods:
            detail += "; no authorization on " + ", ".join(open_methods)
        if is_true(props.get("DisableExecuteApiEndpoint")):
            detail += "; default execute-api endpoint disabled"
        stages = [s for s, _ in _referrers(stack, lid, "AWS::ApiGateway::Stage")]
        auth = NONE if open_methods or not methods else _join(auths)
        found.append(
            _endpoint("API Gateway REST API", lid, res["Type"], detail, auth, _waf(protected, lid, *stages))
        )
    return found


_V2_AUTH = {"NONE": NONE, "AWS_IAM": "IAM", "JWT": "JWT", "CUSTOM": "Lambda authorizer"}


def http_apis(stack: StackTemplate) -> list[Exposure]:
    """HTTP and WebSocket APIs (API Gateway v2): the authorization of each route; WAF cannot attach to them."""
    found = []
    for lid, res in stack.of_type("AWS::ApiGatewayV2::Api"):
        props = res["Properties"]
        protocol = str(props.get("ProtocolType", "HTTP"))
        routes = [r["Properties"] for _, r in _referrers(stack, lid, "AWS::ApiGatewayV2::Route")]
        if protocol == "WEBSOCKET":  # only $connect is authorized
            routes = [r for r in routes if r.get("RouteKey") == "$connect"]
        routes = [r for r in routes if not flat_text(r.get("RouteKey", "")).startswith("OPTIONS ")]
        open_routes = [
            flat_text(r.get("RouteKey", "?")) for r in routes if r.get("AuthorizationType", "NONE") == "NONE"
        ]
        auths = [
            _V2_AUTH.get(str(r.get("AuthorizationType", "NONE")), str(r.get("AuthorizationType")))
            for r in routes
        ]
        kind = "API Gateway WebSocket API" if protocol == "WEBSOCKET" else "API Gateway HTTP API"
        detail = f"{len(routes)} route(s)"
        if open_routes:
            detail += "; no authorization on " + ", ".join(open_routes)
        if is_true(props.get("DisableExecuteApiEndpoint")):
            detail += "; default execute-api endpoint disabled"
        auth = NONE if open_routes or not routes else _join(auths)
        found.append(_endpoint(kind, lid, res["Type"], detail, auth, WAF_UNSUPPORTED))
    return found


_APPSYNC_AUTH = {
    "API_KEY": NONE,
    "AWS_IAM": "IAM",
    "AMAZON_COGNITO_USER_POOLS": "Cognito",
    "OPENID_CONNECT": "OIDC",
    "AWS_LAMBDA": "Lambda authorizer",
}


def graphql_apis(stack: StackTemplate) -> list[Exposure]:
    protected = _waf_targets(stack)
    found = []
    for lid, res in stack.of_type("AWS::AppSync::GraphQLApi"):
        props = res["Properties"]
        if props.get("Visibility") == "PRIVATE":
            continue
        kinds = [str(props.get("AuthenticationType", "API_KEY"))] + [
            str(obj(p).get("AuthenticationType"))
            for p in as_list(props.get("AdditionalAuthenticationProviders"))
        ]
        auths = [_APPSYNC_AUTH.get(k, k) for k in kinds]
        auth = NONE if NONE in auths else _join(auths)
        detail = (
            "authentication modes: "
            + ", ".join(kinds)
            + (" (an API key identifies, it does not authenticate)" if "API_KEY" in kinds else "")
        )
        found.append(_endpoint("AppSync GraphQL API", lid, res["Type"], detail, auth, _waf(protected, lid)))
    return found


# --- load balancers, function URLs, Cognito, Global Accelerator, Transfer, IoT --------------------------------------


def load_balancers(stack: StackTemplate) -> list[Exposure]:
    protected = _waf_targets(stack)
    found = []
    for lid, res in stack.of_type(
        "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer"
    ):
        props = res["Properties"]
        kind = str(props.get("Type", "application" if "V2" in res["Type"] else "classic"))
        if kind == "gateway" or props.get("Scheme", "internet-facing") != "internet-facing":
            continue
        listeners = dict(_referrers(stack, lid, "AWS::ElasticLoadBalancingV2::Listener"))
        actions = [
            str(obj(a).get("Type"))
            for listener in listeners.values()
            for a in as_list(listener["Properties"].get("DefaultActions"))
        ]
        for _, rule in stack.of_type("AWS::ElasticLoadBalancingV2::ListenerRule"):
            if listeners.keys() & referenced_ids(rule["Properties"].get("ListenerArn")):
                actions.extend(str(obj(a).get("Type")) for a in as_list(rule["Properties"].get("Actions")))
        auths = [
            {"authenticate-cognito": "Cognito", "authenticate-oidc": "OIDC"}[a]
            for a in actions
            if a.startswith("authenticate-")
        ]
        ports = sorted(
            {flat_text(listener["Properties"].get("Port", "?")) for listener in listeners.values()}
        )
        detail = f"internet-facing {kind} load balancer" + (
            f", listeners on {', '.join(ports)}" if ports else ""
        )
        waf = _waf(protected, lid) if kind == "application" else WAF_UNSUPPORTED
        found.append(_endpoint("Internet-facing load balancer", lid, res["Type"], detail, _join(auths), waf))
    return found


def function_urls(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::Lambda::Url"):
        props = res["Properties"]
        function = ref_target(props.get("TargetFunctionArn")) or flat_text(props.get("TargetFunctionArn"))
        auth = "IAM" if props.get("AuthType") == "AWS_IAM" else NONE
        detail = f"function URL of {function}"
        oac = [
            d
            for d, _ in stack.of_type("AWS::CloudFront::Distribution")
            if lid in referenced_ids(stack.props(d))
        ]
        if oac and auth == "IAM":
            auth = "IAM (CloudFront origin access control)"
            detail += f", signed by CloudFront {', '.join(oac)}"
        found.append(_endpoint("Lambda function URL", lid, res["Type"], detail, auth, WAF_UNSUPPORTED))
    return found


def user_pool_domains(stack: StackTemplate) -> list[Exposure]:
    """Cognito hosted UI and OAuth endpoints: a sign-in page by design; WAF attaches to the user pool."""
    protected = _waf_targets(stack)
    found = []
    for lid, res in stack.of_type("AWS::Cognito::UserPoolDomain"):
        props = res["Properties"]
        pool = ref_target(props.get("UserPoolId")) or ""
        domain = flat_text(props.get("Domain", "?"))
        detail = f"hosted UI and OAuth endpoints of {pool or 'a user pool'} at {domain}"
        auth = "user pool sign-in (public sign-in page)"
        found.append(_endpoint("Cognito domain", lid, res["Type"], detail, auth, _waf(protected, pool)))
    return found


def accelerators(stack: StackTemplate) -> list[Exposure]:
    return [
        _endpoint(
            "Global Accelerator", lid, res["Type"], "static anycast IP addresses", NONE, WAF_UNSUPPORTED
        )
        for lid, res in stack.of_type("AWS::GlobalAccelerator::Accelerator")
        if not is_false(res["Properties"].get("Enabled"))
    ]


_TRANSFER_AUTH = {
    "SERVICE_MANAGED": "SSH keys (service-managed users)",
    "API_GATEWAY": "custom identity provider (API Gateway)",
    "AWS_DIRECTORY_SERVICE": "Directory Service",
    "AWS_LAMBDA": "custom identity provider (Lambda)",
}


def transfer_servers(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::Transfer::Server"):
        props = res["Properties"]
        endpoint = str(props.get("EndpointType", "PUBLIC"))
        details = obj(props.get("EndpointDetails"))
        if endpoint != "PUBLIC" and not details.get("AddressAllocationIds"):
            continue
        kind = str(props.get("IdentityProviderType", "SERVICE_MANAGED"))
        protocols = ", ".join(flat_text(p) for p in as_list(props.get("Protocols"))) or "SFTP"
        where = "a public endpoint" if endpoint == "PUBLIC" else "a VPC endpoint with Elastic IPs"
        detail = f"{protocols} on {where}"
        auth = _TRANSFER_AUTH.get(kind, kind)
        found.append(_endpoint("Transfer Family server", lid, res["Type"], detail, auth, WAF_UNSUPPORTED))
    return found


def iot_domains(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::IoT::DomainConfiguration"):
        props = res["Properties"]
        if props.get("DomainConfigurationStatus") == "DISABLED":
            continue
        authorizer = obj(props.get("AuthorizerConfig")).get("DefaultAuthorizerName")
        auth = "custom authorizer" if authorizer else "X.509 client certificates"
        name = flat_text(
            props.get("DomainName") or props.get("DomainConfigurationName") or "AWS-managed domain"
        )
        found.append(
            _endpoint("IoT Core endpoint", lid, res["Type"], f"domain {name}", auth, WAF_UNSUPPORTED)
        )
    return found


# --- addresses: Elastic IPs, instances and tasks with public IPv4 ----------------------------------------------------


def public_addresses(stack: StackTemplate) -> list[Exposure]:
    found = []
    nat_of = {
        eip: nat
        for nat, res in stack.of_type("AWS::EC2::NatGateway")
        if (eip := ref_target(res["Properties"].get("AllocationId")))
    }
    for lid, res in stack.of_type("AWS::EC2::EIP"):
        props = res["Properties"]
        if lid in nat_of:
            found.append(
                Exposure(
                    "Elastic IP",
                    lid,
                    res["Type"],
                    f"address of NAT gateway {nat_of[lid]}: outbound only, accepts no inbound connection",
                    "n/a (outbound only)",
                    WAF_UNSUPPORTED,
                    "info",
                )
            )
            continue
        instance = ref_target(props.get("InstanceId"))
        detail = f"attached to instance {instance}" if instance else "Elastic IP address"
        found.append(
            _endpoint(
                "Elastic IP",
                lid,
                res["Type"],
                detail + "; security groups decide who reaches it",
                NONE,
                WAF_UNSUPPORTED,
            )
        )
    for lid, res in stack.of_type("AWS::EC2::Instance"):
        interfaces = as_list(res["Properties"].get("NetworkInterfaces"))
        if any(isinstance(e, dict) and is_true(e.get("AssociatePublicIpAddress")) for e in interfaces):
            found.append(
                _endpoint(
                    "Instance with a public IPv4 address",
                    lid,
                    res["Type"],
                    "AssociatePublicIpAddress: true; security groups decide who reaches it",
                    NONE,
                    WAF_UNSUPPORTED,
                )
            )
    for lid, res in stack.of_type("AWS::EC2::LaunchTemplate"):
        data = obj(res["Properties"].get("LaunchTemplateData"))
        if any(
            isinstance(e, dict) and is_true(e.get("AssociatePublicIpAddress"))
            for e in as_list(data.get("NetworkInterfaces"))
        ):
            found.append(
                _endpoint(
                    "Instances with a public IPv4 address",
                    lid,
                    res["Type"],
                    "launch template sets AssociatePublicIpAddress: true",
                    NONE,
                    WAF_UNSUPPORTED,
                )
            )
    for lid, res in stack.of_type("AWS::AutoScaling::LaunchConfiguration"):
        if is_true(res["Properties"].get("AssociatePublicIpAddress")):
            found.append(
                _endpoint(
                    "Instances with a public IPv4 address",
                    lid,
                    res["Type"],
                    "launch configuration sets AssociatePublicIpAddress: true",
                    NONE,
                    WAF_UNSUPPORTED,
                )
            )
    for lid, res in stack.of_type("AWS::ECS::Service"):
        network = obj(obj(res["Properties"].get("NetworkConfiguration")).get("AwsvpcConfiguration"))
        if network.get("AssignPublicIp") == "ENABLED":
            found.append(
                _endpoint(
                    "Tasks with a public IPv4 address",
                    lid,
                    res["Type"],
                    "AssignPublicIp: ENABLED",
                    NONE,
                    WAF_UNSUPPORTED,
                )
            )
    return found


# --- network rules, buckets, databases -----------------------------------------------------------------------------


def _port(value: Any) -> Any:
    """A port as an int when the template writes it as a number or a numeric string (CloudFormation accepts
    both), else the value as written (an intrinsic, None)."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _ports(rule: dict[str, Any]) -> str:
    protocol = str(rule.get("IpProtocol", "?"))
    if protocol in ("-1", "all"):
        return "all traffic"
    low, high = _port(rule.get("FromPort")), _port(rule.get("ToPort"))
    name = {"6": "tcp", "17": "udp", "1": "icmp"}.get(protocol, protocol)
    if name == "icmp" or low is None:
        return name
    if (low, high) in ((0, 65535), (-1, -1)):
        return f"{name} all ports"
    if low == high:
        return f"{name} {flat_text(low)}"
    return f"{name} {flat_text(low)}-{flat_text(high)}"


def _world_source(rule: dict[str, Any]) -> str | None:
    for key in ("CidrIp", "CidrIpv6"):
        value = rule.get(key)
        if isinstance(value, str) and value in WORLD:
            return value
    return None


def _web_port(rule: dict[str, Any]) -> bool:
    low, high = _port(rule.get("FromPort")), _port(rule.get("ToPort"))
    return (
        str(rule.get("IpProtocol")) in ("tcp", "6")
        and isinstance(low, int)
        and low == high
        and low in WEB_PORTS
    )


def _ingress(lid: str, rtype: str, rule: dict[str, Any], source: str, into: str = "") -> Exposure:
    detail = f"{_ports(rule)} from {source}" + (f" into {into}" if into else "")
    severity = "medium" if _web_port(rule) else "high"
    return Exposure("World-open ingress", lid, rtype, detail, NONE, WAF_UNSUPPORTED, severity)


def world_ingress(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::EC2::SecurityGroup"):
        for rule in as_list(res["Properties"].get("SecurityGroupIngress")):
            if isinstance(rule, dict) and (source := _world_source(rule)):
                found.append(_ingress(lid, res["Type"], rule, source))
    for lid, res in stack.of_type("AWS::EC2::SecurityGroupIngress"):
        props = res["Properties"]
        if source := _world_source(props):
            group = ref_target(props.get("GroupId")) or flat_text(props.get("GroupId"))
            found.append(_ingress(lid, res["Type"], props, source, group))
    return found


def _public_principal(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and any(v == "*" or v == ["*"] for v in principal.values())


def _bucket(kind: str, lid: str, rtype: str, detail: str) -> Exposure:
    return Exposure(kind, lid, rtype, detail, NONE, WAF_UNSUPPORTED, "high")


def public_buckets(stack: StackTemplate) -> list[Exposure]:
    found = []
    for lid, res in stack.of_type("AWS::S3::Bucket"):
        props = res["Properties"]
        if props.get("WebsiteConfiguration"):
            found.append(
                _bucket("S3 website endpoint", lid, res["Type"], "static website hosting (HTTP only) is on")
            )
        block = props.get("PublicAccessBlockConfiguration")
        if not isinstance(block, dict):
            detail = (
                "no public-access block in the template (only the account or S3 default keeps it private)"
            )
            found.append(_bucket("Public bucket", lid, res["Type"], detail))
            continue
        off = [flag for flag in BLOCK_FLAGS if not is_true(block.get(flag))]
        if off:
            detail = "public-access block partial: " + ", ".join(off) + " not set"
            found.append(_bucket("Public bucket", lid, res["Type"], detail))
    for lid, res in stack.of_type("AWS::S3::BucketPolicy"):
        props = res["Properties"]
        bucket = ref_target(props.get("Bucket")) or flat_text(props.get("Bucket"))
        document = obj(props.get("PolicyDocument"))
        for statement in as_list(document.get("Statement")):
            if (
                isinstance(statement, dict)
                and statement.get("Effect") == "Allow"
                and _public_principal(statement.get("Principal"))
                and not statement.get("Condition")
            ):
                actions = ", ".join(str(a) for a in as_list(statement.get("Action")))
                detail = f"bucket policy allows anyone ({actions}) on {bucket} with no condition"
                found.append(_bucket("Public bucket", lid, res["Type"], detail))
    return found


def public_databases(stack: StackTemplate) -> list[Exposure]:
    return [
        Exposure(
            "Publicly accessible database",
            lid,
            res["Type"],
            "PubliclyAccessible: true",
            NONE,
            WAF_UNSUPPORTED,
        )
        for lid, res in stack.of_type("AWS::RDS::DBInstance", "AWS::Redshift::Cluster")
        if is_true(res["Properties"].get("PubliclyAccessible"))
    ]


FINDERS = (
    distributions,
    rest_apis,
    http_apis,
    graphql_apis,
    load_balancers,
    function_urls,
    user_pool_domains,
    accelerators,
    transfer_servers,
    iot_domains,
    public_addresses,
    world_ingress,
    public_buckets,
    public_databases,
)


def find_exposure(stack: StackTemplate) -> list[Exposure]:
    """Everything reachable from the internet, most severe first (then in the order of ``FINDERS``)."""
    found = [item for finder in FINDERS for item in finder(stack)]
    return sorted(found, key=lambda item: SEVERITIES.index(item.severity))
