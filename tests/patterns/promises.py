"""Helpers for the ``test_<pattern>_promises.py`` modules: read a synthesized template into plain,
comparable facts (alarms, log retention, user data, NACL entries, ingress), so that each test states the
promised values literally."""

from __future__ import annotations

import json
from functools import cache
from typing import Any, NamedTuple

from aws_cdk import App, Stack

from stacks import build, feature_flags


def example_stack_template(name: str) -> dict[str, Any]:
    """One example stack (with the stacks it takes: the shared network, us-east-1 companions),
    synthesized without the policy plugins: these tests assert the construct's own promises, not the gate."""
    return example_stack_templates(name)[name]


@cache
def example_stack_templates(*names: str) -> dict[str, dict[str, Any]]:
    """``names`` and the stacks they take, built once per process; their templates by stack name."""
    app = App(context=feature_flags())
    built = build(app, only=names, checks=False)
    return {name: template_json(stack) for name, stack in built.items()}


def template_json(stack: Stack) -> dict[str, Any]:
    from aws_cdk.assertions import Template

    return Template.from_stack(stack).to_json()


def resources(template: dict[str, Any], type_: str) -> list[tuple[str, dict[str, Any]]]:
    return [(i, r) for i, r in template["Resources"].items() if r["Type"] == type_]


class Alarm(NamedTuple):
    metric: str  # "AWS/SQS ApproximateNumberOfMessagesVisible Maximum", or a math expression with its metrics
    threshold: float
    comparison: str
    periods: int
    datapoints: int | None
    missing: str | None
    period: int | None
    actions: str  # "topic" (alarm and OK to an SNS topic), "alarm-only", "scaling", "none"


def _metric(properties: dict[str, Any]) -> str:
    if "Metrics" not in properties:
        stat = properties.get("Statistic") or properties.get("ExtendedStatistic")
        return f"{properties['Namespace']} {properties['MetricName']} {stat}"
    parts = []
    for metric in properties["Metrics"]:
        if "Expression" in metric:
            parts.insert(0, metric["Expression"])
        else:
            stat = metric["MetricStat"]
            parts.append(
                f"{metric['Id']}={stat['Metric']['Namespace']} {stat['Metric']['MetricName']} "
                f"{stat['Stat']}/{stat['Period']}"
            )
    return "; ".join(parts)


def _actions(properties: dict[str, Any], template: dict[str, Any]) -> str:
    actions = properties.get("AlarmActions") or []
    if not actions:
        return "none"
    kinds = set()
    for action in actions:
        if isinstance(action, dict) and ("Fn::GetStackOutput" in action or "Fn::ImportValue" in action):
            kinds.add("other-stack")  # a topic of another stack (CloudFront's us-east-1 companions)
            continue
        target = template["Resources"].get((action or {}).get("Ref", ""), {}).get("Type")
        kinds.add(
            {"AWS::SNS::Topic": "topic", "AWS::ApplicationAutoScaling::ScalingPolicy": "scaling"}.get(
                target, "other"
            )
        )
    kind = "/".join(sorted(kinds))
    if kind in ("topic", "other-stack") and properties.get("OKActions") != actions:
        return "alarm-only"
    return kind


def alarms(template: dict[str, Any]) -> list[Alarm]:
    """Every alarm of ``template`` as comparable values, sorted."""
    found = []
    for _, resource in resources(template, "AWS::CloudWatch::Alarm"):
        p = resource["Properties"]
        found.append(
            Alarm(
                _metric(p),
                p["Threshold"],
                p["ComparisonOperator"],
                p["EvaluationPeriods"],
                p.get("DatapointsToAlarm"),
                p.get("TreatMissingData"),
                p.get("Period"),
                _actions(p, template),
            )
        )
    return sorted(found)


def log_retentions(template: dict[str, Any]) -> list[tuple[int | None, str | None]]:
    """(RetentionInDays, DeletionPolicy) of every log group, sorted."""
    return sorted(
        (r["Properties"].get("RetentionInDays"), r.get("DeletionPolicy"))
        for _, r in resources(template, "AWS::Logs::LogGroup")
    )


def _flatten(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        return "".join(_flatten(v) for v in value["Fn::Join"][1])
    if isinstance(value, dict) and "Fn::Base64" in value:
        return _flatten(value["Fn::Base64"])
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return sub if isinstance(sub, str) else sub[0]
    return "${" + json.dumps(value, sort_keys=True) + "}"


def user_data_scripts(template: dict[str, Any]) -> list[str]:
    """The user data of every launch template and instance, as text (intrinsics shown as ``${...}``)."""
    scripts = []
    for type_ in ("AWS::EC2::LaunchTemplate", "AWS::EC2::Instance"):
        for _, resource in resources(template, type_):
            p = resource["Properties"]
            data = (p.get("LaunchTemplateData") or p).get("UserData")
            if data is None:
                continue
            scripts.append(_flatten(data))  # Fn::Base64 of the plain text
    return scripts


def shell_parts(script: str) -> list[str]:
    """The shell scripts in ``script`` (one, or each text/x-shellscript part of a MIME multi-part)."""
    if not script.startswith("Content-Type: multipart/mixed"):
        return [script]
    parts = []
    for chunk in script.split("--+AWS+CDK+User+Data+Separator=="):
        if "Content-Type: text/x-shellscript" in chunk:
            parts.append(chunk.split("\n\n", 1)[1])
    return parts


def ingress_rules(template: dict[str, Any]) -> list[tuple[str, Any, Any, str]]:
    """(protocol, from port, to port, source) of every security-group ingress, inline or standalone."""
    rules = []
    for _, resource in resources(template, "AWS::EC2::SecurityGroup"):
        for rule in resource["Properties"].get("SecurityGroupIngress") or []:
            rules.append(_ingress(rule))
    for _, resource in resources(template, "AWS::EC2::SecurityGroupIngress"):
        rules.append(_ingress(resource["Properties"]))
    return sorted(rules, key=repr)


def _ingress(rule: dict[str, Any]) -> tuple[str, Any, Any, str]:
    source = rule.get("CidrIp") or rule.get("CidrIpv6") or rule.get("SourcePrefixListId")
    if source is None and "SourceSecurityGroupId" in rule:
        source = "group"
    if not isinstance(source, str):
        source = "cidr-from-" + ("import" if "Fn::GetStackOutput" in json.dumps(source) else "intrinsic")
    return (str(rule["IpProtocol"]), rule.get("FromPort"), rule.get("ToPort"), source)


def nacl_entries(template: dict[str, Any]) -> dict[str, list[tuple[int, str, str, str, Any, str]]]:
    """NACL entries by the ACL's Name tag (its construct path): (rule number, direction, protocol, cidr, ports, action)."""
    acls = {
        i: next(t["Value"] for t in r["Properties"]["Tags"] if t["Key"] == "Name")
        for i, r in resources(template, "AWS::EC2::NetworkAcl")
    }
    by_acl: dict[str, list] = {}
    for _, resource in resources(template, "AWS::EC2::NetworkAclEntry"):
        p = resource["Properties"]
        acl = p["NetworkAclId"]["Ref"]
        cidr = p.get("CidrBlock")
        cidr = cidr if isinstance(cidr, str) else "vpc"
        ports = p.get("PortRange")
        by_acl.setdefault(acls[acl], []).append(
            (
                p["RuleNumber"],
                "out" if p.get("Egress") else "in",
                str(p["Protocol"]),
                cidr,
                (ports["From"], ports["To"]) if ports else None,
                p["RuleAction"],
            )
        )
    return {acl: sorted(entries) for acl, entries in by_acl.items()}
