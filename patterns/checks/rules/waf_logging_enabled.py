"""CDP-WafLoggingEnabled: every web ACL logs every request it sees, not the 100-request sample the
console keeps (the security talk's complaint: the detection log showed too little)."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, Result, Severity, Template, non_compliant, props, refs

RULE_ID = "CDP-WafLoggingEnabled"
SEVERITY = Severity.ERROR
RESOURCE_TYPES = ("AWS::WAFv2::WebACL",)
FIX = "Add an AWS::WAFv2::LoggingConfiguration (patterns.security.EdgeProtection does) to CloudWatch Logs or Firehose."


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    for _, logging in template.of_type("AWS::WAFv2::LoggingConfiguration"):
        if logical_id in refs(props(logging).get("ResourceArn")):
            return COMPLIANT
    return non_compliant("The web ACL has no logging configuration.")
