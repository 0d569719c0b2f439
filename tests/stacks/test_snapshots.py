"""One whole-template snapshot per example stack. A change here is a design change: review the diff."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from stacks import EXAMPLE_STACKS

ASSET_HASH = re.compile(r"[0-9a-f]{64}")
STACKS = sorted(EXAMPLE_STACKS)


def mask_assets(template: dict[str, Any]) -> Any:
    """Asset hashes change whenever Lambda source changes; the snapshot should not churn with them."""
    return json.loads(ASSET_HASH.sub("<asset-hash>", json.dumps(template)))


@pytest.fixture
def snapshot_json(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stack_name", STACKS)
def test_template_snapshot(stack_name: str, example_templates, snapshot_json) -> None:  # type: ignore[no-untyped-def]
    assert mask_assets(example_templates[stack_name]) == snapshot_json


def test_every_example_stack_is_synthesized(example_templates) -> None:  # type: ignore[no-untyped-def]
    assert sorted(example_templates) == STACKS
