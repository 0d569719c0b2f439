"""GPU instance types: which ones the training cluster accepts, and what one node of each holds.

The rule for "GPU instance type": an NVIDIA-GPU family that the ECS GPU-optimized AMI (x86_64) runs,
that is a ``p``, ``g`` or ``gr`` family (``p4d``, ``g5``, ``g6e``, ``gr6``) whose attribute letters
contain neither ``g`` (Graviton: ``g5g`` has GPUs, but the ECS GPU AMI is x86_64 only) nor ``a``
(``g4ad`` has AMD GPUs, no CUDA). Trainium (``trn``), Inferentia (``inf``), Gaudi (``dl1``) and
every CPU family are rejected: they need other AMIs and other runtimes.

Sizes are checked against ``GPU_INSTANCES`` (vCPUs, GPUs, EFA support of one node). A type that
passes the family rule but is not in the table is accepted; the vCPU, GPU and EFA checks are then
skipped for it (they cannot be made without a lookup), and the job definitions need explicit sizes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TYPE = re.compile(r"^(?P<family>[a-z]+)(?P<generation>\d+)(?P<attributes>[a-z-]*)\.(?P<size>[a-z0-9]+)$")
GPU_FAMILIES = ("p", "g", "gr")


@dataclass(frozen=True)
class Node:
    """What one instance of a type holds: ``vcpus``, NVIDIA ``gpus``, and whether it supports EFA."""

    vcpus: int
    gpus: int
    efa: bool


def _sizes(family: str, table: dict[str, tuple[int, int, bool]]) -> dict[str, Node]:
    return {f"{family}.{size}": Node(*spec) for size, spec in table.items()}


_G5_LIKE = {  # g5 and g6 share sizes: 1 GPU up to 16xlarge except 12xlarge/24xlarge (4) and 48xlarge (8)
    "xlarge": (4, 1, False),
    "2xlarge": (8, 1, False),
    "4xlarge": (16, 1, False),
    "8xlarge": (32, 1, True),
    "12xlarge": (48, 4, True),
    "16xlarge": (64, 1, True),
    "24xlarge": (96, 4, True),
    "48xlarge": (192, 8, True),
}

GPU_INSTANCES: dict[str, Node] = {
    **_sizes(
        "g4dn",
        {
            "xlarge": (4, 1, False),
            "2xlarge": (8, 1, False),
            "4xlarge": (16, 1, False),
            "8xlarge": (32, 1, True),
            "12xlarge": (48, 4, True),
            "16xlarge": (64, 1, True),
            "metal": (96, 8, True),
        },
    ),
    **_sizes("g5", _G5_LIKE),
    **_sizes("g6", _G5_LIKE),
    **_sizes(
        "g6e",
        {
            "xlarge": (4, 1, False),
            "2xlarge": (8, 1, False),
            "4xlarge": (16, 1, False),
            "8xlarge": (32, 1, True),
            "12xlarge": (48, 2, True),
            "16xlarge": (64, 1, True),
            "24xlarge": (96, 4, True),
            "48xlarge": (192, 8, True),
        },
    ),
    **_sizes("p3", {"2xlarge": (8, 1, False), "8xlarge": (32, 4, False), "16xlarge": (64, 8, False)}),
    **_sizes("p3dn", {"24xlarge": (96, 8, True)}),
    **_sizes("p4d", {"24xlarge": (96, 8, True)}),
    **_sizes("p4de", {"24xlarge": (96, 8, True)}),
    **_sizes("p5", {"48xlarge": (192, 8, True)}),
    **_sizes("p5e", {"48xlarge": (192, 8, True)}),
    **_sizes("p5en", {"48xlarge": (192, 8, True)}),
}
"""One node of each common NVIDIA GPU type (us-east-1, 2026): vCPUs, GPUs, EFA support."""


def gpu_family_problem(instance_type: str) -> str | None:
    """Why ``instance_type`` is not an accepted GPU type, or None when it is."""
    match = _TYPE.match(instance_type)
    if match is None:
        return "not an EC2 instance type name (family, generation, '.', size: 'g5.12xlarge')"
    family, attributes = match["family"], match["attributes"]
    if family not in GPU_FAMILIES:
        return (
            f"'{family}{match['generation']}{attributes}' is not an NVIDIA GPU family (p*, g*, gr*); "
            "Trainium/Inferentia need the Neuron AMI, CPU types have no GPU"
        )
    if "g" in attributes:
        return "Graviton GPU types are not supported: the ECS GPU-optimized AMI is x86_64 only"
    if "a" in attributes:
        return "AMD GPU types (g4ad) have no CUDA; NCCL/CUDA training needs NVIDIA GPUs"
    return None


def node_of(instance_type: str) -> Node | None:
    """The known size of one node of ``instance_type``, or None for a type outside ``GPU_INSTANCES``."""
    return GPU_INSTANCES.get(instance_type)
