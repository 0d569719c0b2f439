"""The built wheel installs into a fresh venv, ships every Lambda handler and README, and synthesizes the
README's library quickstart from outside the repository.

Skipped in the normal suite: building, installing and synthesizing in a new Python process takes 20-30 s
(a new jsii kernel loads aws-cdk-lib), over the budget of the suite. `make dist` runs it on the wheel it
has just built (CDP_WHEEL_TEST=1, CDP_WHEEL_DIST=dist); run it alone with
`CDP_WHEEL_TEST=1 .venv/bin/python -m pytest tests/test_wheel.py`. Nothing is downloaded: the wheel is
installed with --no-deps --no-index, and the fresh venv reuses this venv's site-packages (aws-cdk-lib,
constructs, cdk-nag) through a .pth file.
"""

from __future__ import annotations

import json
import os
import re
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    os.environ.get("CDP_WHEEL_TEST") != "1",
    reason="builds and installs the wheel in a fresh venv (~30 s); `make dist` runs it (CDP_WHEEL_TEST=1)",
)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `make dist` built (CDP_WHEEL_DIST), else one built here, offline (--no-isolation)."""
    dist = os.environ.get("CDP_WHEEL_DIST")
    if dist:
        outdir = (ROOT / dist).resolve()
    else:
        outdir = tmp_path_factory.mktemp("dist")
        _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", outdir, ".", cwd=ROOT)
    (built,) = sorted(outdir.glob("cdp_patterns-*-py3-none-any.whl"))[-1:]
    return built


@pytest.fixture(scope="module")
def fresh(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """A new venv with the wheel installed; (its python, its installed `patterns` folder, a clean env)."""
    home = tmp_path_factory.mktemp("fresh")
    venv.EnvBuilder(with_pip=False).create(home / "venv")
    python = home / "venv" / "bin" / "python"
    purelib = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=home).strip()
    )
    # Reuse the pinned dependencies of this venv (after the fresh venv's own site-packages).
    (purelib / "_reuse_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=home,
    )
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "CDK_OUTDIR")}
    installed = Path(
        _run(python, "-c", "import patterns; print(patterns.__file__)", cwd=home, env=env).strip()
    ).parent
    return python, installed, env


def test_installed_from_the_wheel(fresh: tuple[Path, Path, dict[str, str]]) -> None:
    python, installed, _env = fresh
    assert installed.is_relative_to(python.parent.parent), installed  # not the working tree
    assert installed != ROOT / "patterns"


def test_wheel_ships_handlers_readmes_and_types(fresh: tuple[Path, Path, dict[str, str]]) -> None:
    _python, installed, _env = fresh
    source = ROOT / "patterns"
    wanted = {
        path.relative_to(source)
        for pattern in ("*/runtime/**/*.py", "*/README.md", "py.typed")
        for path in source.glob(pattern)
        if "__pycache__" not in path.parts
    }
    assert len([p for p in wanted if "runtime" in p.parts]) >= 10  # the handlers exist in the source tree
    missing = sorted(str(path) for path in wanted if not (installed / path).is_file())
    assert missing == []


def test_readme_quickstart_synthesizes(fresh: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    python, _installed, env = fresh
    section = (ROOT / "README.md").read_text().split("## Use the constructs in your own CDK app", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)[:1]
    (tmp_path / "app.py").write_text(code)
    _run(python, "app.py", cwd=tmp_path, env={**env, "CDK_OUTDIR": str(tmp_path / "cdk.out")})
    template = json.loads((tmp_path / "cdk.out" / "Platform.template.json").read_text())
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert {"AWS::EC2::VPC", "AWS::EC2::VPNConnection", "AWS::ECS::Cluster"} <= types
