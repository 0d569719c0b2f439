"""AWS Config custom rule (periodic): public hosted zones must not publish private addresses.

A record in a *public* Route 53 hosted zone that points at an RFC 1918, RFC 6598, link-local,
loopback or IPv6 unique-local address leaks the internal network plan to anyone who asks, and
resolves to nothing (or to the wrong host) outside the private network: the conclusion of the hybrid
DNS talk is that such names belong in a private hosted zone (or behind a Route 53 Resolver rule).

Each public hosted zone is evaluated as ``AWS::Route53::HostedZone``: NON_COMPLIANT with an
annotation naming the offending records, or COMPLIANT. Private hosted zones are not evaluated.
Only stdlib and boto3: the private ranges are listed here (the same list as ``patterns._core``).
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

RESOURCE_TYPE = "AWS::Route53::HostedZone"
ANNOTATION_LIMIT = 256  # PutEvaluations rejects longer annotations
BATCH = 100  # PutEvaluations accepts at most 100 evaluations per call

PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",  # RFC 1918
        "172.16.0.0/12",  # RFC 1918
        "192.168.0.0/16",  # RFC 1918
        "100.64.0.0/10",  # RFC 6598 shared address space (carrier-grade NAT)
        "169.254.0.0/16",  # link-local
        "127.0.0.0/8",  # loopback
        "0.0.0.0/8",  # "this network"
        "fc00::/7",  # IPv6 unique local addresses
        "fe80::/10",  # IPv6 link-local
        "::1/128",  # IPv6 loopback
    )
)


def private_network_of(value: str) -> str | None:
    """The private range that ``value`` falls in, or None (public address, or not an address)."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # an AAAA of ::ffff:10.0.0.1 still publishes 10.0.0.1
    for network in PRIVATE_NETWORKS:
        if address.version == network.version and address in network:
            return str(network)
    return None


def public_zones(route53: Any) -> Iterator[dict[str, Any]]:
    for page in route53.get_paginator("list_hosted_zones").paginate():
        for zone in page["HostedZones"]:
            if not zone.get("Config", {}).get("PrivateZone", False):
                yield zone


def private_records(route53: Any, zone_id: str) -> list[str]:
    """``"name A 10.0.0.1 (10.0.0.0/8)"`` for each A/AAAA value in the zone that is a private address."""
    found = []
    for page in route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id):
        for record in page["ResourceRecordSets"]:
            if record["Type"] not in ("A", "AAAA"):
                continue  # alias records point at AWS resources by name, not at an address
            for value in record.get("ResourceRecords", []):
                network = private_network_of(value["Value"])
                if network is not None:
                    found.append(f"{record['Name']} {record['Type']} {value['Value']} ({network})")
    return found


def annotation(findings: list[str]) -> str:
    text = f"{len(findings)} record(s) in this public zone point at private addresses: " + "; ".join(findings)
    return text if len(text) <= ANNOTATION_LIMIT else text[: ANNOTATION_LIMIT - 3] + "..."


def evaluate(route53: Any, ordering_timestamp: datetime) -> list[dict[str, Any]]:
    """One evaluation per public hosted zone."""
    evaluations = []
    for zone in public_zones(route53):
        zone_id = zone["Id"].split("/")[-1]
        findings = private_records(route53, zone_id)
        evaluation = {
            "ComplianceResourceType": RESOURCE_TYPE,
            "ComplianceResourceId": zone_id,
            "ComplianceType": "NON_COMPLIANT" if findings else "COMPLIANT",
            "OrderingTimestamp": ordering_timestamp,
        }
        if findings:
            evaluation["Annotation"] = annotation(findings)
            LOG.info("zone %s (%s): %s", zone_id, zone["Name"], evaluation["Annotation"])
        evaluations.append(evaluation)
    return evaluations


def stale_evaluations(
    config: Any, rule_name: str, current: set[str], ordering_timestamp: datetime
) -> list[dict[str, Any]]:
    """NOT_APPLICABLE for each zone this rule reported on before that is no longer a public zone.

    A periodic rule only reports the zones it finds; without this, a deleted zone keeps its last
    result (NON_COMPLIANT, say) in AWS Config forever.
    """
    stale = []
    pages = config.get_paginator("get_compliance_details_by_config_rule").paginate(
        ConfigRuleName=rule_name, ComplianceTypes=["COMPLIANT", "NON_COMPLIANT"]
    )
    for page in pages:
        for result in page.get("EvaluationResults", []):
            qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
            zone_id = qualifier.get("ResourceId")
            if qualifier.get("ResourceType") == RESOURCE_TYPE and zone_id and zone_id not in current:
                current.add(zone_id)  # once, even if listed twice
                stale.append(
                    {
                        "ComplianceResourceType": RESOURCE_TYPE,
                        "ComplianceResourceId": zone_id,
                        "ComplianceType": "NOT_APPLICABLE",
                        "Annotation": "The hosted zone no longer exists (or is no longer public).",
                        "OrderingTimestamp": ordering_timestamp,
                    }
                )
    return stale


def _batches(items: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def report(config: Any, evaluations: list[dict[str, Any]], result_token: str) -> int:
    """Send the evaluations to AWS Config; returns how many were rejected."""
    test_mode = result_token == "TESTMODE"
    failed = 0
    for batch in _batches(evaluations, BATCH):
        response = config.put_evaluations(Evaluations=batch, ResultToken=result_token, TestMode=test_mode)
        failed += len(response.get("FailedEvaluations", []))
    return failed


def _timestamp(invoking_event: dict[str, Any]) -> datetime:
    text = invoking_event.get("notificationCreationTime")
    if text:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    return datetime.now(UTC)


def handler(
    event: dict[str, Any], context: Any, *, route53: Any = None, config: Any = None
) -> dict[str, Any]:
    """Entry point for AWS Config (``ScheduledNotification``)."""
    invoking_event = json.loads(event.get("invokingEvent") or "{}")
    # Route 53 allows five requests a second per account: retry throttling patiently.
    route53 = route53 or boto3.client(
        "route53", config=Config(retries={"mode": "standard", "max_attempts": 10})
    )
    config = config or boto3.client("config")
    timestamp = _timestamp(invoking_event)
    evaluations = evaluate(route53, timestamp)
    rule_name = event.get("configRuleName")
    if rule_name:
        try:
            evaluated = {e["ComplianceResourceId"] for e in evaluations}
            stale = stale_evaluations(config, rule_name, evaluated, timestamp)
            if stale:
                gone = [e["ComplianceResourceId"] for e in stale]
                LOG.info("zones gone since the last run (NOT_APPLICABLE): %s", gone)
            evaluations += stale
        except ClientError:  # the current zones are still reported; only the clean-up is skipped
            LOG.exception("could not read this rule's earlier results; deleted zones keep theirs")
    if not evaluations:
        LOG.info("no public hosted zones to evaluate")
        return {"evaluated": 0, "non_compliant": 0, "failed": 0}
    failed = report(config, evaluations, event["resultToken"])
    if failed:
        LOG.error("AWS Config rejected %d evaluation(s)", failed)
    return {
        "evaluated": sum(e["ComplianceType"] != "NOT_APPLICABLE" for e in evaluations),
        "non_compliant": sum(e["ComplianceType"] == "NON_COMPLIANT" for e in evaluations),
        "failed": failed,
    }
