"""The inbound endpoint's address reader (custom resource handler) against moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from patterns.dns.runtime import endpoint_addresses as handler_module


@pytest.fixture
def endpoint() -> Iterator[tuple[str, Any]]:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
            for cidr, az in (("10.0.2.0/24", "us-east-1b"), ("10.0.1.0/24", "us-east-1a"))
        ]
        group = ec2.create_security_group(GroupName="dns", Description="dns", VpcId=vpc)["GroupId"]
        client = boto3.client("route53resolver", region_name="us-east-1")
        created = client.create_resolver_endpoint(
            CreatorRequestId="test",
            SecurityGroupIds=[group],
            Direction="INBOUND",
            IpAddresses=[
                {"SubnetId": subnets[0], "Ip": "10.0.2.53"},
                {"SubnetId": subnets[1], "Ip": "10.0.1.53"},
            ],
        )
        yield created["ResolverEndpoint"]["Id"], client


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the handler PUTs to CloudFormation's response URL (no network in tests)."""
    responses: list[dict[str, Any]] = []

    class _Response:
        status = 200

        def __enter__(self) -> _Response:
            return self

        def __exit__(self, *args: object) -> None:
            return None

    def urlopen(request: Any, timeout: int) -> _Response:
        assert request.get_method() == "PUT"
        responses.append({"url": request.full_url, **json.loads(request.data)})
        return _Response()

    monkeypatch.setattr(handler_module.urllib.request, "urlopen", urlopen)
    return responses


def _event(request_type: str, endpoint_id: str | None, **extra: Any) -> dict[str, Any]:
    properties = {"ServiceToken": "arn"} | ({"EndpointId": endpoint_id} if endpoint_id is not None else {})
    return {
        "RequestType": request_type,
        "ResponseURL": "https://cloudformation-response.example/put",
        "StackId": "stack",
        "RequestId": "request",
        "LogicalResourceId": "InboundAddresses",
        "ResourceProperties": properties,
        **extra,
    }


def test_addresses_are_read_and_sorted(endpoint) -> None:
    endpoint_id, client = endpoint
    assert handler_module.endpoint_addresses(endpoint_id, client) == ["10.0.1.53", "10.0.2.53"]


def test_create_returns_each_address_and_the_list(endpoint, sent) -> None:
    endpoint_id, client = endpoint
    result = handler_module.handler(_event("Create", endpoint_id), None, client)
    assert result["Status"] == "SUCCESS"
    assert sent == [
        {
            "url": "https://cloudformation-response.example/put",
            "Status": "SUCCESS",
            "Reason": "See the function's log group",
            "PhysicalResourceId": f"{endpoint_id}-addresses",
            "StackId": "stack",
            "RequestId": "request",
            "LogicalResourceId": "InboundAddresses",
            "Data": {"Addresses": "10.0.1.53,10.0.2.53", "Address0": "10.0.1.53", "Address1": "10.0.2.53"},
        }
    ]


def test_update_keeps_the_physical_id(endpoint, sent) -> None:
    endpoint_id, client = endpoint
    handler_module.handler(_event("Update", endpoint_id, PhysicalResourceId="kept"), None, client)
    assert sent[0]["PhysicalResourceId"] == "kept"
    assert sent[0]["Data"]["Address1"] == "10.0.2.53"


def test_delete_reads_nothing(sent) -> None:
    # No moto here: a Delete must not call the API (the endpoint may already be gone).
    handler_module.handler(_event("Delete", "rslvr-in-gone", PhysicalResourceId="p"), None, object())
    assert sent[0]["Status"] == "SUCCESS" and sent[0]["Data"] == {}


def test_unknown_endpoint_fails_instead_of_hanging(endpoint, sent) -> None:
    _, client = endpoint
    result = handler_module.handler(_event("Create", "rslvr-in-0000000000000000"), None, client)
    assert result["Status"] == "FAILED"
    assert sent[0]["Status"] == "FAILED" and "ResourceNotFound" in sent[0]["Reason"]


def test_missing_endpoint_id_fails(sent) -> None:
    handler_module.handler(_event("Create", None), None, object())
    assert sent[0]["Status"] == "FAILED" and "EndpointId" in sent[0]["Reason"]
    assert sent[0]["PhysicalResourceId"] == "unknown-addresses"


def test_pagination_is_followed() -> None:
    class Paged:
        def __init__(self) -> None:
            self.calls: list[dict[str, Any]] = []

        def list_resolver_endpoint_ip_addresses(self, **kwargs: Any) -> dict[str, Any]:
            self.calls.append(kwargs)
            if "NextToken" not in kwargs:
                return {"IpAddresses": [{"Ip": "10.0.0.100"}], "NextToken": "t"}
            return {"IpAddresses": [{"Ip": "10.0.0.9"}, {"Ipv6": "fd00::53"}]}

    client = Paged()
    assert handler_module.endpoint_addresses("rslvr-in-1", client) == ["10.0.0.9", "10.0.0.100", "fd00::53"]
    assert client.calls[1]["NextToken"] == "t"


def test_ipv6_addresses_sort_numerically() -> None:
    # "::" compression hides groups: splitting on ":" put fd00::1:1 before fd00::2.
    addresses = ["fd00::1:1", "fd00::2", "::ffff:10.0.0.1", "10.0.0.9"]
    assert sorted(addresses, key=handler_module._sort_key) == [
        "10.0.0.9",
        "::ffff:10.0.0.1",
        "fd00::2",
        "fd00::1:1",
    ]
