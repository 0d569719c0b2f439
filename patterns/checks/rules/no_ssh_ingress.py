"""CDP-NoSshIngress: no security group opens port 22. Configure instances by user-data and reach them
with Session Manager (the AMI-maintenance talk: SSH-configured servers cannot be rebuilt)."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, NOT_APPLICABLE, Result, Severity, Template, non_compliant, number, props, refs

RULE_ID = "CDP-NoSshIngress"
SEVERITY = Severity.ERROR
RESOURCE_TYPES = ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress")
FIX = "Remove the port 22 rule; use Session Manager (aws ssm start-session) and user-data instead of SSH."


def opens_ssh(rule: dict[str, Any]) -> bool:
    protocol = str(rule.get("IpProtocol", "")).lower()
    if protocol in ("-1", "all"):
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = number(rule.get("FromPort")), number(rule.get("ToPort"))
    if low is None or high is None:
        return False
    return low <= 22 <= high


def cluster_internal(rule: dict[str, Any], group_ids: set[str]) -> bool:
    """All traffic among the members of one group (EFA, MPI): not an SSH access path from outside."""
    protocol = str(rule.get("IpProtocol", "")).lower()
    source = refs(rule.get("SourceSecurityGroupId"))
    return protocol in ("-1", "all") and bool(source) and source <= group_ids


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    if resource["Type"] == "AWS::EC2::SecurityGroupIngress":
        rules = [props(resource)]
        where = "Properties"
        group_ids = refs(props(resource).get("GroupId"))
    else:
        group_ids = {logical_id}
        rules = props(resource).get("SecurityGroupIngress") or []
        where = "Properties.SecurityGroupIngress"
        if not isinstance(rules, list):
            return NOT_APPLICABLE
    for rule in rules:
        if isinstance(rule, dict) and opens_ssh(rule) and not cluster_internal(rule, group_ids):
            source = (
                rule.get("CidrIp") or rule.get("CidrIpv6") or rule.get("SourceSecurityGroupId") or "a peer"
            )
            return non_compliant(f"Security group admits SSH (port 22) from {source}.", where)
    return COMPLIANT
