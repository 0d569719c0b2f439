"""Release hygiene, checked on every run (fast): license, changelog, one version, links that resolve."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import patterns

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_license_is_the_apache_2_text() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert len(text) == 11358  # the canonical file's length, byte for byte ASCII


def test_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "patterns.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", patterns.__version__)
    assert project["build-system"]["requires"] == ["setuptools>=77"]


def test_changelog_has_this_release() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n")
    assert re.search(
        rf"^## \[{re.escape(patterns.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M
    )


def test_readme_links_stay_in_the_repository() -> None:
    for readme in [ROOT / "README.md", *ROOT.glob("patterns/*/README.md"), ROOT / "docs" / "DESIGN.md"]:
        for target in LINK.findall(readme.read_text()):
            assert not target.startswith(("http:", "https:")), (readme, target)
            resolved = (readme.parent / target).resolve()
            assert resolved.is_relative_to(ROOT), (readme, target)
            assert resolved.exists(), (readme, target)
