"""An IAM summary per role: who assumes it, which services and actions it allows, and what is wildcarded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .cfn import as_list, flat_text, ref_target
from .load import StackTemplate

BROAD_MANAGED = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})
"""AWS managed policies called out by name (besides any ``*FullAccess``)."""


@dataclass
class RoleSummary:
    """What one role may do. ``services`` maps a service prefix (``s3``) to its sorted actions."""

    logical_id: str
    assumed_by: list[str] = field(default_factory=list)
    managed_policies: list[str] = field(default_factory=list)
    policy_sources: list[str] = field(default_factory=list)
    services: dict[str, list[str]] = field(default_factory=dict)
    wildcard_actions: list[str] = field(default_factory=list)
    star_resource_actions: list[str] = field(default_factory=list)
    not_actions: list[str] = field(default_factory=list)
    broad_managed: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(
            self.wildcard_actions or self.star_resource_actions or self.not_actions or self.broad_managed
        )


def is_wildcard_action(action: str) -> bool:
    """``*`` or ``svc:*`` (a whole service)."""
    return action == "*" or action.endswith(":*")


def managed_policy_name(arn: Any) -> str:
    """``arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`` -> ``AWSLambdaBasicExecutionRole``."""
    text = flat_text(arn)
    return text.rsplit("/", 1)[-1] if "/" in text else text


def _principals(document: Any) -> list[str]:
    out: list[str] = []
    for statement in as_list(document.get("Statement") if isinstance(document, dict) else None):
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if principal == "*":
            out.append("anyone (*)")
        elif isinstance(principal, dict):
            for kind, values in principal.items():
                out.extend(
                    f"{flat_text(v)}" if kind == "Service" else f"{kind}: {flat_text(v)}"
                    for v in as_list(values)
                )
    return sorted(set(out))


def _statements(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    return [
        s for s in as_list(document.get("Statement")) if isinstance(s, dict) and s.get("Effect") == "Allow"
    ]


def _attached(stack: StackTemplate) -> dict[str, list[tuple[str, Any]]]:
    """Role logical id -> ``(policy logical id, policy document)`` of Policy/ManagedPolicy resources naming it."""
    attached: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for lid, res in stack.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        props = res["Properties"]
        for role in as_list(props.get("Roles")):
            if target := ref_target(role):
                attached[target].append((lid, props.get("PolicyDocument")))
    return attached


def summarize_roles(stack: StackTemplate) -> list[RoleSummary]:
    """One summary per AWS::IAM::Role, with inline, attached and managed policies combined."""
    attached = _attached(stack)
    summaries = []
    for lid, res in stack.of_type("AWS::IAM::Role"):
        props = res["Properties"]
        summary = RoleSummary(lid, assumed_by=_principals(props.get("AssumeRolePolicyDocument")))
        documents: list[tuple[str, Any]] = [
            (f"inline {flat_text(p.get('PolicyName', '?'))}", p.get("PolicyDocument"))
            for p in as_list(props.get("Policies"))
            if isinstance(p, dict)
        ]
        documents.extend(attached.get(lid, []))
        for arn in as_list(props.get("ManagedPolicyArns")):
            target = ref_target(arn)
            if target and stack.resources.get(target, {}).get("Type") == "AWS::IAM::ManagedPolicy":
                if all(source != target for source, _ in documents):
                    documents.append((target, stack.props(target).get("PolicyDocument")))
                continue
            name = managed_policy_name(arn)
            summary.managed_policies.append(name)
            if name in BROAD_MANAGED or name.endswith("FullAccess"):
                summary.broad_managed.append(name)
        services: dict[str, set[str]] = defaultdict(set)
        wildcards: set[str] = set()
        star: set[str] = set()
        for source, document in documents:
            summary.policy_sources.append(source)
            for statement in _statements(document):
                if "NotAction" in statement:
                    summary.not_actions.extend(str(a) for a in as_list(statement["NotAction"]))
                actions = [flat_text(a) for a in as_list(statement.get("Action"))]
                resources = as_list(statement.get("Resource"))
                for action in actions:
                    service = action.split(":", 1)[0] if ":" in action else "*"
                    services[service].add(action)
                    if is_wildcard_action(action):
                        wildcards.add(action)
                    if "*" in resources:
                        star.add(action)
        summary.services = {svc: sorted(acts) for svc, acts in sorted(services.items())}
        summary.wildcard_actions = sorted(wildcards)
        summary.star_resource_actions = sorted(star)
        summaries.append(summary)
    return summaries
