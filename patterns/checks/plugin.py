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

from .model import Severity, Status, Template
from .rules import ALL_RULES

PLUGIN_NAME = "CloudDesignPatterns"
PLUGIN_VERSION = "0.1.0"


def _acknowledged(root: IConstruct) -> dict[str, set[str]]:
    """Construct path -> rule ids acknowledged there."""
    key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    found: dict[str, set[str]] = {}
    for construct in root.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == key and isinstance(entry.data, dict):
                found.setdefault(construct.node.path, set()).update(entry.data)
    return found


def _logical_paths(root: IConstruct) -> dict[tuple[str, str], str]:
    """(stack path, logical id) -> construct path of every CloudFormation resource in the app."""
    paths: dict[tuple[str, str], str] = {}
    for construct in root.node.find_all():
        if CfnResource.is_cfn_resource(construct):
            stack = Stack.of(construct)
            paths[(stack.node.path, stack.resolve(construct.logical_id))] = construct.node.path
    return paths


def _is_acknowledged(rule_id: str, path: str, acknowledged: dict[str, set[str]]) -> bool:
    names = {rule_id, f"{PLUGIN_NAME}::{rule_id}", f"Annotation::{rule_id}"}
    parts = path.split("/")
    for depth in range(len(parts), -1, -1):
        if names & acknowledged.get("/".join(parts[:depth]), set()):
            return True
    return False


@jsii.implements(IPolicyValidationPlugin)
class CloudDesignPatternChecks:
    """The project's own rules (``patterns.checks.rules``), run over every synthesized template."""

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
        acknowledged = _acknowledged(context.app_construct)
        paths = _logical_paths(context.app_construct)
        violations: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {}
        for stack in context.stack_templates:
            with open(stack.template_path, encoding="utf-8") as handle:
                template = Template(json.load(handle))
            for rule in self._rules:
                for logical_id, resource in template.of_type(*rule.RESOURCE_TYPES):
                    result = rule.evaluate(logical_id, resource, template)
                    if result.status is not Status.NON_COMPLIANT:
                        continue
                    path = paths.get((stack.stack_construct_path, logical_id), stack.stack_construct_path)
                    if _is_acknowledged(rule.RULE_ID, path, acknowledged):
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
