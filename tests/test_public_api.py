"""The package's public API: every advertised name loads, and importing the package stays cheap."""

from __future__ import annotations

import subprocess
import sys

import patterns


def test_every_public_name_resolves() -> None:
    for name in patterns.__all__:
        assert getattr(patterns, name).__name__ == name


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        patterns.NoSuchConstruct  # noqa: B018
    except AttributeError as error:
        assert "NoSuchConstruct" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_importing_the_package_does_not_load_aws_cdk() -> None:
    """Tools such as `python -m patterns.review` start without paying for aws-cdk-lib."""
    code = "import sys, patterns, patterns.review; print('aws_cdk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
