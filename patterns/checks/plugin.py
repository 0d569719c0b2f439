"""CloudDesignPatternChecks: the talks' lessons as a CDK policy-validation plugin.

    Validations.of(app).add_plugins(CloudDesignPatternChecks())

Errors fail synthesis; warnings are reported. Acknowledge a finding on the smallest construct, exactly
as for cdk-nag: ``Validations.of(construct).acknowledge(Acknowledgment(id="CDP-NoSshIngress", reason=...))``
(the id with or without the ``CloudDesignPatterns::`` prefix). An acknowledgment covers the construct
and everything under it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from types import ModuleType

import jsii
from aws_cdk import (
    CfnResource,
    IPolicyValidationContext,
    IPolicyValidationPlugin,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
    Stack,
    Validations,
)
from constructs import IConstruct

from .._core.arguments import checked_arguments
from .model import Severity, Status, Template
from .rules import ALL_RULES

PLUGIN_NAME = "CloudDesignPatterns"
PLUGIN_VERSION = "0.1.0"


def _logical_paths(root: IConstruct) -> dict[tuple[str, str], str]:
    """(stack path, logical id) -> construct path of every CloudFormation resource in the app.

    Only needed for templates synthesized without path metadata; walking the tree costs a jsii call
    per construct, so it runs once, and only when a finding has to be placed.
    """
    paths: dict[tuple[str, str], str] = {}
    for construct in root.node.find_all():
        if isinstance(construct, CfnResource):
            stack = Stack.of(construct)
            paths[(stack.node.path, stack.resolve(construct.logical_id))] = construct.node.path
    return paths


def _find(root: IConstruct, path: str) -> IConstruct | None:
    construct: IConstruct | None = root
    for part in filter(None, path.split("/")):
        if construct is None:
            return None
        construct = construct.node.try_find_child(part)
    return construct


def _is_acknowledged(rule_id: str, construct: IConstruct | None) -> bool:
    """Whether ``rule_id`` is acknowledged on ``construct`` or any of its parents."""
    names = {rule_id, f"{PLUGIN_NAME}::{rule_id}", f"Annotation::{rule_id}"}
    key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    while construct is not None:
        for entry in construct.node.metadata:
            if entry.type == key and isinstance(entry.data, dict) and names & set(entry.data):
                return True
        construct = construct.node.scope
    return False


@jsii.implements(IPolicyValidationPlugin)
class CloudDesignPatternChecks:
    """The project's own rules (``patterns.checks.rules``), run over every synthesized template."""

    @checked_arguments
    def __init__(self, rules: Iterable[ModuleType] = ALL_RULES) -> None:
        self._rules = tuple(rules)

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        return PLUGIN_VERSION

    @property
    def rule_ids(self) -> list[str]:
        return [rule.RULE_ID for rule in self._rules]

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        root = context.app_construct
        tree_paths: dict[tuple[str, str], str] | None = None
        violations: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {}
        for stack in context.stack_templates:
            with open(stack.template_path, encoding="utf-8") as handle:
                template = Template(json.load(handle))
            for rule in self._rules:
                for logical_id, resource in template.of_type(*rule.RESOURCE_TYPES):
                    result = rule.evaluate(logical_id, resource, template)
                    if result.status is not Status.NON_COMPLIANT:
                        continue
                    # Findings are rare: only now find the construct and its acknowledgments.
                    path = (resource.get("Metadata") or {}).get("aws:cdk:path")
                    if path is None:
                        tree_paths = tree_paths if tree_paths is not None else _logical_paths(root)
                        path = tree_paths.get(
                            (stack.stack_construct_path, logical_id), stack.stack_construct_path
                        )
                    if _is_acknowledged(rule.RULE_ID, _find(root, path)):
                        continue
                    violations.setdefault(rule.RULE_ID, []).append(
                        (stack.template_path, logical_id, result.message, result.locations)
                    )
        report = []
        failed = False
        for rule in self._rules:
            for template_path, logical_id, message, locations in violations.get(rule.RULE_ID, []):
                failed |= rule.SEVERITY is Severity.ERROR
                report.append(
                    PolicyViolation(
                        rule_name=rule.RULE_ID,
                        description=message,
                        fix=rule.FIX,
                        severity=rule.SEVERITY.value,
                        violating_resources=[
                            PolicyViolatingResource(
                                template_path=template_path,
                                resource_logical_id=logical_id,
                                locations=list(locations),
                            )
                        ],
                    )
                )
        return PolicyValidationPluginReport(
            success=not failed, violations=report, plugin_version=PLUGIN_VERSION
        )
