"""Value checks that more than one pattern needs: positive durations, min below max, the CPU and memory
sizes Fargate offers (ECS tasks and Batch jobs), names AWS accepts, EC2 instance types that exist,
resources from the same VPC.

Each check records its findings on a ``Problems`` under the argument names the caller gives, and skips
values that are unresolved tokens (known only at deploy time).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs

from .instance_types import known_instance_types
from .validation import Problems, is_token

# --- durations --------------------------------------------------------------------------------------


class _Shown:
    """A value whose ``repr`` is the given text (``Duration.seconds(0)`` in an error message)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def seconds_of(duration: Duration | None) -> float | None:
    """The duration in seconds (fractions kept), or None for None and for a token duration."""
    if duration is None or not isinstance(duration, Duration) or duration.is_unresolved():
        return None
    return duration.to_milliseconds(integral=False) / 1000


def shown_duration(duration: Duration) -> _Shown:
    """``Duration.seconds(30)`` (or ``Duration.millis(500)``) for an error message."""
    seconds = seconds_of(duration)
    if seconds is None:
        return _Shown(repr(duration))
    if seconds != int(seconds):
        return _Shown(f"Duration.millis({seconds * 1000:g})")
    return _Shown(f"Duration.seconds({int(seconds)})")


def check_duration(
    problems: Problems,
    argument: str,
    duration: Duration | None,
    *,
    minimum: Duration | None = None,
    maximum: Duration | None = None,
    why: str = "",
) -> None:
    """``duration`` must be longer than zero, and within ``minimum``..``maximum`` when given.
    ``why`` (", the shortest AWS Batch accepts") is appended to a bound's message."""
    seconds = seconds_of(duration)
    if seconds is None or duration is None:
        return
    low, high = seconds_of(minimum), seconds_of(maximum)
    if seconds <= 0:
        problems.add(argument, shown_duration(duration), "must be longer than zero")
    elif low is not None and minimum is not None and seconds < low:
        problems.add(argument, shown_duration(duration), f"must be at least {minimum.to_human_string()}{why}")
    elif high is not None and maximum is not None and seconds > high:
        problems.add(argument, shown_duration(duration), f"must be at most {maximum.to_human_string()}{why}")


# --- ordered pairs ----------------------------------------------------------------------------------


def check_ordered(problems: Problems, low_argument: str, low: Any, high_argument: str, high: Any) -> None:
    """``low`` must not exceed ``high`` (a minimum and its maximum). Numbers or Durations; tokens and
    None are skipped."""
    if isinstance(low, Duration) or isinstance(high, Duration):
        low_seconds, high_seconds = seconds_of(low), seconds_of(high)
        if low_seconds is not None and high_seconds is not None and low_seconds > high_seconds:
            problems.add(
                low_argument, shown_duration(low), f"must not exceed {high_argument}={shown_duration(high)!r}"
            )
        return
    if low is None or high is None or is_token(low) or is_token(high):
        return
    if not isinstance(low, int | float) or not isinstance(high, int | float):
        return
    if low > high:
        problems.add(low_argument, low, f"must not exceed {high_argument}={high}")


# --- Fargate sizes ----------------------------------------------------------------------------------

FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
"""ECS Fargate task CPU units -> the memory sizes (MiB) Fargate offers with it."""

BATCH_FARGATE_SIZES: dict[float, tuple[int, ...]] = {
    **{cpu / 1024: memory for cpu, memory in FARGATE_SIZES.items()},
    32: (61440, 122880, 249856),
}
"""AWS Batch Fargate job vCPUs -> the memory sizes (MiB) Batch accepts with it (the ``ResourceRequirement``
table of the Batch API reference)."""


def _offered(offered: Sequence[int], argument: str, value: float) -> str:
    """``512-2048 MiB with cpu=256 (512, 1024, 2048)``, or ``... (in steps of 1024 MiB: 1024, 2048, ...)``."""
    steps = {high - low for low, high in itertools.pairwise(offered)}
    if len(steps) != 1 or len(offered) <= 4:
        listed = ", ".join(map(str, offered))
    else:
        listed = f"in steps of {steps.pop()} MiB: {', '.join(map(str, offered[:4]))}..."
    return f"{offered[0]}-{offered[-1]} MiB with {argument}={value:g} ({listed})"


