"""Every public construct in users' apps (see build.py): built, synthesized with cdk-nag and the
project's checks, and linted, in the background process (tests/background.py, job ``consumer``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.consumer.build import APPS
from tests.consumer.catalog import CATALOG, construct_names

pytestmark = pytest.mark.background("consumer")


def test_catalog_covers_every_public_construct() -> None:
    assert sorted(CATALOG) == construct_names()


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_construct_builds(background: Any, app: str) -> None:
    assert background("consumer")[app]["errors"] == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_no_unacknowledged_finding_on_library_resources(background: Any, app: str) -> None:
    assert background("consumer")[app]["findings"] == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_cfn_lint_clean(background: Any, app: str) -> None:
    assert background("consumer")[app]["lint"] == []
