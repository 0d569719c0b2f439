"""The serverless web handlers, detail by detail (what mutation testing showed untested): exact
responses and headers, the item as stored, every validation message, the page as rendered, the calls
made and the log lines. ``boto3.client`` is replaced by a spy that hands out fakes recording each call."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.patterns.web_runtime import api, renderer, web_pages

SITE = "https://www.example.com"
ID_PROBLEM = "id must be 1-64 lower-case letters, digits and inner hyphens"


class Aws:
    """Stands in for ``boto3.client``: counts the clients made and records every call."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.made: list[str] = []
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.answers = answers or {}

    def __call__(self, service: str, *args: Any, **kwargs: Any) -> Any:
        self.made.append(service)
        aws = self

        class Client:
            def __getattr__(self, method: str) -> Any:
                def call(**params: Any) -> Any:
                    aws.calls.append((service, method, params))
                    return aws.answers.get(method, {})

                return call

        return Client()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Aws:
    spy = Aws()
    for module in (api, renderer):
        monkeypatch.setattr(module.boto3, "client", spy)
        monkeypatch.setattr(module, "_clients", {})
    monkeypatch.setenv("TABLE_NAME", "items")
    monkeypatch.setenv("PAGES_BUCKET", "site")
    monkeypatch.delenv("PAGES_PREFIX", raising=False)  # the default, pages/
    monkeypatch.setenv("ALLOWED_ORIGINS", f",{SITE},https://admin.example.com,")

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            assert tz is UTC
            return datetime(2026, 3, 1, 12, 0, 5, 123456, tzinfo=UTC)

    monkeypatch.setattr(api, "datetime", Clock)
    return spy


def logged(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records]


# ---------------------------------------------------------------------------------------------- api
JSON = {"Content-Type": "application/json", "Cache-Control": "no-store"}


class TestApiResponses:
    @pytest.mark.parametrize("header", ["origin", "Origin"])
    def test_allowed_origin_in_either_case_gets_cors_headers(self, aws: Aws, header: str) -> None:
        response = api._response({"headers": {header: SITE}}, 201, {"a": 1})
        assert response == {
            "statusCode": 201,
            "headers": {**JSON, "Access-Control-Allow-Origin": SITE, "Vary": "Origin"},
            "body": '{"a": 1}',
        }

    @pytest.mark.parametrize(
        "event",
        [{}, {"headers": None}, {"headers": {"origin": ""}}, {"headers": {"origin": "https://evil.example"}}],
    )
    def test_no_or_foreign_origin_gets_no_cors_headers(self, aws: Aws, event: dict[str, Any]) -> None:
        assert api._response(event, 200, []) == {"statusCode": 200, "headers": JSON, "body": "[]"}

    @pytest.mark.parametrize("origin", [SITE, "null", "XXXX", "*"])
    def test_no_allowed_origins_configured_allows_none(
        self, aws: Aws, monkeypatch: pytest.MonkeyPatch, origin: str
    ) -> None:
        monkeypatch.delenv("ALLOWED_ORIGINS")
        assert api._response({"headers": {"origin": origin}}, 200, None)["headers"] == JSON

    def test_read_answers_every_attribute(self, aws: Aws) -> None:
        aws.answers["get_item"] = {"Item": {"id": {"S": "hello"}, "title": {"S": "Hi"}, "n": {"N": "3"}}}
        response = api.get_item({"pathParameters": {"id": "hello"}, "headers": {"Origin": SITE}}, None)
        assert response == {
            "statusCode": 200,
            "headers": {**JSON, "Access-Control-Allow-Origin": SITE, "Vary": "Origin"},
            "body": '{"id": "hello", "title": "Hi", "n": "3"}',
        }
        assert aws.calls == [
            (
                "dynamodb",
                "get_item",
                {"TableName": "items", "Key": {"id": {"S": "hello"}}, "ConsistentRead": True},
            )
        ]

    def test_read_of_a_missing_item(self, aws: Aws) -> None:
        response = api.get_item({"pathParameters": {"id": "nothing"}}, None)
        assert (response["statusCode"], response["body"]) == (404, '{"errors": ["no item \'nothing\'"]}')

    @pytest.mark.parametrize("event", [{}, {"pathParameters": None}, {"pathParameters": {"id": "Bad"}}])
    def test_read_with_a_bad_id_makes_no_call(self, aws: Aws, event: dict[str, Any]) -> None:
        response = api.get_item(event, None)
        assert (response["statusCode"], json.loads(response["body"])) == (400, {"errors": [ID_PROBLEM]})
        assert aws.made == []

    def test_clients_are_made_once(self, aws: Aws) -> None:
        for _ in range(2):
            api.get_item({"pathParameters": {"id": "hello"}}, None)
        assert aws.made == ["dynamodb"]


