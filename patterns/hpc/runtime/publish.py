"""Publish a trained model: copy the artifact into the model bucket under ``models/<run>/``, write a
manifest next to it, point the SSM parameter at it and announce it with an EventBridge event.

Event (from the workflow)::

    {"runId": "<execution name>", "input": {"artifactUri": "s3://bucket/key"}}   # artifactUri optional

Without ``artifactUri`` the artifact is ``s3://$MODEL_BUCKET/$STAGING_PREFIX<runId>/$ARTIFACT_NAME``,
where the training job writes it. Only the buckets in ``$SOURCE_BUCKETS`` are accepted as sources.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from typing import Any

import boto3

EVENT_SOURCE = "cdp.hpc"
EVENT_DETAIL_TYPE = "ModelPublished"
MANIFEST_NAME = "manifest.json"
_S3_URI = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>.+)$")
_RUN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")


class PublishError(ValueError):
    """The event asks for something the function must not do (an unknown bucket, a bad run id)."""


def parse_s3_uri(uri: str) -> tuple[str, str]:
    match = _S3_URI.match(uri)
    if match is None or match["key"].endswith("/"):
        raise PublishError(f"artifactUri={uri!r}: must be s3://bucket/key of one object")
    return match["bucket"], match["key"]


def source_of(event: dict[str, Any], env: dict[str, str]) -> tuple[str, str]:
    run_id = event["runId"]
    requested = (event.get("input") or {}).get("artifactUri")
    if requested:
        bucket, key = parse_s3_uri(requested)
    else:
        bucket, key = env["MODEL_BUCKET"], f"{env['STAGING_PREFIX']}{run_id}/{env['ARTIFACT_NAME']}"
    allowed = {b for b in env["SOURCE_BUCKETS"].split(",") if b}
    if bucket not in allowed:
        raise PublishError(f"artifactUri bucket {bucket!r} is not one of {sorted(allowed)}")
    if key.rsplit("/", 1)[-1] == MANIFEST_NAME:
        # The copy would land where the manifest is written next, and the parameter would point at it.
        raise PublishError(f"artifactUri={requested!r}: an artifact may not be named {MANIFEST_NAME}")
    return bucket, key


def handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    env = dict(os.environ)
    run_id = str(event.get("runId", ""))
    if not _RUN_ID.fullmatch(run_id):  # fullmatch: "$" also matches before a trailing newline
        raise PublishError(f"runId={run_id!r}: 1-80 letters, digits, '_', '.', ':' or '-'")
    source_bucket, source_key = source_of(event, env)
    model_bucket = env["MODEL_BUCKET"]
    name = source_key.rsplit("/", 1)[-1]
    prefix = f"{env['MODELS_PREFIX']}{run_id}/"
    target_key = prefix + name

    s3 = boto3.client("s3")
    head = s3.head_object(Bucket=source_bucket, Key=source_key)
    # Managed copy: multipart for artifacts above 5 GB, a single CopyObject below.
    s3.copy({"Bucket": source_bucket, "Key": source_key}, model_bucket, target_key)
    copied = s3.head_object(Bucket=model_bucket, Key=target_key)
    model_uri = f"s3://{model_bucket}/{target_key}"
    published_at = datetime.now(UTC).isoformat()
    manifest = {
        "runId": run_id,
        "modelUri": model_uri,
        "versionId": copied.get("VersionId"),
        "source": f"s3://{source_bucket}/{source_key}",
        "sourceETag": head.get("ETag", "").strip('"'),
        "sizeBytes": head.get("ContentLength"),
        "publishedAt": published_at,
    }
    s3.put_object(
        Bucket=model_bucket,
        Key=prefix + MANIFEST_NAME,
        Body=json.dumps(manifest, indent=2).encode(),
        ContentType="application/json",
    )

    boto3.client("ssm").put_parameter(
        Name=env["MODEL_PARAMETER"], Value=model_uri, Type="String", Overwrite=True
    )
    result = boto3.client("events").put_events(
        Entries=[
            {
                "Source": EVENT_SOURCE,
                "DetailType": EVENT_DETAIL_TYPE,
                "Detail": json.dumps(manifest),
                "EventBusName": env["EVENT_BUS"],
            }
        ]
    )
    if result.get("FailedEntryCount", 0):
        raise RuntimeError(f"EventBridge rejected the ModelPublished event: {result['Entries']}")
    return manifest
