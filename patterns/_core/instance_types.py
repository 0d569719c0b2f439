"""EC2 instance types that exist (every construct that takes one checks it here), and the architecture of each.

``ec2_instance_types.txt`` is the ``InstanceType`` enum of botocore's ec2 service model, shipped as a
text file: loading botocore's model takes most of a second, reading the file a millisecond (and the
library does not depend on botocore). A test compares the file with the installed botocore.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

LIST = Path(__file__).resolve().parent / "ec2_instance_types.txt"
REGENERATE = (
    "python -c 'from patterns._core.instance_types import main; main()' "
    "> patterns/_core/ec2_instance_types.txt"
)

_GRAVITON = re.compile(r"^(a1|p6e-gb\d+|[a-z]+\d+g[a-z-]*)\.")
"""Graviton and Grace (arm64) families: ``a1``, ``p6e-gb200``, and a generation digit followed by ``g``
(``t4g``, ``m7gd``, ``c8gn``). Mac instances (``mac2-m2``) are arm64 too, but no Beanstalk platform runs them."""


@cache
def known_instance_types() -> frozenset[str]:
    """Every instance type in the shipped list."""
    lines = LIST.read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def architecture(instance_type: str) -> str:
    """``"arm64"`` for a Graviton type, else ``"x86_64"`` (Beanstalk's ``SupportedArchitectures`` values)."""
    return "arm64" if _GRAVITON.match(instance_type) else "x86_64"


def main() -> None:
    """Print the list from the installed botocore (the regenerate command is the list's second line)."""
    import botocore
    import botocore.session

    model = botocore.session.get_session().get_service_model("ec2")
    print(
        f"# EC2 instance types: the InstanceType enum of botocore {botocore.__version__}'s ec2 service model."
    )
    print(f"# Regenerate: {REGENERATE}")
    print("\n".join(sorted(model.shape_for("InstanceType").enum)))
