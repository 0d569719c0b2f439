"""Every Python usage snippet in the READMEs runs (the docs promise snippets that work).

Snippets run in this process (one jsii kernel for all of them), each in a fresh namespace, with a bare
``App()``: a user's app without this repository's cdk.json flags.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import aws_cdk
import pytest

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = re.compile(r"```python\n(.*?)```", re.S)


def _snippets() -> list[tuple[str, str]]:
    found = []
    for readme in sorted([ROOT / "README.md", *ROOT.glob("patterns/*/README.md")]):
        for index, code in enumerate(SNIPPET.findall(readme.read_text())):
            if "App(" in code and "app.synth()" in code:
                found.append((f"{readme.relative_to(ROOT)}#{index}", code))
    return found


SNIPPETS = _snippets()


def test_every_pattern_readme_has_a_runnable_snippet() -> None:
    documented = {name.split("#")[0] for name, _ in SNIPPETS}
    for readme in ROOT.glob("patterns/*/README.md"):
        assert str(readme.relative_to(ROOT)) in documented, readme


@pytest.mark.parametrize(("name", "code"), SNIPPETS, ids=[name for name, _ in SNIPPETS])
def test_snippet_runs(name: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The snippet's `from aws_cdk import App` gets an App that synthesizes into tmp_path.
    monkeypatch.setattr(aws_cdk, "App", functools.partial(aws_cdk.App, outdir=str(tmp_path)))
    exec(compile(code, name, "exec"), {"__name__": "__snippet__"})
    assert list(tmp_path.glob("*.template.json")), "the snippet synthesized no stack"
