"""Lambda handlers: what moto cannot show, asserted on the calls made (botocore's Stubber, or a spy on
``boto3.client``): consistent reads, conditional writes, retry and timeout settings, batching."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from patterns.async_work.runtime import poller
from patterns.dns.runtime import endpoint_addresses
from patterns.security.runtime import public_dns_private_targets as dns_rule

ROOT = Path(__file__).resolve().parents[2] / "patterns"


def load(folder: str, name: str) -> ModuleType:
    """A handler module under its package name (mutation testing follows its functions by that name),
    with ``web_pages`` importable by its bare name, as Lambda imports it."""
    runtime = ROOT / folder / "runtime"
    if (runtime / "web_pages.py").exists() and "web_pages" not in sys.modules:
        sys.modules["web_pages"] = importlib.import_module(f"patterns.{folder}.runtime.web_pages")
    return importlib.import_module(f"patterns.{folder}.runtime.{name}")


def client(service: str) -> Any:
    # a Session's client: the tests replace the module-level ``boto3.client`` with a spy
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    return session.client(service)


class Spy:
    """Stands in for ``boto3.client``: records (service, config) and hands out stubbed clients."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.clients: dict[str, Any] = {}
        self.stubbers: dict[str, Stubber] = {}

    def __call__(self, service: str, config: Any = None, **_: Any) -> Any:
        self.calls.append((service, config))
        if service not in self.clients:
            self.clients[service] = client(service)
            self.stubbers[service] = Stubber(self.clients[service])
            self.stubbers[service].activate()
        return self.clients[service]

    def stub(self, service: str) -> Stubber:
        self(service)
        self.calls.pop()
        return self.stubbers[service]


# ---------------------------------------------------------------------------------------------- API
class TestApiRead:
    @pytest.fixture
    def api(self, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, Spy]:
        module = load("serverless_web", "api")
        spy = Spy()
        monkeypatch.setattr(module.boto3, "client", spy)
        monkeypatch.setattr(module, "_clients", {})
        monkeypatch.setenv("TABLE_NAME", "items")
        monkeypatch.setenv("ALLOWED_ORIGINS", "https://www.example.com")
        return module, spy

    def test_reads_the_item_consistently(self, api) -> None:
        module, spy = api
        spy.stub("dynamodb").add_response(
            "get_item",
            {"Item": {"id": {"S": "hello"}, "title": {"S": "Hello"}}},
            {"TableName": "items", "Key": {"id": {"S": "hello"}}, "ConsistentRead": True},
        )
        response = module.get_item({"pathParameters": {"id": "hello"}, "headers": {}}, None)
        assert response["statusCode"] == 200
        assert json.loads(response["body"]) == {"id": "hello", "title": "Hello"}
        spy.stubbers["dynamodb"].assert_no_pending_responses()


# ---------------------------------------------------------------------------------------------- renderer
class TestRenderer:
    @pytest.fixture
    def renderer(self, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, Spy]:
        module = load("serverless_web", "renderer")
        spy = Spy()
        monkeypatch.setattr(module.boto3, "client", spy)
        monkeypatch.setattr(module, "_clients", {})
        monkeypatch.setenv("TABLE_NAME", "items")
        monkeypatch.setenv("PAGES_BUCKET", "site")
        monkeypatch.setenv("PAGES_PREFIX", "pages/")
        return module, spy

    def test_reads_the_item_consistently_and_stores_the_page(self, renderer) -> None:
        module, spy = renderer
        spy.stub("dynamodb").add_response(
            "get_item",
            {"Item": {"id": {"S": "hello"}, "title": {"S": "Hello"}, "body": {"S": "World"}}},
            {"TableName": "items", "Key": {"id": {"S": "hello"}}, "ConsistentRead": True},
        )
        spy.stub("s3").add_response(
            "put_object",
            {},
            {
                "Bucket": "site",
                "Key": "pages/hello",
                "Body": ANY,
                "ContentType": "text/html; charset=utf-8",
                "CacheControl": "no-cache",
            },
        )
        response = module.handler(
            {"rawPath": "/pages/hello", "requestContext": {"http": {"method": "GET"}}}, None
        )
        assert response["statusCode"] == 200
        assert response["headers"] == {
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-cache",
        }
        spy.stubbers["dynamodb"].assert_no_pending_responses()
        spy.stubbers["s3"].assert_no_pending_responses()

    def test_missing_item_is_not_stored(self, renderer) -> None:
        module, spy = renderer
        spy.stub("dynamodb").add_response(
            "get_item", {}, {"TableName": "items", "Key": {"id": {"S": "gone"}}, "ConsistentRead": True}
        )
        response = module.handler({"rawPath": "/pages/gone"}, None)
        assert response["statusCode"] == 404
        assert response["headers"]["Cache-Control"] == "no-store"
        assert [service for service, _ in spy.calls] == ["dynamodb"]  # no S3 client, no put

    @pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
    def test_other_methods_make_no_call(self, renderer, method: str) -> None:
        module, spy = renderer
        assert (
            module.handler({"rawPath": "/pages/x", "requestContext": {"http": {"method": method}}}, None)[
                "statusCode"
            ]
            == 405
        )
        assert spy.calls == []

    def test_paths_outside_the_prefix_make_no_call(self, renderer) -> None:
        module, spy = renderer
        assert module.handler({"rawPath": "/other/x"}, None)["statusCode"] == 404
        assert module.handler({"rawPath": "/pages/Bad_Id"}, None)["statusCode"] == 404
        assert spy.calls == []


