"""Small hand-written templates and cloud assemblies for the review tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from patterns.review.load import StackTemplate


def res(resource_type: str, path: str | None = None, **props: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": resource_type, "Properties": props}
    if path:
        resource["Metadata"] = {"aws:cdk:path": f"Test/{path}"}
    return resource


def stack_of(resources: dict[str, dict[str, Any]], **extra: Any) -> StackTemplate:
    """A StackTemplate as the loader builds it (construct paths from the resources' metadata)."""
    template = {"Resources": resources, **extra}
    paths = {
        lid: r["Metadata"]["aws:cdk:path"].split("/", 1)[1] for lid, r in resources.items() if "Metadata" in r
    }
    return StackTemplate(name="Test", template=template, paths=paths, display_name="Test")


def write_assembly(root: Path, templates: dict[str, Any]) -> Path:
    """A minimal cloud assembly: manifest.json and one template file per stack (text written as is)."""
    root.mkdir(parents=True, exist_ok=True)
    artifacts = {}
    for name, template in templates.items():
        text = template if isinstance(template, str) else json.dumps(template)
        (root / f"{name}.template.json").write_text(text)
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{name}.template.json"},
        }
    artifacts["Tree"] = {"type": "cdk:tree", "properties": {"file": "tree.json"}}
    (root / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))
    return root
