"""The serverless web Lambda handlers against moto's S3 and DynamoDB: validated writes, render-then-serve."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.patterns.web_runtime import api, renderer, web_pages

RUNTIME = Path(__file__).resolve().parents[2] / "patterns" / "serverless_web" / "runtime"
TABLE, BUCKET, SITE = "items", "site-content", "https://www.example.com"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("TABLE_NAME", TABLE)
    monkeypatch.setenv("PAGES_BUCKET", BUCKET)
    monkeypatch.setenv("PAGES_PREFIX", "pages/")
    monkeypatch.setenv("ALLOWED_ORIGINS", SITE)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        )
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for module in (api, renderer):
            module._clients.clear()  # new clients inside the mock
        yield {"dynamodb": dynamodb, "s3": s3}
        for module in (api, renderer):
            module._clients.clear()


def put_event(item_id: Any, body: Any, *, origin: str | None = SITE) -> dict[str, Any]:
    return {
        "httpMethod": "PUT",
        "pathParameters": {"id": item_id},
        "headers": {"origin": origin} if origin else {},
        "body": body if isinstance(body, str) else json.dumps(body),
        "requestContext": {"authorizer": {"claims": {"sub": "user-123"}}},
    }


def get_page(path: str, method: str = "GET") -> dict[str, Any]:
    return {"rawPath": path, "requestContext": {"http": {"method": method}}}


def s3_keys(s3: Any) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


class TestValidation:
    @pytest.mark.parametrize("item_id", ["hello", "a", "post-2026-01", "x" * 64])
    def test_valid_ids(self, item_id: str) -> None:
        assert web_pages.valid_id(item_id)

    @pytest.mark.parametrize(
        "item_id", ["", "Hello", "-a", "a-", "a/b", "../x", "x" * 65, None, 7, "hello\n", "a\n"]
    )
    def test_invalid_ids(self, item_id: Any) -> None:
        assert not web_pages.valid_id(item_id)

    def test_every_problem_is_reported(self) -> None:
        problems = web_pages.item_problems("Bad Id", {"title": "", "body": 5, "admin": True})
        assert len(problems) == 4
        assert any("unknown fields: admin" in p for p in problems)

    def test_limits(self) -> None:
        assert web_pages.item_problems("ok", {"title": "t" * 201}) == ["title must be at most 200 characters"]
        assert web_pages.item_problems("ok", {"title": "t", "body": "b" * 10_001}) == [
            "body must be at most 10000 characters"
        ]
        assert web_pages.item_problems("ok", {"title": "t"}) == []

    def test_page_escapes_table_data(self) -> None:
        page = web_pages.render_page({"title": "<script>x</script>", "body": "a & b\n\n<img onerror=1>"})
        assert "<script>" not in page and "&lt;script&gt;" in page
        assert "<img" not in page and "<p>a &amp; b</p>" in page


class TestApi:
    def test_invalid_write_is_rejected_and_nothing_is_stored(self, aws) -> None:
        response = api.put_item(put_event("hello", {"title": "", "extra": 1}), None)
        assert response["statusCode"] == 400
        errors = json.loads(response["body"])["errors"]
        assert "title must be a non-empty string" in errors and "unknown fields: extra" in errors
        assert aws["dynamodb"].scan(TableName=TABLE)["Count"] == 0

    @pytest.mark.parametrize("body", ["not json", "[1, 2]", "", "null"])
    def test_malformed_body_is_rejected(self, aws, body: str) -> None:
        assert api.put_item(put_event("hello", body), None)["statusCode"] == 400
        assert aws["dynamodb"].scan(TableName=TABLE)["Count"] == 0

    def test_bad_id_is_rejected(self, aws) -> None:
        assert api.put_item(put_event("../etc", {"title": "x"}), None)["statusCode"] == 400
        # A trailing newline ("%0A" decoded) must not slip past the id check into keys and logs.
        assert api.put_item(put_event("hello\n", {"title": "x"}), None)["statusCode"] == 400
        assert aws["dynamodb"].scan(TableName=TABLE)["Count"] == 0
        assert api.get_item({"pathParameters": {"id": "UPPER"}}, None)["statusCode"] == 400

    def test_valid_write_is_stored_with_author_and_read_back(self, aws) -> None:
        response = api.put_item(put_event("hello", {"title": "  Hello  ", "body": "World"}), None)
        assert response["statusCode"] == 200
        assert response["headers"]["Access-Control-Allow-Origin"] == SITE
        stored = aws["dynamodb"].get_item(TableName=TABLE, Key={"id": {"S": "hello"}})["Item"]
        assert stored["title"]["S"] == "Hello" and stored["updated_by"]["S"] == "user-123"
        read = api.get_item({"pathParameters": {"id": "hello"}, "headers": {}}, None)
        assert read["statusCode"] == 200 and json.loads(read["body"])["body"] == "World"
        assert "Access-Control-Allow-Origin" not in read["headers"]  # no Origin header, no CORS header

    def test_foreign_origin_gets_no_cors_header(self, aws) -> None:
        response = api.put_item(put_event("hello", {"title": "x"}, origin="https://evil.example"), None)
        assert "Access-Control-Allow-Origin" not in response["headers"]

    def test_missing_item_is_404(self, aws) -> None:
        assert api.get_item({"pathParameters": {"id": "nothing"}}, None)["statusCode"] == 404


class TestRenderer:
    def test_render_then_serve_then_expire(self, aws) -> None:
        s3 = aws["s3"]
        api.put_item(put_event("hello", {"title": "Hello", "body": "First version"}), None)
        # First request: S3 has nothing (CloudFront's origin group falls back to the renderer).
        assert s3_keys(s3) == []
        rendered = renderer.handler(get_page("/pages/hello"), None)
        assert rendered["statusCode"] == 200 and "First version" in rendered["body"]
        assert rendered["headers"]["Content-Type"].startswith("text/html")
        # The page is now in S3: from the second request on, S3 serves it as stored.
        stored = s3.get_object(Bucket=BUCKET, Key="pages/hello")
        assert stored["Body"].read().decode() == rendered["body"]
        assert stored["ContentType"].startswith("text/html") and stored["CacheControl"] == "no-cache"
        # A write expires the page; the next request renders the new version.
        api.put_item(put_event("hello", {"title": "Hello", "body": "Second version"}), None)
        assert s3_keys(s3) == []
        again = renderer.handler(get_page("/pages/hello"), None)
        assert "Second version" in again["body"]
        assert "Second version" in s3.get_object(Bucket=BUCKET, Key="pages/hello")["Body"].read().decode()

    def test_missing_item_is_404_and_not_stored(self, aws) -> None:
        response = renderer.handler(get_page("/pages/nothing"), None)
        assert response["statusCode"] == 404 and response["headers"]["Cache-Control"] == "no-store"
        assert s3_keys(aws["s3"]) == []

    @pytest.mark.parametrize(
        "path", ["/other/hello", "/pages/", "/pages/a/b", "/pages/../x", "/pages/UP", "/pages/hello\n"]
    )
    def test_paths_outside_the_prefix_are_404(self, aws, path: str) -> None:
        assert renderer.handler(get_page(path), None)["statusCode"] == 404
        assert s3_keys(aws["s3"]) == []

    def test_only_get_and_head(self, aws) -> None:
        assert renderer.handler(get_page("/pages/hello", "POST"), None)["statusCode"] == 405


class TestWiring:
    def test_writer_may_use_the_tables_customer_managed_key(self) -> None:
        """Table.grant omits the table's KMS key: without a key grant every PutItem is AccessDenied."""
        from aws_cdk import Stack
        from aws_cdk import aws_kms as kms

        from patterns.serverless_web import ApiBackend
        from tests.support import env, synth_checked

        built: dict[str, Any] = {}

        def build(app: Any) -> Stack:
            stack = Stack(app, "CdpWebKey", env=env())
            key = kms.Key(stack, "Key", enable_key_rotation=True)
            built["api"] = ApiBackend(stack, "Api", domain_prefix="my-app", encryption_key=key)
            built["key"] = stack.resolve(key.key_arn)
            built["role"] = stack.resolve(built["api"].write_function.role.role_name)
            return stack

        template = synth_checked(build)  # cdk-nag gate: the key grant's findings are acknowledged
        policies = [
            r["Properties"]
            for r in template["Resources"].values()
            if r["Type"] == "AWS::IAM::Policy" and built["role"] in r["Properties"]["Roles"]
        ]
        statements = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
        kms_actions = {
            a
            for s in statements
            if s["Resource"] == built["key"]
            for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        }
        assert {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"} <= kms_actions
