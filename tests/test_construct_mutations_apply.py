"""The curated construct mutations of ``make mutate`` (tools/construct_mutations.py) still apply: each
planted bug's text occurs exactly once in its file. A stale one would silently test nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "construct_mutations.py"


def test_every_curated_mutation_still_applies() -> None:
    spec = importlib.util.spec_from_file_location("construct_mutations", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool  # its dataclasses look their module up
    spec.loader.exec_module(tool)
    assert len(tool.MUTATIONS) >= 59
    assert [f"{m.pattern}: {m.bug}: {problem}" for m in tool.MUTATIONS if (problem := tool.check(m))] == []
