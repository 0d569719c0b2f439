"""The architecture graph of a stack: one node per service resource, edges typed by what flows along them.

- Nodes are the resources a reader names when explaining the system (a distribution, an API, a function, a
  table, a queue, a user pool, a cluster...; see ``KINDS``): every one of them is always a node.
- Everything else is folded into the node it serves: IAM roles and policies into what assumes them, alarms
  into what they watch, log groups into what writes them, methods and stages into their API, subnets and
  endpoints into their VPC, an access-log bucket into what logs to it, a dead-letter queue into its queue.
  A resource is folded into the node it references or is referenced by, the one with the longest common
  construct path first; what references nothing becomes a node of its own.
- Edges are typed: ``invokes`` (an integration, an event source, a rule target, a load balancer's routing),
  ``reads`` / ``writes`` / ``sends`` (from the IAM policies of a node's roles and from notifications), and
  ``configures`` (any other reference) and ``uses`` (a reference to another stack's output or a parameter,
  drawn to a node for that stack).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .cfn import as_list, flat_text, obj, referenced_ids, service_of, short_type
from .load import StackTemplate, type_of

KINDS: dict[str, str] = {
    "AWS::CloudFront::Distribution": "CloudFront distribution",
    "AWS::ApiGateway::RestApi": "REST API",
    "AWS::ApiGatewayV2::Api": "HTTP API",
    "AWS::AppSync::GraphQLApi": "GraphQL API",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "load balancer",
    "AWS::ElasticLoadBalancing::LoadBalancer": "classic load balancer",
    "AWS::GlobalAccelerator::Accelerator": "Global Accelerator",
    "AWS::Cognito::UserPool": "Cognito user pool",
    "AWS::Cognito::IdentityPool": "Cognito identity pool",
    "AWS::Lambda::Function": "Lambda function",
    "AWS::ECS::Cluster": "ECS cluster",
    "AWS::ECS::Service": "ECS service",
    "AWS::EKS::Cluster": "EKS cluster",
    "AWS::Batch::ComputeEnvironment": "Batch compute environment",
    "AWS::Batch::JobQueue": "Batch job queue",
    "AWS::StepFunctions::StateMachine": "state machine",
    "AWS::AutoScaling::AutoScalingGroup": "Auto Scaling group",
    "AWS::EC2::Instance": "EC2 instance",
    "AWS::ImageBuilder::ImagePipeline": "Image Builder pipeline",
    "AWS::Events::Rule": "EventBridge rule",
    "AWS::Scheduler::Schedule": "EventBridge schedule",
    "AWS::Pipes::Pipe": "EventBridge pipe",
    "AWS::DynamoDB::Table": "DynamoDB table",
    "AWS::DynamoDB::GlobalTable": "DynamoDB global table",
    "AWS::S3::Bucket": "S3 bucket",
    "AWS::SQS::Queue": "SQS queue",
    "AWS::SNS::Topic": "SNS topic",
    "AWS::Kinesis::Stream": "Kinesis stream",
    "AWS::KinesisFirehose::DeliveryStream": "Firehose stream",
    "AWS::EFS::FileSystem": "EFS file system",
    "AWS::FSx::FileSystem": "FSx file system",
    "AWS::RDS::DBInstance": "RDS database",
    "AWS::RDS::DBCluster": "Aurora cluster",
    "AWS::ElastiCache::ReplicationGroup": "ElastiCache cluster",
    "AWS::ElastiCache::CacheCluster": "ElastiCache cluster",
    "AWS::OpenSearchService::Domain": "OpenSearch domain",
    "AWS::ECR::Repository": "ECR repository",
    "AWS::SecretsManager::Secret": "secret",
    "AWS::KMS::Key": "KMS key",
    "AWS::WAFv2::WebACL": "WAF web ACL",
    "AWS::EC2::VPC": "VPC",
    "AWS::EC2::VPNConnection": "site-to-site VPN",
    "AWS::EC2::NatGateway": "NAT gateway",
    "AWS::EC2::InternetGateway": "internet gateway",
    "AWS::EC2::VPCEndpoint": "VPC endpoint",
    "AWS::EC2::TransitGateway": "transit gateway",
    "AWS::NetworkFirewall::Firewall": "network firewall",
    "AWS::Route53::HostedZone": "hosted zone",
    "AWS::Route53Resolver::ResolverEndpoint": "Resolver endpoint",
    "AWS::Route53Resolver::ResolverRule": "Resolver rule",
    "AWS::Config::ConfigurationRecorder": "AWS Config recorder",
    "AWS::SSM::Document": "SSM document",
    "AWS::Transfer::Server": "Transfer server",
    "AWS::IoT::TopicRule": "IoT rule",
    "AWS::CloudTrail::Trail": "CloudTrail trail",
    "AWS::CodeBuild::Project": "CodeBuild project",
}
"""Types that are always a node of their own, and what the node is called."""

DATA_KINDS = ("invokes", "writes", "sends", "reads")
"""Edge kinds that carry data or requests, strongest first (drawn before ``configures`` and ``uses``)."""
EDGE_KINDS = (*DATA_KINDS, "configures", "uses")

_PLUMBING = re.compile(
    r"(^|/)(Custom::[^/]*|AWS[0-9a-f]{32}|[^/]*[0-9a-f]{32}|Provider/(framework-[^/]*|waiter-state-machine))(/|$)"
)
"""Construct paths of CDK's own plumbing (singleton functions, the custom-resource provider framework): folded
into what uses them even when their type is a service resource."""
_MINOR = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::Logs::LogGroup",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::CompositeAlarm",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::Lambda::Permission",
    }
)
"""Types that serve another resource: a node of their own only when nothing else is left to fold into."""
_INVOKABLE = frozenset(
    {
        "AWS::Lambda::Function",
        "AWS::StepFunctions::StateMachine",
        "AWS::Batch::JobQueue",
        "AWS::ECS::Cluster",
        "AWS::ECS::TaskDefinition",
        "AWS::CodeBuild::Project",
        "AWS::Glue::Job",
    }
)
"""What a state machine's task invokes (its other references are data, typed by its role's policies)."""
_RECEIVERS = frozenset(
    {"AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::Kinesis::Stream", "AWS::Events::EventBus"}
)
_LEAVES = frozenset({"Resource", "Default"})
_NOTIFY_KEYS = frozenset({"AlarmActions", "OKActions", "InsufficientDataActions"})

_INVOKE_ACTIONS = frozenset(
    {
        "lambda:invokefunction",
        "states:startexecution",
        "states:startsyncexecution",
        "ecs:runtask",
        "batch:submitjob",
        "execute-api:invoke",
        "imagebuilder:startimagepipelineexecution",
        "autoscaling:startinstancerefresh",
        "codebuild:startbuild",
        "glue:startjobrun",
    }
)
_CONSUME_ACTIONS = frozenset(
    {"sqs:receivemessage", "sqs:deletemessage", "sqs:deletemessagebatch", "sqs:changemessagevisibility"}
)
"""Actions of a queue consumer: the diagram says it ``reads`` the queue."""
_SEND_ACTIONS = frozenset(
    {"sqs:sendmessage", "sns:publish", "events:putevents", "kinesis:putrecord", "kinesis:putrecords"}
)
_READ_VERBS = (
    "get",
    "list",
    "describe",
    "query",
    "scan",
    "batchget",
    "receive",
    "conditioncheck",
    "head",
    "select",
)
_WRITE_VERBS = (
    "put",
    "update",
    "delete",
    "create",
    "batchwrite",
    "write",
    "abort",
    "restore",
    "start",
    "stop",
    "modify",
    "change",
    "tag",
    "untag",
)


def action_kind(action: str) -> str | None:
    """The edge kind an IAM action gives: ``invokes``, ``sends``, ``reads``, ``writes``, else None (iam:PassRole,
    kms:Decrypt, logs:*, xray:*: plumbing that the diagram does not draw)."""
    lower = action.lower()
    service, _, name = lower.partition(":")
    if lower in _INVOKE_ACTIONS:
        return "invokes"
    if lower in _CONSUME_ACTIONS:
        return "reads"
    if lower in _SEND_ACTIONS or (service == "firehose" and name.startswith("put")):
        return "sends"
    if service in ("iam", "kms", "logs", "xray", "cloudwatch", "sts") or "*" in name:
        return None
    if name.startswith(_READ_VERBS):
        return "reads"
    if name.startswith(_WRITE_VERBS):
        return "writes"
    return None


CATEGORIES: dict[str, frozenset[str]] = {
    "network": frozenset(
        {
            "EC2",
            "ElasticLoadBalancingV2",
            "ElasticLoadBalancing",
            "Route53",
            "Route53Resolver",
            "CloudFront",
            "ApiGateway",
            "ApiGatewayV2",
            "AppSync",
            "NetworkFirewall",
            "GlobalAccelerator",
            "ServiceDiscovery",
            "DirectConnect",
            "Transfer",
        }
    ),
    "compute": frozenset(
        {
            "Lambda",
            "ECS",
            "EKS",
            "Batch",
            "AutoScaling",
            "ImageBuilder",
            "StepFunctions",
            "ElasticBeanstalk",
            "AppRunner",
            "CodeBuild",
        }
    ),
    "storage": frozenset(
        {
            "S3",
            "DynamoDB",
            "EFS",
            "FSx",
            "RDS",
            "ECR",
            "ElastiCache",
            "Backup",
            "Kinesis",
            "KinesisFirehose",
            "OpenSearchService",
            "SQS",
        }
    ),
    "security": frozenset(
        {
            "IAM",
            "KMS",
            "WAFv2",
            "SecretsManager",
            "Shield",
            "Cognito",
            "CertificateManager",
            "GuardDuty",
            "SecurityHub",
            "Config",
            "AccessAnalyzer",
            "SSM",
        }
    ),
    "monitoring": frozenset(
        {"CloudWatch", "Logs", "SNS", "Events", "Scheduler", "Pipes", "CloudTrail", "IoT"}
    ),
}
"""Colour families of the nodes, by the service of a node's resource."""


