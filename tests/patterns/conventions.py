"""Helpers for the grant / metric / connections tests (tests/patterns/test_*_conventions.py)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template


def new_role(stack: Stack, id: str) -> iam.Role:
    """A role to grant to (one per grant under test, so that each policy holds that grant only)."""
    return iam.Role(stack, id, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))


def statements_of(template: Template, stack: Stack, role: iam.IRole) -> list[dict[str, Any]]:
    """The statements of every IAM policy attached to ``role``, resolved, actions as sorted lists."""
    ref = {"Ref": stack.get_logical_id(role.node.default_child)}  # type: ignore[arg-type]
    statements: list[dict[str, Any]] = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if ref in policy["Properties"].get("Roles", []):
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                actions = statement["Action"]
                statements.append(
                    {**statement, "Action": sorted([actions] if isinstance(actions, str) else actions)}
                )
    return statements


def resources_of(statement: dict[str, Any]) -> list[Any]:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def actions_on(statements: list[dict[str, Any]], resource: Any) -> list[str]:
    """Every action allowed on ``resource`` (a resolved ``Ref``/``Fn::GetAtt``/``Fn::Join``), sorted."""
    found: set[str] = set()
    for statement in statements:
        if statement["Effect"] == "Allow" and resource in resources_of(statement):
            found.update(statement["Action"])
    return sorted(found)


def all_actions(statements: list[dict[str, Any]]) -> list[str]:
    return sorted({action for statement in statements for action in statement["Action"]})


def ref(stack: Stack, construct: Any) -> dict[str, str]:
    """``{"Ref": <logical id>}`` of an L2's default child (or an L1)."""
    resource = getattr(construct.node, "default_child", None) or construct
    return {"Ref": stack.get_logical_id(resource)}


def arn(stack: Stack, construct: Any) -> dict[str, list[str]]:
    resource = getattr(construct.node, "default_child", None) or construct
    return {"Fn::GetAtt": [stack.get_logical_id(resource), "Arn"]}


def metric_shape(stack: Stack, metric: cw.Metric) -> dict[str, Any]:
    """A metric's namespace, name, resolved dimensions, statistic and period (seconds)."""
    assert isinstance(metric, cw.Metric), type(metric)
    period: Duration = metric.period
    return {
        "namespace": metric.namespace,
        "metric_name": metric.metric_name,
        "dimensions": stack.resolve(metric.dimensions or {}),
        "statistic": metric.statistic,
        "period": period.to_seconds(),
    }


def ingress_rules_to(template: Template, stack: Stack, group: ec2.ISecurityGroup) -> list[dict[str, Any]]:
    """Every ingress rule of ``group``, inline or as a separate AWS::EC2::SecurityGroupIngress."""
    group_id = stack.resolve(group.security_group_id)
    rules: list[dict[str, Any]] = []
    for resource in template.find_resources("AWS::EC2::SecurityGroupIngress").values():
        if resource["Properties"]["GroupId"] == group_id:
            rules.append(resource["Properties"])
    logical_id = (
        group_id["Fn::GetAtt"][0] if isinstance(group_id, dict) and "Fn::GetAtt" in group_id else None
    )
    if logical_id is not None:
        own = template.to_json()["Resources"][logical_id]["Properties"]
        rules.extend(own.get("SecurityGroupIngress", []))
    return rules


def opens(rules: list[dict[str, Any]], port: int, *, cidr: str | None = None) -> bool:
    """True if one rule opens TCP ``port`` (from ``cidr`` if given)."""
    return any(
        rule.get("IpProtocol") == "tcp"
        and rule.get("FromPort") == port
        and rule.get("ToPort") == port
        and (cidr is None or rule.get("CidrIp") == cidr)
        for rule in rules
    )
