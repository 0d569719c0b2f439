"""The publish handler, call by call (what mutation testing showed untested): the exact S3, SSM and
EventBridge requests, the manifest written, the refusal messages and the limits of the run id and URI
patterns. ``boto3.client`` is replaced by a spy that hands out fakes recording every call."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from patterns.hpc.runtime import publish

ENV = {
    "MODEL_BUCKET": "models-bucket",
    "SOURCE_BUCKETS": "models-bucket,,datasets-bucket,",
    "STAGING_PREFIX": "staging/",
    "MODELS_PREFIX": "models/",
    "ARTIFACT_NAME": "model.tar.gz",
    "MODEL_PARAMETER": "/ml/current-model",
    "EVENT_BUS": "ml-bus",
}
NOW = datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC)


class Fake:
    """Any client: each method call is recorded as (service, method, args, kwargs) and answered from
    ``answers[method]`` (a list, consumed in order) or with {}."""

    def __init__(self, service: str, calls: list[tuple[Any, ...]], answers: dict[str, list[Any]]) -> None:
        self.service, self.log, self.answers = service, calls, answers

    def __getattr__(self, method: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.log.append((self.service, method, args, kwargs))
            queue = self.answers.get(method)
            return queue.pop(0) if queue else {}

        return call


class Aws:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.answers: dict[str, list[Any]] = {
            "head_object": [{"ETag": '"0123abcd"', "ContentLength": 7}, {"VersionId": "v-42"}],
            "put_events": [{"FailedEntryCount": 0, "Entries": [{"EventId": "e-1"}]}],
        }

    def client(self, service: str, *args: Any, **kwargs: Any) -> Fake:
        return Fake(service, self.calls, self.answers)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Aws:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    fake = Aws()

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            assert tz is UTC
            return NOW

    monkeypatch.setattr(publish.boto3, "client", fake.client)
    monkeypatch.setattr(publish, "datetime", Clock)
    return fake


MANIFEST = {
    "runId": "run-1",
    "modelUri": "s3://models-bucket/models/run-1/final.pt",
    "versionId": "v-42",
    "source": "s3://datasets-bucket/export/final.pt",
    "sourceETag": "0123abcd",
    "sizeBytes": 7,
    "publishedAt": "2026-03-01T12:00:05+00:00",
}


def test_every_call_of_a_publication(aws: Aws) -> None:
    result = publish.handler(
        {"runId": "run-1", "input": {"artifactUri": "s3://datasets-bucket/export/final.pt"}}
    )
    assert result == MANIFEST
    assert aws.calls == [
        ("s3", "head_object", (), {"Bucket": "datasets-bucket", "Key": "export/final.pt"}),
        (
            "s3",
            "copy",
            (
                {"Bucket": "datasets-bucket", "Key": "export/final.pt"},
                "models-bucket",
                "models/run-1/final.pt",
            ),
            {},
        ),
        ("s3", "head_object", (), {"Bucket": "models-bucket", "Key": "models/run-1/final.pt"}),
        (
            "s3",
            "put_object",
            (),
            {
                "Bucket": "models-bucket",
                "Key": "models/run-1/manifest.json",
                "Body": (
                    b"{\n"
                    b'  "runId": "run-1",\n'
                    b'  "modelUri": "s3://models-bucket/models/run-1/final.pt",\n'
                    b'  "versionId": "v-42",\n'
                    b'  "source": "s3://datasets-bucket/export/final.pt",\n'
                    b'  "sourceETag": "0123abcd",\n'
                    b'  "sizeBytes": 7,\n'
                    b'  "publishedAt": "2026-03-01T12:00:05+00:00"\n'
                    b"}"
                ),
                "ContentType": "application/json",
            },
        ),
        (
            "ssm",
            "put_parameter",
            (),
            {
                "Name": "/ml/current-model",
                "Value": "s3://models-bucket/models/run-1/final.pt",
                "Type": "String",
                "Overwrite": True,
            },
        ),
        (
            "events",
            "put_events",
            (),
            {
                "Entries": [
                    {
                        "Source": "cdp.hpc",
                        "DetailType": "ModelPublished",
                        "Detail": json.dumps(MANIFEST),
                        "EventBusName": "ml-bus",
                    }
                ]
            },
        ),
    ]


def test_staged_artifact_by_convention_without_etag_size_or_version(aws: Aws) -> None:
    aws.answers["head_object"] = [{}, {}]
    aws.answers["put_events"] = [{}]
    result = publish.handler({"runId": "a_b.c:d-1", "input": None})
    assert result["source"] == "s3://models-bucket/staging/a_b.c:d-1/model.tar.gz"
    assert result["modelUri"] == "s3://models-bucket/models/a_b.c:d-1/model.tar.gz"
    assert (result["versionId"], result["sourceETag"], result["sizeBytes"]) == (None, "", None)


def test_rejected_event_fails_with_the_entries(aws: Aws) -> None:
    aws.answers["put_events"] = [{"FailedEntryCount": 1, "Entries": [{"ErrorCode": "Throttled"}]}]
    with pytest.raises(RuntimeError) as error:
        publish.handler({"runId": "run-1"})
    assert str(error.value) == "EventBridge rejected the ModelPublished event: [{'ErrorCode': 'Throttled'}]"


@pytest.mark.parametrize("run_id", ["a", "Z" * 80, "run_1.2:3-4"])
def test_run_ids_within_the_pattern_are_accepted(aws: Aws, run_id: str) -> None:
    assert publish.handler({"runId": run_id})["runId"] == run_id


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, "runId='': 1-80 letters, digits, '_', '.', ':' or '-'"),
        ({"runId": "a" * 81}, f"runId='{'a' * 81}': 1-80 letters, digits, '_', '.', ':' or '-'"),
        ({"runId": "a/b"}, "runId='a/b': 1-80 letters, digits, '_', '.', ':' or '-'"),
        ({"runId": "run-1\n"}, "runId='run-1\\n': 1-80 letters, digits, '_', '.', ':' or '-'"),
        (
            {"runId": "r", "input": {"artifactUri": "s3://elsewhere/model.pt"}},
            "artifactUri bucket 'elsewhere' is not one of ['datasets-bucket', 'models-bucket']",
        ),
        (
            {"runId": "r", "input": {"artifactUri": "s3://datasets-bucket/export/a/manifest.json"}},
            "artifactUri='s3://datasets-bucket/export/a/manifest.json': an artifact may not be named manifest.json",
        ),
        (
            {"runId": "r", "input": {"artifactUri": "s3://datasets-bucket/a/dir/"}},
            "artifactUri='s3://datasets-bucket/a/dir/': must be s3://bucket/key of one object",
        ),
    ],
)
def test_refusals_name_the_value_and_make_no_call(aws: Aws, event: dict[str, Any], message: str) -> None:
    with pytest.raises(publish.PublishError) as error:
        publish.handler(event)
    assert str(error.value) == message
    assert aws.calls == []


@pytest.mark.parametrize(
    ("uri", "parsed"),
    [
        ("s3://abc/k", ("abc", "k")),
        ("s3://" + "b" * 63 + "/a/b.pt", ("b" * 63, "a/b.pt")),
        ("s3://my.bucket-1/x", ("my.bucket-1", "x")),
    ],
)
def test_s3_uris_within_the_pattern(uri: str, parsed: tuple[str, str]) -> None:
    assert publish.parse_s3_uri(uri) == parsed


@pytest.mark.parametrize(
    "uri", ["s3://ab/k", "s3://" + "b" * 64 + "/k", "s3://Abc/k", "s3://abc-/k", "s3://abc/", "x s3://abc/k"]
)
def test_s3_uris_outside_the_pattern(uri: str) -> None:
    with pytest.raises(publish.PublishError, match="must be s3://bucket/key of one object"):
        publish.parse_s3_uri(uri)


def test_source_key_without_a_folder_keeps_its_name(aws: Aws) -> None:
    result = publish.handler({"runId": "r", "input": {"artifactUri": "s3://datasets-bucket/model.pt"}})
    assert result["modelUri"] == "s3://models-bucket/models/r/model.pt"
