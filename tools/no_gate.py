"""pytest plugin for tools/construct_mutations.py: leave out the tests that are not fine-grained tests of a
construct: those that read the example app (synthesized with the policy plugins as a gate) and those that
synthesize through the cdk-nag gate (``synth_checked``)."""

from __future__ import annotations

import inspect

import pytest

GATE_FIXTURES = {"example_assembly", "example_templates", "example_template"}


def _uses_gate(function: object) -> bool:
    try:
        return "synth_checked(" in inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, dropped = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        functions = [getattr(item, "function", None)] + [d[-1].func for d in definitions.values() if d]
        if fixtures & GATE_FIXTURES or any(_uses_gate(f) for f in functions if f is not None):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