def check_fargate_size(
    problems: Problems,
    cpu: int,
    memory_mib: int,
    *,
    cpu_argument: str = "cpu",
    memory_argument: str = "memory_mib",
) -> None:
    """Record a problem unless (``cpu`` units, ``memory_mib``) is a task size ECS Fargate offers."""
    if is_token(cpu) or is_token(memory_mib) or not isinstance(cpu, int | float):
        return
    if cpu not in FARGATE_SIZES:
        problems.add(
            cpu_argument, cpu, f"must be one of {', '.join(map(str, FARGATE_SIZES))} (Fargate CPU units)"
        )
    elif memory_mib not in FARGATE_SIZES[cpu]:
        problems.add(
            memory_argument,
            memory_mib,
            f"Fargate offers {_offered(FARGATE_SIZES[cpu], cpu_argument, cpu)}",
        )


def check_batch_fargate_size(
    problems: Problems, vcpus: float, memory_mib: int, *, vcpus_argument: str, memory_argument: str
) -> None:
    """Record a problem unless (``vcpus``, ``memory_mib``) is a size AWS Batch runs on Fargate."""
    if is_token(vcpus) or is_token(memory_mib) or not isinstance(vcpus, int | float):
        return
    if vcpus not in BATCH_FARGATE_SIZES:
        problems.add(
            vcpus_argument,
            vcpus,
            f"must be one of {', '.join(f'{v:g}' for v in BATCH_FARGATE_SIZES)} (AWS Batch Fargate vCPUs)",
        )
    elif memory_mib not in BATCH_FARGATE_SIZES[vcpus]:
        problems.add(
            memory_argument,
            memory_mib,
            f"AWS Batch on Fargate takes {_offered(BATCH_FARGATE_SIZES[vcpus], vcpus_argument, vcpus)}",
        )


# --- names ------------------------------------------------------------------------------------------

ECS_CLUSTER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
"""ECS cluster names (the ECS API's CreateCluster): up to 255 letters, digits, underscores, hyphens."""

BATCH_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
"""Batch compute environment, job queue and job definition names: up to 128 letters, digits, _ and -."""

SSM_PARAMETER_NAME = re.compile(
    r"^(?!/?(?i:aws|ssm))(?:/[A-Za-z0-9_.\-]+)+$|^(?!(?i:aws|ssm))[A-Za-z0-9_.\-]+$"
)
"""SSM parameter names: letters, digits and ``_ . -``, either plain (``model``) or a path of ``/``-led
segments (``/ml/model``); not starting with ``aws`` or ``ssm`` (reserved). At most 1011 characters."""

