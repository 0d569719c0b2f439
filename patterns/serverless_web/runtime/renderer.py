"""Render on first request: CloudFront's origin group sends here what S3 did not have (404).

The function URL (behind CloudFront origin access control) receives ``GET /pages/<id>``; the handler
reads the item from DynamoDB, renders the page, stores it in S3 under ``pages/<id>`` and returns it.
From the second request on, S3 answers and this function is not called. Deleting the object (the API
does so after each write) makes the next request render the page again.

Environment: ``TABLE_NAME``, ``PAGES_BUCKET``, ``PAGES_PREFIX`` (``pages/``).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import boto3
from web_pages import render_page, valid_id

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

PAGE_CACHE_CONTROL = "no-cache"
"""Browsers revalidate (with the ETag); CloudFront keeps no copy either: S3 is the cache."""

_clients: dict[str, Any] = {}


def _client(name: str) -> Any:
    if name not in _clients:
        _clients[name] = boto3.client(name)
    return _clients[name]


def _response(
    status: int, body: str, *, content_type: str = "text/html; charset=utf-8", cache: str = "no-store"
) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_type, "Cache-Control": cache},
        "body": body,
    }


def _not_found() -> dict[str, Any]:
    return _response(404, "<!doctype html><title>Not found</title><h1>Not found</h1>\n")


def item_id_of(path: str, prefix: str) -> str | None:
    """``/pages/hello`` -> ``hello`` (for prefix ``pages/``); None for anything else."""
    expected = "/" + prefix
    if not path.startswith(expected):
        return None
    candidate = path[len(expected) :]
    return candidate if valid_id(candidate) else None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    method = event.get("requestContext", {}).get("http", {}).get("method", "GET")
    if method not in ("GET", "HEAD"):
        return _response(405, "method not allowed\n", content_type="text/plain")
    prefix = os.environ.get("PAGES_PREFIX", "pages/")
    item_id = item_id_of(event.get("rawPath", ""), prefix)
    if item_id is None:
        return _not_found()
    found = (
        _client("dynamodb")
        .get_item(TableName=os.environ["TABLE_NAME"], Key={"id": {"S": item_id}}, ConsistentRead=True)
        .get("Item")
    )
    if found is None:
        return _not_found()
    item = {name: next(iter(value.values())) for name, value in found.items()}
    page = render_page(item)
    _client("s3").put_object(
        Bucket=os.environ["PAGES_BUCKET"],
        Key=prefix + item_id,
        Body=page.encode("utf-8"),
        ContentType="text/html; charset=utf-8",
        CacheControl=PAGE_CACHE_CONTROL,
    )
    LOG.info(json.dumps({"rendered": prefix + item_id}))
    return _response(200, page, cache=PAGE_CACHE_CONTROL)