def category_of(service: str) -> str:
    return next((name for name, services in CATEGORIES.items() if service in services), "other")


@dataclass
class Node:
    """One box: ``key`` is its resource (or ``stack:Name`` / ``param:Name`` for something outside the stack),
    ``members`` its own resource first, then what is folded into it, as ``(logical id, type)``."""

    key: str
    kind: str
    name: str
    members: list[tuple[str, str]] = field(default_factory=list)
    external: bool = False

    @property
    def resource_type(self) -> str:
        return self.members[0][1] if self.members else ""

    @property
    def service(self) -> str:
        return service_of(self.resource_type) if self.resource_type else ""

    @property
    def category(self) -> str:
        return "external" if self.external else category_of(self.service)

    def folded(self) -> str:
        """``role, 2 alarms, log group``: what is folded into the node, by type, most common first."""
        counts = Counter(_FOLDED_NAMES.get(t) or _words(short_type(t)) for _, t in self.members[1:])
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{n} {_plural(name)}" if n > 1 else name for name, n in ordered)


_FOLDED_NAMES = {
    "AWS::IAM::Role": "role",
    "AWS::IAM::Policy": "policy",
    "AWS::IAM::ManagedPolicy": "managed policy",
    "AWS::IAM::InstanceProfile": "instance profile",
    "AWS::CloudWatch::Alarm": "alarm",
    "AWS::CloudWatch::CompositeAlarm": "composite alarm",
    "AWS::Logs::LogGroup": "log group",
    "AWS::Lambda::Permission": "permission",
    "AWS::Lambda::Url": "function URL",
    "AWS::Lambda::EventSourceMapping": "event source",
    "AWS::EC2::SecurityGroup": "security group",
    "AWS::EC2::SecurityGroupIngress": "ingress rule",
    "AWS::EC2::SecurityGroupEgress": "egress rule",
    "AWS::EC2::Subnet": "subnet",
    "AWS::EC2::RouteTable": "route table",
    "AWS::EC2::VPCEndpoint": "VPC endpoint",
    "AWS::EC2::NetworkAclEntry": "NACL entry",
    "AWS::EC2::NetworkAcl": "network ACL",
    "AWS::EC2::SubnetNetworkAclAssociation": "NACL association",
    "AWS::EC2::NatGateway": "NAT gateway",
    "AWS::WAFv2::LoggingConfiguration": "WAF logging",
    "AWS::S3::BucketPolicy": "bucket policy",
    "AWS::S3::Bucket": "access-log bucket",
    "AWS::SQS::Queue": "dead-letter queue",
    "AWS::SQS::QueuePolicy": "queue policy",
    "AWS::SNS::TopicPolicy": "topic policy",
    "AWS::ApiGateway::Method": "method",
    "AWS::ApiGateway::Resource": "path",
    "AWS::ECS::TaskDefinition": "task definition",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "target group",
    "AWS::ElasticLoadBalancingV2::Listener": "listener",
    "AWS::ApplicationAutoScaling::ScalableTarget": "scaling target",
    "AWS::ApplicationAutoScaling::ScalingPolicy": "scaling policy",
}