VIRTUAL_PRIVATE_GATEWAY_ID = re.compile(r"^vgw-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
"""``vgw-`` followed by 8 or 17 lower-case hexadecimal digits."""


def check_name(
    problems: Problems, argument: str, value: str | None, pattern: re.Pattern[str], rule: str
) -> None:
    """``value`` must match ``pattern``; ``rule`` says in words what the name may hold."""
    if value is None or is_token(value) or not isinstance(value, str):
        return
    problems.require(bool(pattern.match(value)), argument, value, rule)


# --- instance types ---------------------------------------------------------------------------------


def check_instance_type(problems: Problems, argument: str, value: str | None, example: str) -> bool:
    """``value`` must be an EC2 instance type that exists (botocore's list, shipped with the library);
    the closest names are suggested for a typo. ``example`` is a valid type for the message. True when
    it is one (or a token, or None)."""
    if value is None or is_token(value) or not isinstance(value, str) or value in known_instance_types():
        return True
    close = difflib.get_close_matches(value.strip().lower(), sorted(known_instance_types()), n=2, cutoff=0.8)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else f"e.g. {example!r}"
    problems.add(argument, value, f"is not an EC2 instance type (botocore's list); {hint}")
    return False


# --- same VPC ---------------------------------------------------------------------------------------


def _vpc_id(vpc: ec2.IVpc) -> str | None:
    try:
        return vpc.vpc_id
    except Exception:  # an interface proxy without the attribute: unknown
        return None


def different_vpcs(first: ec2.IVpc | None, second: ec2.IVpc | None) -> bool:
    """True only when ``first`` and ``second`` are known to be different VPCs: two literal ids that
    differ, or two VPCs built in this app (``ec2.Vpc``) that are not the same one. Imported VPCs with
    token ids may be anything: not compared."""
    if first is None or second is None or first is second:
        return False
    first_id, second_id = _vpc_id(first), _vpc_id(second)
    if first_id is None or second_id is None or first_id == second_id:
        return False
    if not is_token(first_id) and not is_token(second_id):
        return True
    return isinstance(first, ec2.Vpc) and isinstance(second, ec2.Vpc)


def vpc_of_subnet(subnet: ec2.ISubnet) -> ec2.IVpc | str | None:
    """The VPC of a subnet when it is known: the ``ec2.Vpc`` that made it, or the literal ``VpcId`` of
    an ``ec2.Subnet`` made on its own. None for imported subnets."""
    scope = subnet.node.scope
    if isinstance(scope, ec2.Vpc):
        return scope
    child = subnet.node.default_child
    if isinstance(child, ec2.CfnSubnet) and isinstance(child.vpc_id, str) and not is_token(child.vpc_id):
        return child.vpc_id
    return None


def _subnet_outside(subnet: ec2.ISubnet, vpc: ec2.IVpc) -> bool:
    owner = vpc_of_subnet(subnet)
    if owner is None:
        return False
    if isinstance(owner, str):
        vpc_id = _vpc_id(vpc)
        return vpc_id is not None and not is_token(vpc_id) and owner != vpc_id
    return different_vpcs(owner, vpc)


def _subnet_name(subnet: ec2.ISubnet) -> str:
    try:
        subnet_id = subnet.subnet_id
    except Exception:
        subnet_id = None
    return subnet_id if isinstance(subnet_id, str) and not is_token(subnet_id) else subnet.node.path


def check_subnets_in_vpc(
    problems: Problems,
    argument: str,
    subnets: ec2.ISubnet | ec2.SubnetSelection | Iterable[ec2.ISubnet] | None,
    vpc: ec2.IVpc | None,
    vpc_argument: str = "vpc",
) -> None:
    """Every subnet given (one, a list, or a ``SubnetSelection``'s ``subnets``) must be in ``vpc`` when
    both VPCs are known."""
    if subnets is None or vpc is None:
        return
    if isinstance(subnets, ec2.SubnetSelection):
        subnets = subnets.subnets or ()
    elif not isinstance(subnets, Iterable):
        subnets = (subnets,)
    for subnet in subnets:
        if _subnet_outside(subnet, vpc):
            problems.add(
                argument,
                _Shown(repr(_subnet_name(subnet))),
                f"is a subnet of another VPC than {vpc_argument}; give subnets of {vpc_argument}",
            )


def cluster_vpc(cluster: ecs.ICluster | None) -> ec2.IVpc | None:
    """The VPC of an ECS cluster, None when it has none or it is unknown (an imported cluster)."""
    if cluster is None:
        return None
    try:
        return cluster.vpc
    except Exception:
        return None


def check_cluster_in_vpc(
    problems: Problems,
    argument: str,
    cluster: ecs.ICluster | None,
    vpc: ec2.IVpc | None,
    vpc_argument: str = "vpc",
) -> None:
    """An ECS cluster whose VPC is known to differ from ``vpc``."""
    if cluster is None or vpc is None:
        return
    if different_vpcs(cluster_vpc(cluster), vpc):
        problems.add(
            argument,
            _Shown(repr(cluster.node.path)),
            f"is a cluster in another VPC than {vpc_argument}; give a cluster of {vpc_argument} or omit one",
        )


# --- ECS capacity providers -------------------------------------------------------------------------

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def cluster_capacity_providers(cluster: ecs.ICluster) -> list[str] | None:
    """The capacity providers of a cluster built in this app (``ecs.Cluster``), None when unknown."""
    if not isinstance(cluster, ecs.Cluster):
        return None
    return [*cluster.capacity_provider_names, *cluster.cluster_scoped_capacity_provider_names]


def check_capacity_providers(
    problems: Problems,
    argument: str,
    strategies: Sequence[ecs.CapacityProviderStrategy] | None,
    cluster: ecs.ICluster,
    cluster_argument: str = "cluster",
) -> None:
    """A Fargate provider named in ``strategies`` must be enabled on ``cluster`` when its providers are known."""
    known = cluster_capacity_providers(cluster)
    if known is None or not strategies:
        return
    for index, strategy in enumerate(strategies):
        name = strategy.capacity_provider
        if name in FARGATE_PROVIDERS and name not in known:
            problems.add(
                f"{argument}[{index}]",
                _Shown(f"CapacityProviderStrategy(capacity_provider={name!r})"),
                f"{cluster_argument} has no {name} capacity provider (it has: {', '.join(known) or 'none'}); "
                "create it with enable_fargate_capacity_providers=True or use a ContainerCluster",
            )
