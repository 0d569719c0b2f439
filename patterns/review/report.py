"""One stack's review: every section computed from its template, ready for the Markdown and HTML renderers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .cfn import service_of
from .cost import CostReport, estimate
from .diagram import Graph, build_graph
from .exposure import Exposure, find_exposure
from .iam import RoleSummary, summarize_roles
from .load import StackTemplate, type_of
from .stateful import StatefulResource, stateful_resources


@dataclass
class StackReport:
    stack: StackTemplate
    graph: Graph
    services: dict[str, list[tuple[str, str]]]
    exposure: list[Exposure]
    roles: list[RoleSummary]
    stateful: list[StatefulResource]
    cost: CostReport

    @property
    def name(self) -> str:
        return self.stack.display_name or self.stack.name

    @property
    def resource_count(self) -> int:
        return sum(len(members) for members in self.services.values())

    def path_of(self, logical_id: str) -> str:
        """The construct path below the stack, or "" when the template carries none."""
        return self.stack.paths.get(logical_id, "")


def resources_by_service(stack: StackTemplate) -> dict[str, list[tuple[str, str]]]:
    """Service (``EC2``) -> ``(logical id, type)``, services by resource count then name; noise left out."""
    services: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for lid, res in stack.resources.items():
        resource_type = type_of(res)
        if resource_type != "AWS::CDK::Metadata":
            services[service_of(resource_type)].append((lid, resource_type))
    return dict(sorted(services.items(), key=lambda item: (-len(item[1]), item[0])))


def review(stack: StackTemplate) -> StackReport:
    return StackReport(
        stack=stack,
        graph=build_graph(stack),
        services=resources_by_service(stack),
        exposure=find_exposure(stack),
        roles=summarize_roles(stack),
        stateful=stateful_resources(stack),
        cost=estimate(stack),
    )