def _words(name: str) -> str:
    """``ResponseHeadersPolicy`` -> ``response headers policy``; acronyms and ``Custom::X`` stay as they are."""
    if "::" in name:
        return name
    words = re.split(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", name)
    return " ".join(w if w.isupper() else w.lower() for w in words)


def _plural(name: str) -> str:
    if name.endswith("y") and not name.endswith(("ay", "ey", "oy")):
        return name[:-1] + "ies"
    if name.endswith(("ss", "x")):
        return name + "es"
    if name.endswith("s"):
        return name
    return name + "s"


@dataclass
class Edge:
    source: str
    target: str
    kind: str
    notes: list[str] = field(default_factory=list)

    @property
    def data(self) -> bool:
        return self.kind in DATA_KINDS


@dataclass
class Graph:
    """Nodes in template order (external nodes last) and typed edges, data-flow edges first."""

    nodes: list[Node]
    edges: list[Edge]

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)

    def edge(self, source: str, target: str) -> Edge | None:
        return next((e for e in self.edges if e.source == source and e.target == target), None)


# --- folding ---------------------------------------------------------------------------------------------------------


def _name_of(path: str, logical_id: str) -> str:
    """The construct path of a node without its ``Resource``/``Default`` leaf, else the logical id."""
    if not path:
        return logical_id
    segments = [s for s in path.split("/") if s]
    if len(segments) > 1 and segments[-1] in _LEAVES:
        segments = segments[:-1]
    return "/".join(segments) or logical_id


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y:
            break
        n += 1
    return n


