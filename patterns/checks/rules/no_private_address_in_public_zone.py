"""CDP-NoPrivateAddressInPublicZone: public hosted zones hold no private addresses (the hybrid-DNS talk's
conclusion). Private names go in a private hosted zone; split-horizon serves both views."""

from __future__ import annotations

import ipaddress
from typing import Any

from ..._core.validation import private_network_of
from ..model import COMPLIANT, NOT_APPLICABLE, Result, Severity, Template, non_compliant, props, refs

RULE_ID = "CDP-NoPrivateAddressInPublicZone"
SEVERITY = Severity.ERROR
RESOURCE_TYPES = ("AWS::Route53::RecordSet", "AWS::Route53::RecordSetGroup")
FIX = "Put the record in a private hosted zone associated with the VPC (split-horizon if the name is public too)."


def _zone_is_public(zone_ref: Any, template: Template) -> bool | None:
    """True/False when the zone is defined in this template; None when it is imported (unknown)."""
    for logical_id in refs(zone_ref):
        zone = template.resource(logical_id)
        if zone is not None and zone.get("Type") == "AWS::Route53::HostedZone":
            return not props(zone).get("VPCs")
    return None


def _private_values(record: dict[str, Any]) -> list[str]:
    found = []
    for value in record.get("ResourceRecords") or []:
        if not isinstance(value, str):
            continue
        try:
            ipaddress.ip_address(value)
        except ValueError:
            continue
        if private_network_of(value):
            found.append(value)
    return found


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    properties = props(resource)
    records = (
        properties.get("RecordSets") if resource["Type"] == "AWS::Route53::RecordSetGroup" else [properties]
    )
    public = _zone_is_public(properties.get("HostedZoneId"), template)
    if public is None:
        return NOT_APPLICABLE  # imported zone, or given by name: public or private is unknown here
    if not public:
        return COMPLIANT
    applicable = False
    grouped = resource["Type"] == "AWS::Route53::RecordSetGroup"
    for index, record in enumerate(records or []):
        if not isinstance(record, dict) or record.get("Type") not in ("A", "AAAA"):
            continue
        applicable = True
        private = _private_values(record)
        if private:
            return non_compliant(
                f"{record.get('Type')} record {record.get('Name')!r} in a public hosted zone points at private "
                f"address(es) {', '.join(private)}: it leaks the internal network and resolves to nothing outside.",
                f"Properties.RecordSets.{index}.ResourceRecords" if grouped else "Properties.ResourceRecords",
            )
    return COMPLIANT if applicable else NOT_APPLICABLE