# ---------------------------------------------------------------------------------------------- API
class TestApi:
    @pytest.fixture
    def api(self, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, Spy]:
        module = load("serverless_web", "api")
        spy = Spy()
        monkeypatch.setattr(module.boto3, "client", spy)
        monkeypatch.setattr(module, "_clients", {})
        monkeypatch.setenv("TABLE_NAME", "items")
        monkeypatch.setenv("PAGES_BUCKET", "site")
        monkeypatch.setenv("PAGES_PREFIX", "pages/")
        return module, spy

    def test_write_stores_then_expires_the_page(self, api) -> None:
        module, spy = api
        spy.stub("dynamodb").add_response("put_item", {}, {"TableName": "items", "Item": ANY})
        spy.stub("s3").add_response("delete_object", {}, {"Bucket": "site", "Key": "pages/hello"})
        event = {
            "pathParameters": {"id": "hello"},
            "body": json.dumps({"title": " Hello ", "body": "World"}),
            "requestContext": {"authorizer": {"claims": {"sub": "user-1"}}},
        }
        response = module.put_item(event, None)
        assert response["statusCode"] == 200
        body = json.loads(response["body"])
        assert (body["title"], body["updated_by"]) == ("Hello", "user-1")
        spy.stubbers["dynamodb"].assert_no_pending_responses()
        spy.stubbers["s3"].assert_no_pending_responses()

    def test_invalid_write_makes_no_call(self, api) -> None:
        module, spy = api
        assert module.put_item({"pathParameters": {"id": "hello"}, "body": "{"}, None)["statusCode"] == 400
        assert spy.calls == []