def _kind(resource: dict[str, Any]) -> str:
    resource_type = type_of(resource)
    props = obj(resource.get("Properties"))
    if resource_type == "AWS::ApiGatewayV2::Api" and props.get("ProtocolType") == "WEBSOCKET":
        return "WebSocket API"
    if resource_type == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        kind = str(props.get("Type", "application"))
        return f"{kind} load balancer"
    if resource_type == "AWS::Route53Resolver::ResolverEndpoint":
        return f"{str(props.get('Direction', '')).lower()} Resolver endpoint".strip()
    if resource_type in KINDS:
        return KINDS[resource_type]
    short = short_type(resource_type)
    return short if "::" in short else f"{service_of(resource_type)} {_words(short)}"


def _structural_refs(resource_type: str, props: dict[str, Any]) -> set[str]:
    """The references that say what a resource belongs to (a policy's roles, not its statements' resources;
    an alarm's metric, not its actions)."""
    if resource_type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        return referenced_ids([props.get(k) for k in ("Roles", "Users", "Groups")])
    if resource_type in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
        return referenced_ids({k: v for k, v in props.items() if k not in _NOTIFY_KEYS})
    if resource_type == "AWS::IAM::Role":
        return set()  # its policies' resources are what it may touch, not what it belongs to
    return referenced_ids(props)


def _logging_refs(resource_type: str, props: dict[str, Any]) -> set[str]:
    """Buckets that a resource writes access logs to (a bucket's, a distribution's, a load balancer's)."""
    found: set[str] = set()
    if resource_type == "AWS::S3::Bucket":
        found |= referenced_ids(obj(props.get("LoggingConfiguration")).get("DestinationBucketName"))
    if resource_type == "AWS::CloudFront::Distribution":
        found |= referenced_ids(obj(obj(props.get("DistributionConfig")).get("Logging")).get("Bucket"))
    if resource_type == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        for attribute in as_list(props.get("LoadBalancerAttributes")):
            if obj(attribute).get("Key") == "access_logs.s3.bucket":
                found |= referenced_ids(obj(attribute).get("Value"))
    return found


