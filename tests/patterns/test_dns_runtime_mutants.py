"""The resolver endpoint's address reader, detail by detail (what mutation testing showed untested):
pages without addresses, entries without an address, the log lines, and events without properties."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from patterns.dns.runtime import endpoint_addresses as module

EVENT = {
    "RequestType": "Create",
    "ResponseURL": "https://cloudformation-response.example/put",
    "StackId": "stack",
    "RequestId": "request",
    "LogicalResourceId": "InboundAddresses",
    "ResourceProperties": {"ServiceToken": "arn", "EndpointId": "rslvr-in-1"},
}


class Resolver:
    def __init__(self, *pages: dict[str, Any]) -> None:
        self.pages = list(pages)
        self.calls: list[dict[str, Any]] = []

    def list_resolver_endpoint_ip_addresses(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(dict(kwargs))
        return self.pages.pop(0)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []

    class Response:
        status = 204

        def __enter__(self) -> Response:
            return self

        def __exit__(self, *args: object) -> None:
            return None

    def urlopen(request: Any, timeout: int) -> Response:
        bodies.append(json.loads(request.data))
        return Response()

    monkeypatch.setattr(module.urllib.request, "urlopen", urlopen)
    return bodies


def messages(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records]


def test_pages_without_addresses_and_entries_without_an_address_are_skipped() -> None:
    resolver = Resolver(
        {"NextToken": "t1"},
        {"IpAddresses": [{"SubnetId": "s"}, {"Ip": ""}, {"Ip": "10.0.0.2"}], "NextToken": ""},
    )
    assert module.endpoint_addresses("e", resolver) == ["10.0.0.2"]
    assert resolver.calls == [
        {"ResolverEndpointId": "e", "MaxResults": 100},
        {"ResolverEndpointId": "e", "MaxResults": 100, "NextToken": "t1"},
    ]


def test_ipv4_is_preferred_over_ipv6_of_the_same_entry() -> None:
    resolver = Resolver({"IpAddresses": [{"Ip": "10.0.0.2", "Ipv6": "fd00::2"}, {"Ipv6": "fd00::1"}]})
    assert module.endpoint_addresses("e", resolver) == ["10.0.0.2", "fd00::1"]


def test_success_is_logged_with_the_addresses_and_the_response_status(
    sent: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        module.handler(
            dict(EVENT), None, Resolver({"IpAddresses": [{"Ip": "10.0.0.9"}, {"Ip": "10.0.0.10"}]})
        )
    assert messages(caplog) == [
        ("INFO", "Resolver endpoint rslvr-in-1 addresses: 10.0.0.9,10.0.0.10"),
        ("INFO", "CloudFormation response sent: 204"),
    ]
    assert sent[0]["Data"] == {
        "Addresses": "10.0.0.9,10.0.0.10",
        "Address0": "10.0.0.9",
        "Address1": "10.0.0.10",
    }


def test_failure_is_logged_with_its_traceback(
    sent: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        result = module.handler(dict(EVENT), None, Resolver({"IpAddresses": []}))
    assert result == {"Status": "FAILED", "Data": {}, "PhysicalResourceId": "rslvr-in-1-addresses"}
    assert messages(caplog) == [
        ("ERROR", "Reading the resolver endpoint's addresses failed"),
        ("INFO", "CloudFormation response sent: 204"),
    ]
    assert caplog.records[0].exc_info is not None


def test_event_without_properties_fails_naming_the_property(sent: list[dict[str, Any]]) -> None:
    event = {k: v for k, v in EVENT.items() if k != "ResourceProperties"}
    result = module.handler(event, None, Resolver())
    assert result == {"Status": "FAILED", "Data": {}, "PhysicalResourceId": "unknown-addresses"}
    assert sent[0]["Reason"] == "ValueError: the EndpointId property is required"


def test_empty_physical_id_is_replaced(sent: list[dict[str, Any]]) -> None:
    # CloudFormation sends no PhysicalResourceId on Create; an empty one is no id either.
    event = {**EVENT, "RequestType": "Delete", "PhysicalResourceId": ""}
    assert module.handler(event, None, Resolver())["PhysicalResourceId"] == "rslvr-in-1-addresses"
    assert [(b["Status"], b["PhysicalResourceId"]) for b in sent] == [("SUCCESS", "rslvr-in-1-addresses")]


def test_success_reason_is_the_log_group_hint(sent: list[dict[str, Any]]) -> None:
    module.respond(dict(EVENT), "SUCCESS", {}, "id")
    module.respond(dict(EVENT), "FAILED", {}, "id", "boom")
    assert [b["Reason"] for b in sent] == ["See the function's log group", "boom"]