class TestApiWrites:
    def event(self, body: Any, **context: Any) -> dict[str, Any]:
        return {"pathParameters": {"id": "hello"}, "body": json.dumps(body), "requestContext": context}

    def test_write_stores_every_attribute_and_expires_the_default_page_key(self, aws: Aws) -> None:
        response = api.put_item(
            self.event({"title": "  Hi  "}, authorizer={"claims": {"sub": "user-1"}}), None
        )
        item = {
            "id": {"S": "hello"},
            "title": {"S": "Hi"},
            "body": {"S": ""},
            "updated_at": {"S": "2026-03-01T12:00:05+00:00"},
            "updated_by": {"S": "user-1"},
        }
        assert aws.calls == [
            ("dynamodb", "put_item", {"TableName": "items", "Item": item}),
            ("s3", "delete_object", {"Bucket": "site", "Key": "pages/hello"}),
        ]
        assert response["statusCode"] == 200
        assert json.loads(response["body"]) == {
            "id": "hello",
            "title": "Hi",
            "body": "",
            "updated_at": "2026-03-01T12:00:05+00:00",
            "updated_by": "user-1",
        }

    def test_write_with_a_prefix_and_without_a_bucket(
        self, aws: Aws, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PAGES_PREFIX", "p/")
        api.put_item(self.event({"title": "t", "body": "b"}), None)
        assert aws.calls[1] == ("s3", "delete_object", {"Bucket": "site", "Key": "p/hello"})
        monkeypatch.delenv("PAGES_BUCKET")
        aws.calls.clear()
        api.put_item(self.event({"title": "t", "body": "b"}), None)
        assert [(service, method) for service, method, _ in aws.calls] == [("dynamodb", "put_item")]

    @pytest.mark.parametrize(
        ("context", "caller"),
        [
            (
                {"authorizer": {"claims": {"sub": "user-1"}}, "identity": {"cognitoIdentityId": "eu:id"}},
                "user-1",
            ),
            ({"authorizer": {"claims": {"sub": ""}}, "identity": {"cognitoIdentityId": "eu:id"}}, "eu:id"),
            ({"authorizer": None, "identity": {"cognitoIdentityId": "eu:id"}}, "eu:id"),
            ({"authorizer": {"claims": None}, "identity": None}, "unknown"),
            ({"identity": {"cognitoIdentityId": None}}, "unknown"),
            ({}, "unknown"),
        ],
    )
    def test_caller(self, context: dict[str, Any], caller: str) -> None:
        assert api.caller_of({"requestContext": context}) == caller

    def test_caller_without_a_request_context(self) -> None:
        assert api.caller_of({}) == "unknown"
        assert api.caller_of({"requestContext": None}) == "unknown"

    @pytest.mark.parametrize("body", [None, "", "{", "[1]"])
    def test_unreadable_body_is_rejected_and_logged(
        self, aws: Aws, caplog: pytest.LogCaptureFixture, body: Any
    ) -> None:
        with caplog.at_level(logging.INFO):
            response = api.put_item({"pathParameters": {"id": "hello"}, "body": body}, None)
        assert (response["statusCode"], json.loads(response["body"])) == (
            400,
            {"errors": ["body must be a JSON object"]},
        )
        assert logged(caplog) == [
            ("INFO", '{"rejected": "hello", "problems": ["body must be a JSON object"]}')
        ]
        assert aws.calls == []


# ---------------------------------------------------------------------------------------------- renderer
NOT_FOUND = {
    "statusCode": 404,
    "headers": {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"},
    "body": "<!doctype html><title>Not found</title><h1>Not found</h1>\n",
}


class TestRendererCalls:
    def test_render_stores_the_exact_page_and_logs_it(
        self, aws: Aws, caplog: pytest.LogCaptureFixture
    ) -> None:
        aws.answers["get_item"] = {"Item": {"id": {"S": "hello"}, "title": {"S": "Hi"}, "body": {"S": "x"}}}
        page = web_pages.render_page({"id": "hello", "title": "Hi", "body": "x"})
        with caplog.at_level(logging.INFO):
            response = renderer.handler({"rawPath": "/pages/hello"}, None)  # no method: a GET
        assert response == {
            "statusCode": 200,
            "headers": {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"},
            "body": page,
        }
        assert aws.calls == [
            (
                "dynamodb",
                "get_item",
                {"TableName": "items", "Key": {"id": {"S": "hello"}}, "ConsistentRead": True},
            ),
            (
                "s3",
                "put_object",
                {
                    "Bucket": "site",
                    "Key": "pages/hello",
                    "Body": page.encode("utf-8"),
                    "ContentType": "text/html; charset=utf-8",
                    "CacheControl": "no-cache",
                },
            ),
        ]
        assert logged(caplog) == [("INFO", '{"rendered": "pages/hello"}')]

    def test_head_is_rendered_too(self, aws: Aws) -> None:
        aws.answers["get_item"] = {"Item": {"id": {"S": "a"}}}
        response = renderer.handler(
            {"rawPath": "/pages/a", "requestContext": {"http": {"method": "HEAD"}}}, None
        )
        assert response["statusCode"] == 200

    def test_other_methods_are_refused_in_plain_text(self, aws: Aws) -> None:
        response = renderer.handler(
            {"rawPath": "/pages/a", "requestContext": {"http": {"method": "POST"}}}, None
        )
        assert response == {
            "statusCode": 405,
            "headers": {"Content-Type": "text/plain", "Cache-Control": "no-store"},
            "body": "method not allowed\n",
        }

    def test_missing_item_and_missing_path_are_not_found(self, aws: Aws) -> None:
        assert renderer.handler({"rawPath": "/pages/gone"}, None) == NOT_FOUND
        assert renderer.handler({}, None) == NOT_FOUND
        assert [c[:2] for c in aws.calls] == [("dynamodb", "get_item")]

    def test_custom_prefix(self, aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PAGES_PREFIX", "p/")
        aws.answers["get_item"] = {"Item": {"id": {"S": "a"}}}
        assert renderer.handler({"rawPath": "/pages/a"}, None) == NOT_FOUND
        assert renderer.handler({"rawPath": "/p/a"}, None)["statusCode"] == 200
        assert aws.calls[-1][2]["Key"] == "p/a"

    @pytest.mark.parametrize(
        ("path", "item_id"),
        [
            ("/pages/hello", "hello"),
            ("pages/hello", None),
            ("/pages/", None),
            ("/pagesx/a", None),
            ("/x/pages/a", None),
        ],
    )
    def test_item_id_of(self, path: str, item_id: str | None) -> None:
        assert renderer.item_id_of(path, "pages/") == item_id


# ---------------------------------------------------------------------------------------------- web_pages
class TestItemProblems:
    def test_every_problem_in_order(self) -> None:
        assert web_pages.item_problems("Bad", {"z": 1, "title": 5, "body": 5, "a": 2}) == [
            ID_PROBLEM,
            "unknown fields: a, z",
            "title must be a non-empty string",
            "body must be a string",
        ]

    @pytest.mark.parametrize("document", [None, [], "text", 3])
    def test_not_an_object(self, document: Any) -> None:
        assert web_pages.item_problems("Bad", document) == [ID_PROBLEM, "body must be a JSON object"]
        assert web_pages.item_problems("ok", document) == ["body must be a JSON object"]

    @pytest.mark.parametrize("title", ["", "   ", None])
    def test_empty_title(self, title: Any) -> None:
        document = {} if title is None else {"title": title}
        assert web_pages.item_problems("ok", document) == ["title must be a non-empty string"]

    def test_limits_are_inclusive(self) -> None:
        assert web_pages.item_problems("ok", {"title": "t" * 200, "body": "b" * 10_000}) == []
        assert web_pages.item_problems("ok", {"title": "t" * 201, "body": "b" * 10_001}) == [
            "title must be at most 200 characters",
            "body must be at most 10000 characters",
        ]

    @pytest.mark.parametrize("item_id", ["a", "a-b", "0" * 64, "a1"])
    def test_valid_ids(self, item_id: str) -> None:
        assert web_pages.valid_id(item_id)

    @pytest.mark.parametrize("item_id", ["", "-", "ab-", "0" * 65, "a_b", "a b", "\na", b"ab"])
    def test_invalid_ids(self, item_id: Any) -> None:
        assert not web_pages.valid_id(item_id)


class TestRenderPage:
    def test_whole_page(self) -> None:
        page = web_pages.render_page(
            {
                "title": 'A & "B"',
                "body": "one <b>\n\n  \n\ntwo\nlines",
                "updated_at": "2026-03-01T12:00:05+00:00",
            }
        )
        assert page == (
            "<!doctype html>\n"
            '<html lang="en">\n'
            "<head>\n"
            '  <meta charset="utf-8">\n'
            '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "  <title>A &amp; &quot;B&quot;</title>\n"
            "</head>\n"
            "<body>\n"
            "  <article>\n"
            "    <h1>A &amp; &quot;B&quot;</h1>\n"
            "    <p>one &lt;b&gt;</p>\n"
            "    <p>two\nlines</p>\n"
            '    <footer><time datetime="2026-03-01T12:00:05+00:00">2026-03-01T12:00:05+00:00</time></footer>\n'
            "  </article>\n"
            "</body>\n"
            "</html>\n"
        )

    def test_empty_item(self) -> None:
        page = web_pages.render_page({})
        assert "  <title></title>\n" in page and "    <h1></h1>\n\n" in page
        assert '    <footer><time datetime=""></time></footer>\n' in page