# ---------------------------------------------------------------------------------------------- poller
class TestLedger:
    def ledger(self) -> tuple[poller.Ledger, Stubber]:
        dynamodb = client("dynamodb")
        stubber = Stubber(dynamodb)
        stubber.activate()
        return poller.Ledger(dynamodb, "dedup", lease_seconds=60, ttl_seconds=86400), stubber

    CLAIM: ClassVar[dict[str, Any]] = {
        "TableName": "dedup",
        "Item": {
            "pk": {"S": "item#0#0"},
            "status": {"S": "in_progress"},
            "lease_until": {"N": "1060"},
            "expires_at": {"N": "87400"},
        },
        "ConditionExpression": "attribute_not_exists(pk) OR (#status = :in_progress AND lease_until < :now)",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {":in_progress": {"S": "in_progress"}, ":now": {"N": "1000"}},
    }

    def test_claim_is_a_conditional_write_with_lease_and_ttl(self) -> None:
        ledger, stubber = self.ledger()
        stubber.add_response("put_item", {}, self.CLAIM)
        assert ledger.claim("item#0#0", now=1000) is True
        stubber.assert_no_pending_responses()

    def test_done_step_is_a_duplicate_read_consistently(self) -> None:
        ledger, stubber = self.ledger()
        stubber.add_client_error("put_item", "ConditionalCheckFailedException", expected_params=self.CLAIM)
        stubber.add_response(
            "get_item",
            {"Item": {"pk": {"S": "item#0#0"}, "status": {"S": "done"}}},
            {"TableName": "dedup", "Key": {"pk": {"S": "item#0#0"}}, "ConsistentRead": True},
        )
        assert ledger.claim("item#0#0", now=1000) is False
        stubber.assert_no_pending_responses()

    def test_live_claim_of_another_consumer_is_in_progress(self) -> None:
        ledger, stubber = self.ledger()
        stubber.add_client_error("put_item", "ConditionalCheckFailedException", expected_params=self.CLAIM)
        stubber.add_response(
            "get_item",
            {"Item": {"pk": {"S": "item#0#0"}, "status": {"S": "in_progress"}}},
            {"TableName": "dedup", "Key": {"pk": {"S": "item#0#0"}}, "ConsistentRead": True},
        )
        with pytest.raises(poller.StepInProgress, match="item#0#0"):
            ledger.claim("item#0#0", now=1000)

    def test_other_errors_are_raised(self) -> None:
        ledger, stubber = self.ledger()
        stubber.add_client_error(
            "put_item", "ProvisionedThroughputExceededException", expected_params=self.CLAIM
        )
        with pytest.raises(ClientError, match="ProvisionedThroughputExceeded"):
            ledger.claim("item#0#0", now=1000)
        stubber.assert_no_pending_responses()  # no read after an error that is not a failed condition

    def test_complete_marks_done_and_drops_the_lease(self) -> None:
        ledger, stubber = self.ledger()
        stubber.add_response(
            "update_item",
            {},
            {
                "TableName": "dedup",
                "Key": {"pk": {"S": "item#0#0"}},
                "UpdateExpression": "SET #status = :done, outcome = :outcome REMOVE lease_until",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":done": {"S": "done"}, ":outcome": {"S": "not-done"}},
            },
        )
        ledger.complete("item#0#0", "not-done")
        stubber.assert_no_pending_responses()

    def test_release_deletes_only_an_unfinished_claim_and_never_raises(self) -> None:
        ledger, stubber = self.ledger()
        expected = {
            "TableName": "dedup",
            "Key": {"pk": {"S": "item#0#0"}},
            "ConditionExpression": "#status = :in_progress",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":in_progress": {"S": "in_progress"}},
        }
        stubber.add_response("delete_item", {}, expected)
        stubber.add_client_error("delete_item", "ConditionalCheckFailedException", expected_params=expected)
        ledger.release("item#0#0")
        ledger.release("item#0#0")  # swallowed: the claim expires with its lease
        stubber.assert_no_pending_responses()


