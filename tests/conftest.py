"""Shared fixtures: the example app is synthesized once per session; pattern tests get small stacks."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk.assertions import Template

from stacks import create_app, feature_flags, synth

# Moto and boto3 must never reach a real account from a test.
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_name] = _value


_BACKGROUND: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "background(job): the test reads a job of tests/background.py (run in a second process)"
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported so far (aws-cdk-lib's classes: most of the heap) lives for the whole session:
    take it out of the cyclic collector's passes, and let them run less often. The suite's CPU time drops
    by about a fifth; reference counting still frees everything else."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start tests/background.py with the jobs the selected tests need, and run those tests last: by
    then the second process has had the whole session (and the second core) to build them."""
    from tests.background import JOBS

    order = {job: index for index, job in enumerate(JOBS)}

    def last_job(item: pytest.Item) -> int:
        """-1 for a test that needs no background job, else the position of the last job it reads."""
        return max(
            (order[job] for marker in item.iter_markers("background") for job in marker.args), default=-1
        )

    needed = {job for item in items for marker in item.iter_markers("background") for job in marker.args}
    jobs = [job for job in JOBS if job in needed]
    items.sort(key=last_job)  # stable: the other tests first, then by the job they wait for
    if not jobs or "process" in _BACKGROUND:
        return
    outdir = Path(tempfile.mkdtemp(prefix="cdp-background-"))
    log = open(outdir / "background.log", "w")  # noqa: SIM115 - closed at session finish
    _BACKGROUND.update(
        outdir=outdir,
        log=log,
        process=subprocess.Popen(
            [sys.executable, "-m", "tests.background", str(outdir), *jobs],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    process = _BACKGROUND.get("process")
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()
    if "log" in _BACKGROUND and not _BACKGROUND["log"].closed:
        _BACKGROUND["log"].close()


@pytest.fixture(scope="session")
def background() -> Callable[[str], dict[str, Any]]:
    """``background("consumer")``: the result of a tests/background.py job, waiting for it if needed."""
    if "process" not in _BACKGROUND:
        pytest.fail("no background process: mark the test with @pytest.mark.background(job)")
    results: dict[str, dict[str, Any]] = {}

    def get(job: str) -> dict[str, Any]:
        if job in results:
            return results[job]
        outdir: Path = _BACKGROUND["outdir"]
        process: subprocess.Popen[bytes] = _BACKGROUND["process"]
        deadline = time.monotonic() + 900
        while not (outdir / f"{job}.json").exists():
            if (outdir / f"{job}.error").exists():
                pytest.fail(f"background job {job} failed:\n{(outdir / f'{job}.error').read_text()[-4000:]}")
            if process.poll() is not None or time.monotonic() > deadline:
                log = (outdir / "background.log").read_text()[-4000:]
                pytest.fail(f"background job {job} gave no result (exit {process.returncode}):\n{log}")
            time.sleep(0.2)
        results[job] = json.loads((outdir / f"{job}.json").read_text())
        return results[job]

    return get


@pytest.fixture(scope="session")
def example_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole example app, synthesized once (cdk-nag runs as part of it)."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    synth(create_app(outdir=str(outdir)))
    return outdir


@pytest.fixture(scope="session")
def example_templates(example_assembly: Path) -> dict[str, dict[str, Any]]:
    """Each example stack's template as JSON, by stack name."""
    manifest = json.loads((example_assembly / "manifest.json").read_text())
    templates = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] == "aws:cloudformation:stack":
            path = example_assembly / artifact["properties"]["templateFile"]
            templates[name] = json.loads(path.read_text())
    return templates


@pytest.fixture(scope="session")
def example_template(example_templates: dict[str, dict[str, Any]]) -> Callable[[str], Template]:
    """``example_template("CdpSecurityBaseline")``: the assertions API over a synthesized example stack."""
    cache: dict[str, Template] = {}

    def get(name: str) -> Template:
        if name not in cache:
            cache[name] = Template.from_json(example_templates[name])
        return cache[name]

    return get


def new_stack(region: str = "us-east-1", **context: Any) -> Stack:
    """A stack in a fresh App with cdk.json's feature flags, for fine-grained pattern tests."""
    app = App(context={**feature_flags(), **context})
    return Stack(app, "Test", env=Environment(region=region))


def template_of(stack: Stack) -> Template:
    return Template.from_stack(stack)
