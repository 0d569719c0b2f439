"""Read a cloud assembly (``cdk.out``): its manifest, each stack's template and construct paths."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cfn import obj

STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"


class ReviewError(Exception):
    """Bad input: the message is one line for the user, the exit code is 2."""


@dataclass
class StackTemplate:
    """One stack: ``name`` (artifact id), its template, and the construct path of each resource.

    ``paths`` maps a logical id to its construct path below the stack (``Network/Vpc/Resource``), from the
    resource's ``aws:cdk:path`` metadata or else the assembly's metadata file; resources without one are absent.
    """

    name: str
    template: dict[str, Any]
    paths: dict[str, str] = field(default_factory=dict)
    display_name: str = ""

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources = self.template.get("Resources")
        return resources if isinstance(resources, dict) else {}

    def of_type(self, *types: str) -> list[tuple[str, dict[str, Any]]]:
        """``(logical id, resource)`` for every resource of one of ``types``, in template order.

        The resource is a copy whose ``Properties`` is always a dict (odd templates do not crash a section).
        """
        return [
            (lid, {**res, "Properties": props_of(res)})
            for lid, res in self.resources.items()
            if type_of(res) in types
        ]

    def props(self, logical_id: str) -> dict[str, Any]:
        """The Properties of ``logical_id`` ({} if it is not a resource of this template)."""
        return props_of(self.resources.get(logical_id))


def type_of(resource: Any) -> str:
    return str(resource.get("Type", "?")) if isinstance(resource, dict) else "?"


def props_of(resource: Any) -> dict[str, Any]:
    props = resource.get("Properties") if isinstance(resource, dict) else None
    return props if isinstance(props, dict) else {}


def _read_json(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReviewError(f"cannot read {what} {path}: {error.strerror or error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReviewError(
            f"{what} {path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None


def load_assembly(directory: str | Path) -> list[StackTemplate]:
    """Every stack of the cloud assembly in ``directory`` (nested assemblies of stages included).

    Raises ReviewError when the directory is missing or empty, has no manifest.json or no stack, or when a
    manifest or template is not JSON.
    """
    root = Path(directory)
    hint = "run `make synth` (or `cdk synth`) first"
    if not root.is_dir():
        raise ReviewError(f"{root}: no such directory; {hint}")
    if not any(root.iterdir()):
        raise ReviewError(f"{root} is empty; {hint}")
    if not (root / "manifest.json").is_file():
        raise ReviewError(f"{root} has no manifest.json: not a cloud assembly; {hint}")
    stacks = _load(root, seen=set())
    if not stacks:
        raise ReviewError(f"{root}/manifest.json lists no CloudFormation stack; {hint}")
    return stacks


def _load(root: Path, seen: set[Path]) -> list[StackTemplate]:
    seen.add(root.resolve())
    manifest = _read_json(root / "manifest.json", "manifest")
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        return []
    stacks: list[StackTemplate] = []
    for name, artifact in artifacts.items():
        if not isinstance(artifact, dict):
            continue
        properties = obj(artifact.get("properties"))
        if artifact.get("type") == STACK_ARTIFACT and properties.get("templateFile"):
            template = _read_json(root / properties["templateFile"], "template")
            if not isinstance(template, dict):
                raise ReviewError(f"template {root / properties['templateFile']} is not a JSON object")
            display = str(artifact.get("displayName") or name)
            stack = StackTemplate(name=name, template=template, display_name=display)
            stack.paths = _construct_paths(root, artifact, stack)
            stacks.append(stack)
        elif artifact.get("type") == NESTED_ASSEMBLY and properties.get("directoryName"):
            nested = root / properties["directoryName"]
            if (nested / "manifest.json").is_file() and nested.resolve() not in seen:
                stacks.extend(_load(nested, seen))
    return stacks


def _construct_paths(root: Path, artifact: dict[str, Any], stack: StackTemplate) -> dict[str, str]:
    """Logical id -> construct path below the stack, from resource metadata, else the metadata file."""
    full: dict[str, str] = {}
    metadata: dict[str, Any] = dict(obj(artifact.get("metadata")))
    extra = artifact.get("additionalMetadataFile")
    if extra and (root / extra).is_file():
        try:
            loaded = json.loads((root / extra).read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                metadata.update(loaded)
        except (OSError, json.JSONDecodeError):
            pass  # the metadata file only improves the diagram; the template is what matters
    for path, entries in metadata.items():
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and entry.get("type") == "aws:cdk:logicalId":
                full[str(entry.get("data"))] = path.lstrip("/")
    for logical_id, resource in stack.resources.items():
        meta = resource.get("Metadata") if isinstance(resource, dict) else None
        if isinstance(meta, dict) and isinstance(meta.get("aws:cdk:path"), str):
            full[logical_id] = meta["aws:cdk:path"].lstrip("/")
    prefix = stack.display_name + "/"
    below: dict[str, str] = {}
    for logical_id, path in full.items():
        if logical_id not in stack.resources:
            continue
        if path.startswith(prefix):
            below[logical_id] = path[len(prefix) :]
        elif "/" in path:
            below[logical_id] = path.split("/", 1)[1]
    return below
