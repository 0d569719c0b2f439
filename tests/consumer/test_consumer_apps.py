"""Every public construct in users' apps (see build.py): built, synthesized with cdk-nag and the
project's checks, and linted, in a background process started at session start (conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.consumer.build import APPS
from tests.consumer.catalog import CATALOG, construct_names


def test_catalog_covers_every_public_construct() -> None:
    assert sorted(CATALOG) == construct_names()


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_construct_builds(consumer_results: dict[str, Any], app: str) -> None:
    assert consumer_results[app]["errors"] == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_no_unacknowledged_finding_on_library_resources(consumer_results: dict[str, Any], app: str) -> None:
    assert consumer_results[app]["findings"] == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_cfn_lint_clean(consumer_results: dict[str, Any], app: str) -> None:
    assert consumer_results[app]["lint"] == []