def _dead_letter_refs(resource_type: str, props: dict[str, Any]) -> set[str]:
    if resource_type == "AWS::SQS::Queue":
        return referenced_ids(obj(props.get("RedrivePolicy")).get("deadLetterTargetArn"))
    return set()


def _fold(stack: StackTemplate) -> tuple[dict[str, str], list[str]]:
    """``owner`` (logical id -> logical id of its node's resource) and the node resources in template order."""
    resources = {lid: r for lid, r in stack.resources.items() if type_of(r) != "AWS::CDK::Metadata"}
    path = {lid: stack.paths.get(lid, "") for lid in resources}
    keys = [lid for lid, r in resources.items() if type_of(r) in KINDS and not _PLUMBING.search(path[lid])]
    owner: dict[str, str] = {lid: lid for lid in keys}

    # access-log buckets and dead-letter queues fold into the one resource that uses them
    for special in (_logging_refs, _dead_letter_refs):
        users: dict[str, list[str]] = {}
        for lid, res in resources.items():
            for target in special(type_of(res), obj(res.get("Properties"))):
                if target in resources and target != lid:
                    users.setdefault(target, []).append(lid)
        for target, referrers in users.items():
            if len(referrers) == 1 and referrers[0] in owner and owner.get(target) == target:
                owner[target] = referrers[0]
    for lid in list(owner):
        for _ in range(len(owner)):  # a log bucket of a log bucket: follow the chain to its end
            if owner[owner[lid]] == owner[lid]:
                break
            owner[lid] = owner[owner[lid]]
    keys = [lid for lid in keys if owner[lid] == lid]

    out: dict[str, set[str]] = {}
    inbound: dict[str, set[str]] = {lid: set() for lid in resources}
    for lid, res in resources.items():
        refs = {
            t
            for t in _structural_refs(type_of(res), obj(res.get("Properties")))
            if t in resources and t != lid
        }
        out[lid] = refs
        for target in refs:
            inbound[target].add(lid)
    order = {lid: n for n, lid in enumerate(resources)}

    def best(lid: str, candidates: list[tuple[str, bool]]) -> str | None:
        """The owner among (node resource, found by an inbound reference): the construct that contains the
        resource, else the one with the longest common construct path, else the one that references it."""
        if not candidates:
            return None

        def ancestor(candidate: str) -> bool:
            return bool(path[lid]) and path[lid].startswith(_name_of(path[candidate], candidate) + "/")

        ranked = sorted(
            candidates,
            key=lambda c: (not ancestor(c[0]), -_common(path[lid], path[c[0]]), not c[1], order[c[0]]),
        )
        return ranked[0][0]

    pending = [lid for lid in resources if lid not in owner]

    def propagate() -> None:
        """Fold what references (or is referenced by) a node's resource, then what touches folded ones."""
        for lid in pending:
            direct = [(r, True) for r in inbound[lid] if owner.get(r) == r] + [
                (r, False) for r in out[lid] if owner.get(r) == r
            ]
            if lid not in owner and (found := best(lid, direct)):
                owner[lid] = found
        changed = True
        while changed:
            changed = False
            for lid in pending:
                if lid in owner:
                    continue
                neighbours = [(owner[r], True) for r in inbound[lid] if r in owner] + [
                    (owner[r], False) for r in out[lid] if r in owner
                ]
                if found := best(lid, neighbours):
                    owner[lid] = found
                    changed = True

    propagate()
    while left := [lid for lid in pending if lid not in owner]:
        # below a node's construct (``Api/Account`` under ``Api``), else a node of its own: a service resource
        # before what merely serves one (a role, a log group, an alarm), then fold again around it
        for lid in left:
            by_path = [(k, False) for k in keys if path[lid] and _common(path[lid], path[k]) >= 1]
            if found := best(lid, by_path):
                owner[lid] = found
        if len([lid for lid in left if lid not in owner]) < len(left):
            propagate()  # what touches a resource folded by its path folds with it
            continue
        first = min(left, key=lambda lid: (type_of(resources[lid]) in _MINOR, order[lid]))
        owner[first] = first
        keys.append(first)
        propagate()
    return owner, [lid for lid in resources if owner[lid] == lid]