class TestPollerCalls:
    CONFIG = poller.Config(
        queue_url="https://sqs/q",
        dead_letter_queue_url="https://sqs/dlq",
        table_name="dedup",
        poll_interval_seconds=2000,
        max_attempts=3,
    )

    def sqs(self) -> tuple[Any, Stubber]:
        sqs = client("sqs")
        stubber = Stubber(sqs)
        stubber.activate()
        return sqs, stubber

    def test_not_done_is_resent_with_the_longest_delay_and_the_rest_of_the_wait(self) -> None:
        sqs, stubber = self.sqs()
        stubber.add_response(
            "send_message",
            {},
            {
                "QueueUrl": "https://sqs/q",
                "MessageBody": json.dumps({"id": "a", "payload": 1, "attempt": 1, "wait_remaining": 1100}),
                "DelaySeconds": 900,
            },
        )
        item = {"id": "a", "payload": 1, "attempt": 0, "wait_remaining": 0}
        assert (
            poller.run_step(item, config=self.CONFIG, check=lambda _: {"done": False}, sqs=sqs) == "not-done"
        )
        stubber.assert_no_pending_responses()

    def test_waiting_hop(self) -> None:
        sqs, stubber = self.sqs()
        stubber.add_response(
            "send_message",
            {},
            {
                "QueueUrl": "https://sqs/q",
                "MessageBody": json.dumps({"id": "a", "payload": 1, "attempt": 1, "wait_remaining": 200}),
                "DelaySeconds": 900,
            },
        )
        item = {"id": "a", "payload": 1, "attempt": 1, "wait_remaining": 1100}
        assert (
            poller.run_step(item, config=self.CONFIG, check=lambda _: pytest.fail("no check"), sqs=sqs)
            == "waiting"
        )
        stubber.assert_no_pending_responses()

    def test_last_attempt_goes_to_the_dead_letter_queue_without_delay(self) -> None:
        sqs, stubber = self.sqs()
        stubber.add_response(
            "send_message",
            {},
            {
                "QueueUrl": "https://sqs/dlq",
                "MessageBody": json.dumps(
                    {
                        "id": "a",
                        "payload": 1,
                        "attempt": 3,
                        "reason": "max_attempts",
                        "last_answer": {"done": False},
                    }
                ),
                "DelaySeconds": 0,
            },
        )
        item = {"id": "a", "payload": 1, "attempt": 2, "wait_remaining": 0}
        assert (
            poller.run_step(item, config=self.CONFIG, check=lambda _: {"done": False}, sqs=sqs)
            == "dead-lettered"
        )
        stubber.assert_no_pending_responses()

    def test_check_is_a_synchronous_invoke_and_a_function_error_fails(self) -> None:
        lam = client("lambda")
        stubber = Stubber(lam)
        stubber.activate()
        payload = json.dumps({"id": "a", "payload": 1, "attempt": 0}).encode()
        stubber.add_response(
            "invoke",
            {"StatusCode": 200, "Payload": io.BytesIO(b'{"done": true}')},
            {"FunctionName": "check", "Payload": payload},
        )
        stubber.add_response(
            "invoke",
            {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "Payload": io.BytesIO(b'{"errorMessage": "boom"}'),
            },
            {"FunctionName": "check", "Payload": payload},
        )
        check = poller.lambda_check(lam, "check")
        assert check({"id": "a", "payload": 1, "attempt": 0}) == {"done": True}
        with pytest.raises(poller.CheckFailed, match="boom"):
            check({"id": "a", "payload": 1, "attempt": 0})

    def test_invoke_waits_longer_than_the_longest_check(self, monkeypatch: pytest.MonkeyPatch) -> None:
        spy = Spy()
        monkeypatch.setattr(poller.boto3, "client", spy)
        monkeypatch.setattr(poller, "_clients", {})
        poller._client("lambda")
        poller._client("lambda")  # cached: one client
        poller._client("sqs")
        [(service, config), (other, other_config)] = spy.calls
        assert (service, other) == ("lambda", "sqs")
        assert config.read_timeout == 910  # Lambda's 15 minutes plus 10 s
        assert config.tcp_keepalive is True
        assert other_config is None

    def test_failed_record_releases_its_claim(self) -> None:
        calls: list[tuple[str, str]] = []

        class FakeLedger:
            def claim(self, key: str) -> bool:
                calls.append(("claim", key))
                return True

            def release(self, key: str) -> None:
                calls.append(("release", key))

            def complete(self, key: str, outcome: str) -> None:
                calls.append(("complete", key))

        def failing(_: dict[str, Any]) -> dict[str, Any]:
            raise RuntimeError("down")

        record = {"messageId": "m1", "body": json.dumps({"id": "a", "payload": 1, "attempt": 0})}
        result = poller.handle_batch(
            {"Records": [record]}, config=self.CONFIG, check=failing, sqs=None, ledger=FakeLedger()
        )
        assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
        assert calls == [("claim", "a#0#0"), ("release", "a#0#0")]


# ---------------------------------------------------------------------------------------------- DNS
def test_endpoint_addresses_client_has_short_timeouts_and_few_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spy = Spy()
    monkeypatch.setattr(endpoint_addresses.boto3, "client", spy)
    spy.stub("route53resolver").add_response(
        "list_resolver_endpoint_ip_addresses",
        {"IpAddresses": [{"Ip": "10.0.2.10"}, {"Ip": "10.0.1.10"}]},
        {"ResolverEndpointId": "rslvr-in-1", "MaxResults": 100},
    )
    assert endpoint_addresses.endpoint_addresses("rslvr-in-1") == ["10.0.1.10", "10.0.2.10"]
    [(service, config)] = spy.calls
    assert service == "route53resolver"
    assert (config.connect_timeout, config.read_timeout) == (5, 15)
    assert config.retries == {"mode": "standard", "max_attempts": 3}


def test_endpoint_addresses_follow_pagination() -> None:
    resolver = client("route53resolver")
    stubber = Stubber(resolver)
    stubber.activate()
    stubber.add_response(
        "list_resolver_endpoint_ip_addresses",
        {"IpAddresses": [{"Ip": "10.0.1.10"}], "NextToken": "t"},
        {"ResolverEndpointId": "e", "MaxResults": 100},
    )
    stubber.add_response(
        "list_resolver_endpoint_ip_addresses",
        {"IpAddresses": [{"Ip": "10.0.0.9"}]},
        {"ResolverEndpointId": "e", "MaxResults": 100, "NextToken": "t"},
    )
    assert endpoint_addresses.endpoint_addresses("e", resolver) == ["10.0.0.9", "10.0.1.10"]
    stubber.assert_no_pending_responses()


