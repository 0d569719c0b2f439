"""The publish handler against moto: S3 copy and manifest, SSM parameter, EventBridge event."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from patterns.hpc.runtime import publish

MODELS, DATA = "models-bucket", "datasets-bucket"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    for key, value in {
        "MODEL_BUCKET": MODELS,
        "SOURCE_BUCKETS": f"{MODELS},{DATA}",
        "STAGING_PREFIX": "staging/",
        "MODELS_PREFIX": "models/",
        "ARTIFACT_NAME": "model.tar.gz",
        "MODEL_PARAMETER": "/ml/current-model",
        "EVENT_BUS": "default",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in (MODELS, DATA, "elsewhere"):
            s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=MODELS, VersioningConfiguration={"Status": "Enabled"})
        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name="/ml/current-model", Value="none", Type="String")
        # Capture ModelPublished events in a queue (moto delivers EventBridge targets to SQS).
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue_url = sqs.create_queue(QueueName="events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events = boto3.client("events", region_name="us-east-1")
        events.put_rule(
            Name="models", EventPattern=json.dumps({"source": ["cdp.hpc"], "detail-type": ["ModelPublished"]})
        )
        events.put_targets(Rule="models", Targets=[{"Id": "q", "Arn": queue_arn}])
        yield s3, ssm, sqs, queue_url


def received(sqs, queue_url: str) -> list[dict]:
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_publishes_the_staged_artifact_by_convention(aws) -> None:
    s3, ssm, sqs, queue_url = aws
    s3.put_object(Bucket=MODELS, Key="staging/run-1/model.tar.gz", Body=b"weights")
    result = publish.handler({"runId": "run-1", "input": {"dataSet": "default"}})
    assert result["modelUri"] == f"s3://{MODELS}/models/run-1/model.tar.gz"
    assert result["source"] == f"s3://{MODELS}/staging/run-1/model.tar.gz"
    assert result["sizeBytes"] == 7 and result["versionId"]
    assert s3.get_object(Bucket=MODELS, Key="models/run-1/model.tar.gz")["Body"].read() == b"weights"
    manifest = json.loads(s3.get_object(Bucket=MODELS, Key="models/run-1/manifest.json")["Body"].read())
    assert manifest["modelUri"] == result["modelUri"] and manifest["runId"] == "run-1"
    assert ssm.get_parameter(Name="/ml/current-model")["Parameter"]["Value"] == result["modelUri"]
    [event] = received(sqs, queue_url)
    assert event["source"] == "cdp.hpc" and event["detail-type"] == "ModelPublished"
    assert event["detail"]["modelUri"] == result["modelUri"]


def test_publishes_an_explicit_artifact_from_the_data_set_bucket(aws) -> None:
    s3, ssm, _, _ = aws
    s3.put_object(Bucket=DATA, Key="export/checkpoints/final.pt", Body=b"pt")
    result = publish.handler(
        {"runId": "run-2", "input": {"artifactUri": f"s3://{DATA}/export/checkpoints/final.pt"}}
    )
    assert result["modelUri"] == f"s3://{MODELS}/models/run-2/final.pt"
    assert ssm.get_parameter(Name="/ml/current-model")["Parameter"]["Value"].endswith(
        "/models/run-2/final.pt"
    )


def test_rejects_a_bucket_outside_the_allowed_sources(aws) -> None:
    s3, ssm, _, _ = aws
    s3.put_object(Bucket="elsewhere", Key="model.tar.gz", Body=b"x")
    with pytest.raises(publish.PublishError, match="'elsewhere' is not one of"):
        publish.handler({"runId": "run-3", "input": {"artifactUri": "s3://elsewhere/model.tar.gz"}})
    assert ssm.get_parameter(Name="/ml/current-model")["Parameter"]["Value"] == "none"


def test_rejects_an_artifact_the_manifest_would_overwrite(aws) -> None:
    # The copy would be models/run-6/manifest.json, overwritten by the manifest right after, and the
    # parameter would send the serving side to the manifest instead of the model.
    s3, ssm, sqs, queue_url = aws
    s3.put_object(Bucket=DATA, Key="export/manifest.json", Body=b"weights")
    with pytest.raises(publish.PublishError, match=r"may not be named manifest\.json"):
        publish.handler({"runId": "run-6", "input": {"artifactUri": f"s3://{DATA}/export/manifest.json"}})
    assert ssm.get_parameter(Name="/ml/current-model")["Parameter"]["Value"] == "none"
    assert received(sqs, queue_url) == []


@pytest.mark.parametrize("uri", ["s3://models-bucket/", "https://example.com/m", "s3://x/k"])
def test_rejects_malformed_artifact_uris(aws, uri: str) -> None:
    with pytest.raises(publish.PublishError, match="must be s3://bucket/key"):
        publish.handler({"runId": "run-4", "input": {"artifactUri": uri}})


@pytest.mark.parametrize("run_id", ["", "../escape", "a" * 81])
def test_rejects_bad_run_ids(aws, run_id: str) -> None:
    with pytest.raises(publish.PublishError, match="runId="):
        publish.handler({"runId": run_id})


def test_missing_artifact_fails_without_touching_the_parameter(aws) -> None:
    _, ssm, sqs, queue_url = aws
    with pytest.raises(Exception, match=r"404|Not Found"):
        publish.handler({"runId": "run-5"})
    assert ssm.get_parameter(Name="/ml/current-model")["Parameter"]["Value"] == "none"
    assert received(sqs, queue_url) == []
