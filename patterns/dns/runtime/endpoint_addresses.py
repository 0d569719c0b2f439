"""CloudFormation custom resource: the IP addresses of a Route 53 Resolver endpoint.

``AWS::Route53Resolver::ResolverEndpoint`` returns no addresses through ``Fn::GetAtt``; this handler
reads them (``ListResolverEndpointIpAddresses``) so that the stack can output them and the
conditional-forwarder configuration that on-premises DNS servers need.

Properties: ``EndpointId``. Data returned: ``Addresses`` (comma-separated, sorted) and ``Address0``,
``Address1``, ... Only the standard library and boto3 are used.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import urllib.request
from typing import Any

import boto3
from botocore.config import Config

LOGGER = logging.getLogger()
LOGGER.setLevel(logging.INFO)


def endpoint_addresses(endpoint_id: str, client: Any = None) -> list[str]:
    """The endpoint's IPv4 (else IPv6) addresses, sorted so that the order is stable across reads."""
    # Short timeouts: the function (1 minute) must live long enough to answer CloudFormation, or the
    # stack waits an hour for a response that never comes.
    client = client or boto3.client(
        "route53resolver",
        config=Config(connect_timeout=5, read_timeout=15, retries={"mode": "standard", "max_attempts": 3}),
    )
    addresses: list[str] = []
    kwargs: dict[str, Any] = {"ResolverEndpointId": endpoint_id, "MaxResults": 100}
    while True:
        page = client.list_resolver_endpoint_ip_addresses(**kwargs)
        for item in page.get("IpAddresses", []):
            address = item.get("Ip") or item.get("Ipv6")
            if address:
                addresses.append(address)
        token = page.get("NextToken")
        if not token:
            break
        kwargs["NextToken"] = token
    return sorted(addresses, key=_sort_key)


def _sort_key(address: str) -> tuple[int, int]:
    # Numeric order, IPv4 first. Parsing (not splitting on ":") handles "::" compression and an
    # embedded IPv4 tail ("::ffff:10.0.0.1"), which splitting misorders or fails on.
    parsed = ipaddress.ip_address(address)
    return (parsed.version, int(parsed))


def respond(
    event: dict[str, Any], status: str, data: dict[str, str], physical_id: str, reason: str = ""
) -> None:
    """PUT the result to CloudFormation's pre-signed response URL."""
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:1000] or "See the function's log group",
            "PhysicalResourceId": physical_id,
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": data,
        }
    ).encode()
    request = urllib.request.Request(  # the URL is CloudFormation's pre-signed S3 URL
        event["ResponseURL"],
        data=body,
        method="PUT",
        headers={"Content-Type": "", "Content-Length": str(len(body))},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        LOGGER.info("CloudFormation response sent: %s", response.status)


def handler(event: dict[str, Any], context: Any = None, client: Any = None) -> dict[str, Any]:
    """Create/Update: return the addresses. Delete: nothing to clean up (the addresses are only read)."""
    endpoint_id = str(event.get("ResourceProperties", {}).get("EndpointId", ""))
    physical_id = event.get("PhysicalResourceId") or f"{endpoint_id or 'unknown'}-addresses"
    data: dict[str, str] = {}
    status, reason = "SUCCESS", ""
    try:
        if event["RequestType"] in ("Create", "Update"):
            if not endpoint_id:
                raise ValueError("the EndpointId property is required")
            addresses = endpoint_addresses(endpoint_id, client)
            if not addresses:
                raise RuntimeError(f"resolver endpoint {endpoint_id} has no IP addresses")
            data = {"Addresses": ",".join(addresses), **{f"Address{i}": a for i, a in enumerate(addresses)}}
            LOGGER.info("Resolver endpoint %s addresses: %s", endpoint_id, data["Addresses"])
    except Exception as error:  # report every failure to CloudFormation instead of letting it time out
        LOGGER.exception("Reading the resolver endpoint's addresses failed")
        status, reason = "FAILED", f"{type(error).__name__}: {error}"
    respond(event, status, data, physical_id, reason)
    return {"Status": status, "Data": data, "PhysicalResourceId": physical_id}
