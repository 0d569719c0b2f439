"""CDP-NoKeyPairs: instances and launch templates carry no SSH key pair (Session Manager instead)."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, Result, Severity, Template, non_compliant, props

RULE_ID = "CDP-NoKeyPairs"
SEVERITY = Severity.ERROR
RESOURCE_TYPES = ("AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration")
FIX = "Drop KeyName; give the instance role AmazonSSMManagedInstanceCore and connect with Session Manager."


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    properties = props(resource)
    if resource["Type"] == "AWS::EC2::LaunchTemplate":
        properties = properties.get("LaunchTemplateData") or {}
        location = "Properties.LaunchTemplateData.KeyName"
    else:
        location = "Properties.KeyName"
    if properties.get("KeyName"):
        return non_compliant(
            "An SSH key pair is attached: someone will log in and change the server by hand.", location
        )
    return COMPLIANT
