"""The architecture graph of a stack: resources grouped by construct, edges where one group references another.

A resource's group is the first two segments below the stack of the construct that holds it (``Network/Vpc``
for ``Network/Vpc/PublicSubnet1/Subnet``; ``Network`` for an L1 directly in it, ``Network/VpnGateway``); a
top-level L2 keeps its children (``Alarms/Resource`` and ``Alarms/Policy/Resource`` are both ``Alarms``); CDK
singletons (``Custom::X...Provider``, hash-suffixed ids) form one group each; without a construct path the
logical id is the group.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .cfn import TIMES, referenced_ids, service_of, short_type
from .load import StackTemplate, type_of

NOISE_TYPES = frozenset({"AWS::CDK::Metadata", "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"})
"""Types left out of the diagram (alarms watch everything and would connect everything; the other sections
list them)."""

_SINGLETON = re.compile(r"(^Custom::|^AWS[0-9a-f]{32}$|[0-9a-f]{32}$)")
_L1_LEAVES = frozenset({"Resource", "Default"})

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
            "NetworkFirewall",
            "GlobalAccelerator",
            "ServiceDiscovery",
            "DirectConnect",
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
    "monitoring": frozenset({"CloudWatch", "Logs", "SNS", "Events", "Scheduler", "CloudTrail"}),
}
"""Colour families of the SVG nodes, by the service of a group's main resource."""


def category_of(service: str) -> str:
    return next((name for name, services in CATEGORIES.items() if service in services), "other")


@dataclass
class Group:
    """Resources of one construct: ``members`` are ``(logical id, type)`` in template order."""

    name: str
    members: list[tuple[str, str]] = field(default_factory=list)
    main_type: str = ""

    @property
    def service(self) -> str:
        return service_of(self.main_type)

    @property
    def category(self) -> str:
        return category_of(self.service)

    def type_summary(self, limit: int = 3) -> list[str]:
        """``["Subnet x6", "RouteTable x6", "VPC", "+9 types"]``: the most common types first."""
        counts = Counter(short_type(t) for _, t in self.members)
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        parts = [f"{name} {TIMES}{n}" if n > 1 else name for name, n in ordered[:limit]]
        if len(ordered) > limit:
            parts.append(f"+{len(ordered) - limit} more")
        return parts


@dataclass
class Graph:
    """Groups in first-seen order, and edges ``(from group, to group) -> number of references``."""

    groups: list[Group]
    edges: dict[tuple[str, str], int]

    def group(self, name: str) -> Group:
        return next(g for g in self.groups if g.name == name)


def owner_of(path: str) -> str:
    """The construct that holds a resource's L1: its path without the last segment (``Network/Vpc/Resource``
    -> ``Network/Vpc``; ``Network/VpnGateway`` -> ``Network``)."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def group_name(path: str | None, logical_id: str, l2_paths: frozenset[str] = frozenset()) -> str:
    """The diagram group of a resource from its construct path below the stack (see the module doc).

    ``l2_paths`` are the constructs that own a ``Resource``/``Default`` L1 (an L2 such as a topic): when the
    first segment is one of them, its children (the topic's policy) stay in its group.
    """
    if not path:
        return logical_id
    segments = [s for s in path.split("/") if s]
    if not segments:
        return logical_id
    if len(segments) == 1 or _SINGLETON.search(segments[0]) or segments[0] in l2_paths:
        return segments[0]
    owner = segments[:-1]
    return "/".join(owner[:2])


def l2_paths_of(paths: dict[str, str]) -> frozenset[str]:
    """Construct paths that own an L1 named ``Resource`` or ``Default``."""
    return frozenset(owner_of(p) for p in paths.values() if p.rsplit("/", 1)[-1] in _L1_LEAVES and "/" in p)


def _main_type(group: Group, paths: dict[str, str]) -> str:
    """The type of the group's own L1 (``<group>/Resource``) if any, else its most common non-IAM type."""
    for logical_id, resource_type in group.members:
        path = paths.get(logical_id, "")
        if path in (group.name + "/Resource", group.name + "/Default", group.name):
            return resource_type
    counts = Counter(t for _, t in group.members if service_of(t) != "IAM") or Counter(
        t for _, t in group.members
    )
    return counts.most_common(1)[0][0]


def build_graph(stack: StackTemplate) -> Graph:
    """Group the stack's resources by construct and connect groups that reference each other."""
    groups: dict[str, Group] = {}
    group_of: dict[str, str] = {}
    l2_paths = l2_paths_of(stack.paths)
    for logical_id, resource in stack.resources.items():
        resource_type = type_of(resource)
        if resource_type in NOISE_TYPES:
            continue
        name = group_name(stack.paths.get(logical_id), logical_id, l2_paths)
        groups.setdefault(name, Group(name)).members.append((logical_id, resource_type))
        group_of[logical_id] = name
    for group in groups.values():
        group.main_type = _main_type(group, stack.paths)
    edges: Counter[tuple[str, str]] = Counter()
    for logical_id, source in group_of.items():
        resource = stack.resources[logical_id]
        targets = referenced_ids(resource.get("Properties")) if isinstance(resource, dict) else set()
        for target in sorted(targets):
            destination = group_of.get(target)
            if destination and destination != source:
                edges[(source, destination)] += 1
    return Graph(groups=list(groups.values()), edges=dict(edges))


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(graph: Graph) -> str:
    """A Mermaid ``flowchart LR``: one node per group (name, then its main types), one arrow per edge."""
    ids = {group.name: f"g{index}" for index, group in enumerate(graph.groups)}
    lines = ["flowchart LR"]
    for group in graph.groups:
        label = _mermaid_text(group.name) + "<br/>" + _mermaid_text(", ".join(group.type_summary()))
        lines.append(f'  {ids[group.name]}["{label}"]')
    order = {group.name: index for index, group in enumerate(graph.groups)}
    for source, target in sorted(graph.edges, key=lambda edge: (order[edge[0]], order[edge[1]])):
        lines.append(f"  {ids[source]} --> {ids[target]}")
    for category in (*CATEGORIES, "other"):
        members = [ids[g.name] for g in graph.groups if g.category == category]
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
}
"""Fill and stroke per category."""

MERMAID_STYLES = {name: f"fill:{fill},stroke:{stroke}" for name, (fill, stroke) in PALETTE.items()}
