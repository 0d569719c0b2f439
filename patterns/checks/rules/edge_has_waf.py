"""CDP-EdgeHasWaf (warning): CloudFront distributions and internet-facing ALBs have a WAF web ACL
(the security talk: WAF blocks by IP and catches simple SQL injection; Shield absorbs DDoS)."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, NOT_APPLICABLE, Result, Severity, Template, non_compliant, props, refs

RULE_ID = "CDP-EdgeHasWaf"
SEVERITY = Severity.WARNING
RESOURCE_TYPES = ("AWS::CloudFront::Distribution", "AWS::ElasticLoadBalancingV2::LoadBalancer")
FIX = "Attach a WAFv2 web ACL (patterns.security.EdgeProtection): web_acl_id on CloudFront, a WebACLAssociation on the ALB."


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    properties = props(resource)
    if resource["Type"] == "AWS::CloudFront::Distribution":
        if (properties.get("DistributionConfig") or {}).get("WebACLId"):
            return COMPLIANT
        return non_compliant("The distribution has no WAF web ACL.", "Properties.DistributionConfig.WebACLId")
    if properties.get("Type", "application") != "application" or properties.get("Scheme") == "internal":
        return NOT_APPLICABLE
    for _, association in template.of_type("AWS::WAFv2::WebACLAssociation"):
        if logical_id in refs(props(association).get("ResourceArn")):
            return COMPLIANT
    return non_compliant("The internet-facing load balancer has no WAF web ACL associated.")
