"""API handlers behind API Gateway (Cognito authorizer or AWS_IAM for identity-pool callers; JSON-schema
request validation).

The browser never talks to DynamoDB: every write is validated here again (the API's model is the first
gate, this is the second: the function may be invoked by other means), then stored; the item's rendered
page is deleted from S3 so that the next request renders it afresh.

Environment: ``TABLE_NAME``; optional ``PAGES_BUCKET`` and ``PAGES_PREFIX`` (pages to expire);
``ALLOWED_ORIGINS`` (comma-separated) for the CORS response header.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

import boto3
from web_pages import item_problems, valid_id

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

_clients: dict[str, Any] = {}


def _client(name: str) -> Any:
    if name not in _clients:
        _clients[name] = boto3.client(name)
    return _clients[name]


def _response(event: dict[str, Any], status: int, payload: Any) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
    origin = (event.get("headers") or {}).get("origin") or (event.get("headers") or {}).get("Origin")
    allowed = [o for o in os.environ.get("ALLOWED_ORIGINS", "").split(",") if o]
    if origin and origin in allowed:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Vary"] = "Origin"
    return {"statusCode": status, "headers": headers, "body": json.dumps(payload)}


def _item_id(event: dict[str, Any]) -> Any:
    return (event.get("pathParameters") or {}).get("id")


def caller_of(event: dict[str, Any]) -> str:
    """Who is writing: the user pool ``sub`` (Cognito authorizer, ``/items``) or the identity pool's
    identity id (``AWS_IAM``, ``/iam/items``, signed with identity-pool credentials); else "unknown"."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    if claims.get("sub"):
        return str(claims["sub"])
    identity_id = (context.get("identity") or {}).get("cognitoIdentityId")
    return str(identity_id) if identity_id else "unknown"


def get_item(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``GET /items/{id}``: the item as JSON, or 404."""
    item_id = _item_id(event)
    if not valid_id(item_id):
        return _response(
            event, 400, {"errors": ["id must be 1-64 lower-case letters, digits and inner hyphens"]}
        )
    found = (
        _client("dynamodb")
        # Consistent: a reader straight after a writer (the browser after its own PUT) sees the write.
        .get_item(TableName=os.environ["TABLE_NAME"], Key={"id": {"S": item_id}}, ConsistentRead=True)
        .get("Item")
    )
    if found is None:
        return _response(event, 404, {"errors": [f"no item {item_id!r}"]})
    return _response(event, 200, {name: next(iter(value.values())) for name, value in found.items()})


def put_item(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """``PUT /items/{id}`` with ``{"title": ..., "body": ...}``: validate, store, expire the rendered page."""
    item_id = _item_id(event)
    try:
        document = json.loads(event.get("body") or "")
    except (TypeError, ValueError):
        document = None
    problems = item_problems(item_id, document)
    if problems:
        LOG.info(json.dumps({"rejected": item_id, "problems": problems}))
        return _response(event, 400, {"errors": problems})
    item = {
        "id": {"S": item_id},
        "title": {"S": document["title"].strip()},
        "body": {"S": document.get("body", "")},
        "updated_at": {"S": datetime.now(UTC).isoformat(timespec="seconds")},
        "updated_by": {"S": caller_of(event)},
    }
    _client("dynamodb").put_item(TableName=os.environ["TABLE_NAME"], Item=item)
    bucket = os.environ.get("PAGES_BUCKET")
    if bucket:
        _client("s3").delete_object(Bucket=bucket, Key=os.environ.get("PAGES_PREFIX", "pages/") + item_id)
    return _response(event, 200, {name: next(iter(value.values())) for name, value in item.items()})