# ---------------------------------------------------------------------------------------------- Config rule
class TestPublicDnsRule:
    def test_route53_client_retries_throttling_patiently(self, monkeypatch: pytest.MonkeyPatch) -> None:
        spy = Spy()
        monkeypatch.setattr(dns_rule.boto3, "client", spy)
        spy.stub("route53").add_response(
            "list_hosted_zones", {"HostedZones": [], "Marker": "", "IsTruncated": False, "MaxItems": "100"}
        )
        result = dns_rule.handler({"invokingEvent": "{}", "resultToken": "TESTMODE"}, None)
        assert result == {"evaluated": 0, "non_compliant": 0, "failed": 0}
        configs = dict(spy.calls)
        assert configs["route53"].retries == {"mode": "standard", "max_attempts": 10}

    def test_evaluations_are_sent_in_batches_of_100_in_test_mode(self) -> None:
        config = client("config")
        stubber = Stubber(config)
        stubber.activate()
        when = datetime(2026, 1, 1, tzinfo=UTC)
        evaluations = [
            {
                "ComplianceResourceType": "AWS::Route53::HostedZone",
                "ComplianceResourceId": f"Z{i}",
                "ComplianceType": "COMPLIANT",
                "OrderingTimestamp": when,
            }
            for i in range(150)
        ]
        stubber.add_response(
            "put_evaluations",
            {},
            {"Evaluations": evaluations[:100], "ResultToken": "TESTMODE", "TestMode": True},
        )
        stubber.add_response(
            "put_evaluations",
            {"FailedEvaluations": [evaluations[100]]},
            {"Evaluations": evaluations[100:], "ResultToken": "TESTMODE", "TestMode": True},
        )
        assert dns_rule.report(config, evaluations, "TESTMODE") == 1
        stubber.assert_no_pending_responses()

    def test_real_token_is_not_test_mode(self) -> None:
        config = client("config")
        stubber = Stubber(config)
        stubber.activate()
        when = datetime(2026, 1, 1, tzinfo=UTC)
        evaluation = {
            "ComplianceResourceType": "AWS::Route53::HostedZone",
            "ComplianceResourceId": "Z1",
            "ComplianceType": "COMPLIANT",
            "OrderingTimestamp": when,
        }
        stubber.add_response(
            "put_evaluations", {}, {"Evaluations": [evaluation], "ResultToken": "token", "TestMode": False}
        )
        assert dns_rule.report(config, [evaluation], "token") == 0
        stubber.assert_no_pending_responses()

    def test_annotation_is_cut_to_256_characters(self) -> None:
        findings = [f"host{i}.example.com. A 10.0.0.{i} (10.0.0.0/8)" for i in range(20)]
        text = dns_rule.annotation(findings)
        assert len(text) == 256 and text.endswith("...")
        assert text.startswith(
            "20 record(s) in this public zone point at private addresses: host0.example.com."
        )
        short = dns_rule.annotation(findings[:1])
        assert (
            short
            == "1 record(s) in this public zone point at private addresses: host0.example.com. A 10.0.0.0 (10.0.0.0/8)"
        )


