"""Moved to ``patterns._core.instance_types`` (every construct that takes an instance type checks it there)."""

from patterns._core.instance_types import architecture, known_instance_types

__all__ = ["architecture", "known_instance_types"]