# --- edges -----------------------------------------------------------------------------------------------------------


def _statements(document: Any) -> Iterator[dict[str, Any]]:
    for statement in as_list(obj(document).get("Statement")):
        if isinstance(statement, dict) and statement.get("Effect", "Allow") == "Allow":
            yield statement


def _policy_documents(stack: StackTemplate) -> Iterator[tuple[str, Any]]:
    """``(role logical id, policy document)`` for inline role policies and policies attached to roles."""
    for lid, res in stack.of_type("AWS::IAM::Role"):
        for policy in as_list(res["Properties"].get("Policies")):
            yield lid, obj(policy).get("PolicyDocument")
    for _, res in stack.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for role in referenced_ids(res["Properties"].get("Roles")):
            yield role, res["Properties"].get("PolicyDocument")


def _targets(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every reference in ``value`` with the property path that leads to it."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("Ref", "Fn::GetAtt", "Fn::Sub"):
            for target in referenced_ids(value):
                yield target, path
            return
        for key, inner in value.items():
            yield from _targets(inner, (*path, str(key)))
    elif isinstance(value, list):
        for inner in value:
            yield from _targets(inner, path)


class _Edges:
    def __init__(self, owner: dict[str, str]) -> None:
        self.owner = owner
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def add(self, source_lid: str, target_lid: str, kind: str, note: str = "") -> None:
        source, target = self.owner.get(source_lid), self.owner.get(target_lid)
        if source is None or target is None or source == target:
            return
        edge = self.edges.setdefault((source, target, kind), Edge(source, target, kind))
        if note and note not in edge.notes:
            edge.notes.append(note)

    def add_external(self, source_lid: str, external: str, note: str) -> None:
        source = self.owner.get(source_lid)
        if source is not None:
            key = (source, external, "uses")  # pragma: no mutate (a dict key: any kind name keeps it unique)
            edge = self.edges.setdefault(key, Edge(source, external, "uses"))
            if note not in edge.notes:
                edge.notes.append(note)


def _data_edges(stack: StackTemplate, edges: _Edges) -> set[tuple[str, str]]:
    """Add the typed data-flow edges; return the (resource, reference) pairs they explain."""
    explained: set[tuple[str, str]] = set()
    for role, document in _policy_documents(stack):
        for statement in _statements(document):
            actions = [str(a) for a in as_list(statement.get("Action"))]
            for target in referenced_ids(statement.get("Resource")):
                for action in actions:
                    if kind := action_kind(action):
                        edges.add(role, target, kind, action)
    resources = stack.resources
    for lid, res in resources.items():
        resource_type, props = type_of(res), obj(obj(res).get("Properties"))
        for target, path in _targets(props):
            kind, note = _typed_reference(resource_type, path)
            target_type = type_of(resources.get(target))
            if kind == "invokes" and target_type in _RECEIVERS:
                kind = "sends"
            if note == "task" and target_type not in _INVOKABLE:
                kind = None
            if note == "alarm notification" and target_type.endswith("::ScalingPolicy"):
                kind, note = "invokes", "scales on alarm"
            if kind or note == "task":
                explained.add((lid, target))
            if kind:
                edge_source, edge_target = (target, lid) if kind == "triggers" else (lid, target)
                edges.add(edge_source, edge_target, "invokes" if kind == "triggers" else kind, note)
                explained.add((lid, target))
    return explained


_REFERENCE_KINDS: dict[str, list[tuple[str, str, str]]] = {
    # resource type: (property path prefix, edge kind, note)
    "AWS::ApiGateway::Method": [("Integration/Uri", "invokes", "integration")],
    "AWS::ApiGatewayV2::Integration": [("IntegrationUri", "invokes", "integration")],
    "AWS::AppSync::DataSource": [("", "invokes", "data source")],
    "AWS::Lambda::EventSourceMapping": [("EventSourceArn", "triggers", "event source")],
    "AWS::Events::Rule": [("Targets/Arn", "invokes", "rule target")],
    "AWS::Scheduler::Schedule": [("Target/Arn", "invokes", "schedule target")],
    "AWS::Pipes::Pipe": [("Target", "invokes", "pipe target"), ("Source", "triggers", "pipe source")],
    "AWS::SNS::Subscription": [("Endpoint", "sends", "subscription")],
    "AWS::SNS::Topic": [("Subscription/Endpoint", "sends", "subscription")],
    "AWS::S3::Bucket": [
        ("NotificationConfiguration", "sends", "event notification"),
        ("ReplicationConfiguration", "writes", "replication"),
    ],
    "AWS::ElasticLoadBalancingV2::Listener": [("DefaultActions", "invokes", "routes requests")],
    "AWS::ElasticLoadBalancingV2::ListenerRule": [("Actions", "invokes", "routes requests")],
    "AWS::ECS::Service": [("LoadBalancers/TargetGroupArn", "triggers", "routes requests")],
    "AWS::CloudFront::Distribution": [("DistributionConfig/Origins/DomainName", "invokes", "origin")],
    "AWS::CloudWatch::Alarm": [(key, "sends", "alarm notification") for key in sorted(_NOTIFY_KEYS)],
    "AWS::CloudWatch::CompositeAlarm": [(key, "sends", "alarm notification") for key in sorted(_NOTIFY_KEYS)],
    "AWS::Lambda::Function": [("DeadLetterConfig", "sends", "dead letters")],
    "AWS::Lambda::EventInvokeConfig": [("DestinationConfig", "sends", "destination")],
    "AWS::StepFunctions::StateMachine": [("DefinitionString", "invokes", "task")],
    "AWS::EC2::FlowLog": [("LogDestination", "writes", "flow logs")],
    "AWS::WAFv2::LoggingConfiguration": [("LogDestinationConfigs", "writes", "WAF logs")],
}


def _typed_reference(resource_type: str, path: tuple[str, ...]) -> tuple[str | None, str]:
    joined = "/".join(path)
    for prefix, kind, note in _REFERENCE_KINDS.get(resource_type, []):
        if joined.startswith(prefix):
            return kind, note
    return None, ""


def _external_refs(value: Any) -> Iterator[tuple[str, str, str, str]]:
    """``(key, kind, name, note)`` for each cross-stack reference or parameter in ``value``."""
    if isinstance(value, dict):
        if len(value) == 1:
            key, inner = next(iter(value.items()))
            if key == "Fn::GetStackOutput" and isinstance(inner, dict):
                stack = flat_text(inner.get("StackName", "?"))
                yield f"stack:{stack}", "stack", stack, flat_text(inner.get("OutputName", ""))
                return
            if key == "Fn::ImportValue":
                name = flat_text(inner)
                stack = name.split(":", 1)[0] if ":" in name else "another stack"
                yield f"stack:{stack}", "stack", stack, name
                return
        for inner in value.values():
            yield from _external_refs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _external_refs(inner)


def build_graph(stack: StackTemplate) -> Graph:
    """The stack's nodes (key resources with what is folded into them) and typed edges between them."""
    owner, keys = _fold(stack)
    resources = stack.resources
    nodes = {lid: Node(lid, _kind(resources[lid]), _name_of(stack.paths.get(lid, ""), lid)) for lid in keys}
    for lid, res in resources.items():
        if lid in owner:
            node = nodes[owner[lid]]
            entry = (lid, type_of(res))
            if lid == node.key:
                node.members.insert(0, entry)
            else:
                node.members.append(entry)
    edges = _Edges(owner)
    explained = _data_edges(stack, edges)
    # the rest of the references: configuration (skipping IAM documents, whose targets are data edges)
    for lid, res in resources.items():
        resource_type = type_of(res)
        if lid not in owner or resource_type in (
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::Role",
        ):
            continue
        for target in sorted(referenced_ids(obj(res.get("Properties")))):
            if target in resources and (lid, target) not in explained:
                edges.add(lid, target, "configures")
    externals: dict[str, Node] = {}
    parameters = obj(stack.template.get("Parameters"))
    for lid, res in resources.items():
        if lid not in owner:
            continue
        props = obj(res.get("Properties"))
        for key, kind, name, note in _external_refs(props):
            externals.setdefault(key, Node(key, kind, name, external=True))
            edges.add_external(lid, key, note)
        for target in sorted(referenced_ids(props)):
            if target in parameters and target != "BootstrapVersion":
                declared = str(obj(parameters[target]).get("Type", ""))
                default = flat_text(obj(parameters[target]).get("Default", target))
                kind = "SSM parameter" if declared.startswith("AWS::SSM::Parameter") else "parameter"
                key = f"param:{target}"
                externals.setdefault(
                    key, Node(key, kind, default if kind == "SSM parameter" else target, external=True)
                )
                edges.add_external(lid, key, target)
    data_pairs = {frozenset((e.source, e.target)) for e in edges.edges.values() if e.data}
    config_pairs: set[frozenset[str]] = set()
    kept_edges = []
    for edge in edges.edges.values():
        pair = frozenset((edge.source, edge.target))
        if not edge.data:
            if pair in data_pairs or (edge.kind == "configures" and pair in config_pairs):
                continue
            config_pairs.add(pair)
        kept_edges.append(edge)
    ordered = sorted(
        kept_edges,
        key=lambda e: (EDGE_KINDS.index(e.kind), keys.index(e.source) if e.source in keys else 0),
    )
    # one edge per pair and direction: the strongest kind, the others as notes
    unique: dict[tuple[str, str], Edge] = {}
    for edge in ordered:
        kept = unique.get((edge.source, edge.target))
        if kept is None:
            unique[(edge.source, edge.target)] = edge
        else:
            kept.notes.extend(n for n in [edge.kind, *edge.notes] if n not in kept.notes)
    return Graph([nodes[k] for k in keys] + list(externals.values()), list(unique.values()))


# --- Mermaid ---------------------------------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def node_label(node: Node) -> tuple[str, str, str]:
    """(kind, name, folded) of a node: what it is, its construct path, what is folded into it."""
    folded = node.folded()
    return node.kind, node.name, (f"+ {folded}" if folded else "")


def mermaid(graph: Graph) -> str:
    """A Mermaid ``flowchart TB``: one node per service resource, one labelled arrow per typed edge."""
    ids = {node.key: f"n{index}" for index, node in enumerate(graph.nodes)}
    lines = ["flowchart TB"]
    for node in graph.nodes:
        kind, name, folded = node_label(node)
        label = f"<b>{_mermaid_text(kind)}</b><br/>{_mermaid_text(name)}"
        if folded:
            label += f"<br/><small>{_mermaid_text(folded)}</small>"
        lines.append(f'  {ids[node.key]}["{label}"]')
    for edge in graph.edges:
        arrow = "-->" if edge.data else "-.->"
        lines.append(f"  {ids[edge.source]} {arrow}|{edge.kind}| {ids[edge.target]}")
    for category in (*CATEGORIES, "other", "external"):
        members = [ids[n.key] for n in graph.nodes if n.category == category]
        if members:
            lines.append(f"  class {','.join(members)} {category}")
    lines.extend(f"  classDef {name} {style}" for name, style in MERMAID_STYLES.items())
    return "\n".join(lines)


PALETTE: dict[str, tuple[str, str]] = {
    "network": ("#e8f1fb", "#2f6eb5"),
    "compute": ("#fdf0e3", "#c86a12"),
    "storage": ("#e9f6ec", "#2e8b47"),
    "security": ("#fbeaea", "#b83b3b"),
    "monitoring": ("#f2ecfa", "#7248b5"),
    "other": ("#f1f1f1", "#666666"),
    "external": ("#ffffff", "#444444"),
}
"""Fill and stroke per category (``external``: another stack or a parameter)."""

EDGE_STYLES: dict[str, tuple[str, str, float]] = {
    "invokes": ("#c86a12", "", 2.0),
    "writes": ("#2e8b47", "", 2.0),
    "sends": ("#7248b5", "", 2.0),
    "reads": ("#2f6eb5", "", 2.0),
    "configures": ("#9a9a9a", "4 3", 1.1),
    "uses": ("#444444", "1 3", 1.3),
}
"""Stroke colour, dash pattern and width per edge kind."""

MERMAID_STYLES = {
    name: f"fill:{fill},stroke:{stroke}" + (",stroke-dasharray:4 3" if name == "external" else "")
    for name, (fill, stroke) in PALETTE.items()
}

__all__ = ["EDGE_KINDS", "EDGE_STYLES", "KINDS", "PALETTE", "Edge", "Graph", "Node", "build_graph", "mermaid"]