# ---------------------------------------------------------------------------------------------- DNS custom resource
class TestEndpointAddressesResponse:
    """The custom resource answers CloudFormation by a PUT to the pre-signed URL: every field, the timeout."""

    EVENT: ClassVar[dict[str, Any]] = {
        "RequestType": "Create",
        "ResponseURL": "https://cloudformation-response.example/put",
        "StackId": "stack",
        "RequestId": "request",
        "LogicalResourceId": "InboundAddresses",
        "ResourceProperties": {"ServiceToken": "arn", "EndpointId": "rslvr-in-1"},
    }

    @pytest.fixture
    def sent(self, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, int]]:
        calls: list[tuple[Any, int]] = []

        class Response:
            status = 200

            def __enter__(self) -> Response:
                return self

            def __exit__(self, *args: object) -> None:
                return None

        def urlopen(request: Any, timeout: int) -> Response:
            calls.append((request, timeout))
            return Response()

        monkeypatch.setattr(endpoint_addresses.urllib.request, "urlopen", urlopen)
        return calls

    def resolver(self, *addresses: str) -> Any:
        resolver = client("route53resolver")
        stubber = Stubber(resolver)
        stubber.activate()
        stubber.add_response(
            "list_resolver_endpoint_ip_addresses",
            {"IpAddresses": [{"Ip": a} for a in addresses]},
            {"ResolverEndpointId": "rslvr-in-1", "MaxResults": 100},
        )
        return resolver

    def test_success_put_with_every_field(self, sent) -> None:
        result = endpoint_addresses.handler(dict(self.EVENT), None, self.resolver("10.0.1.10", "10.0.0.9"))
        assert result == {
            "Status": "SUCCESS",
            "Data": {"Addresses": "10.0.0.9,10.0.1.10", "Address0": "10.0.0.9", "Address1": "10.0.1.10"},
            "PhysicalResourceId": "rslvr-in-1-addresses",
        }
        [(request, timeout)] = sent
        assert timeout == 30
        assert request.get_method() == "PUT"
        assert request.full_url == "https://cloudformation-response.example/put"
        body = json.loads(request.data)
        assert body == {
            "Status": "SUCCESS",
            "Reason": "See the function's log group",
            "PhysicalResourceId": "rslvr-in-1-addresses",
            "StackId": "stack",
            "RequestId": "request",
            "LogicalResourceId": "InboundAddresses",
            "Data": result["Data"],
        }
        headers = {k.lower(): v for k, v in request.header_items()}
        assert headers["content-type"] == ""  # the pre-signed URL was signed without one
        assert headers["content-length"] == str(len(request.data))

    def test_no_addresses_fails_with_the_reason(self, sent) -> None:
        result = endpoint_addresses.handler(dict(self.EVENT), None, self.resolver())
        assert result["Status"] == "FAILED"
        body = json.loads(sent[0][0].data)
        assert body["Reason"] == "RuntimeError: resolver endpoint rslvr-in-1 has no IP addresses"
        assert body["Data"] == {}

    def test_missing_id_fails_with_an_unknown_physical_id(self, sent) -> None:
        event = {**self.EVENT, "ResourceProperties": {"ServiceToken": "arn"}}
        result = endpoint_addresses.handler(event, None, client("route53resolver"))
        assert result["PhysicalResourceId"] == "unknown-addresses"
        assert json.loads(sent[0][0].data)["Reason"] == "ValueError: the EndpointId property is required"

    def test_delete_keeps_the_physical_id_and_reads_nothing(self, sent) -> None:
        event = {**self.EVENT, "RequestType": "Delete", "PhysicalResourceId": "given-id"}
        result = endpoint_addresses.handler(event, None, client("route53resolver"))
        assert result == {"Status": "SUCCESS", "Data": {}, "PhysicalResourceId": "given-id"}

    def test_long_reasons_are_cut_to_1000_characters(self, sent) -> None:
        endpoint_addresses.respond(dict(self.EVENT), "FAILED", {}, "id", "x" * 1500)
        assert json.loads(sent[0][0].data)["Reason"] == "x" * 1000


# ---------------------------------------------------------------------------------------------- example check
class TestExampleCheck:
    def test_handler_answer_at_a_fixed_time(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from patterns.async_work.runtime import example_check

        monkeypatch.setattr(example_check.time, "time", lambda: 1_700_000_000.7)
        assert example_check.handler({"id": "x", "payload": {"checks_needed": 2}, "attempt": 1}, None) == {
            "done": True,
            "id": "x",
            "checked_at": 1_700_000_000,
        }
        assert example_check.handler({"id": "y", "payload": {"checks_needed": 2}}, None)["done"] is False
        assert example_check.handler({"payload": None, "attempt": "2"}, None) == {
            "done": True,  # the third check, by default
            "id": None,
            "checked_at": 1_700_000_000,
        }
        assert example_check.handler({"payload": "text", "attempt": 1}, None)["done"] is False

    def test_ready_at_in_each_form(self) -> None:
        from patterns.async_work.runtime import example_check

        assert example_check._epoch(5) == 5.0
        assert example_check._epoch(5.5) == 5.5
        assert example_check._epoch("2023-11-14T22:13:20Z") == 1_700_000_000.0
        assert example_check._epoch("2023-11-14T22:13:20+00:00") == 1_700_000_000.0
        assert example_check.is_done({"ready_at": "2023-11-14T22:13:20Z"}, 0, 1_700_000_000) is True
        assert example_check.is_done({"ready_at": "2023-11-14T22:13:20Z"}, 0, 1_699_999_999.9) is False
        assert example_check.is_done({"ready_at": 10, "checks_needed": 1}, 5, 9) is False  # ready_at wins
