"""Every construct that takes an EC2 instance type refuses one that does not exist (botocore's list,
shipped with the library), naming the argument and the value, with the closest names for a typo."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_ec2 as ec2

import patterns
from patterns._core.instance_types import known_instance_types
from patterns._core.limits import check_instance_type
from patterns._core.validation import Problems
from patterns.hpc import SlurmHeadNode, SlurmQueue
from tests.consumer.catalog import CATALOG, Shared

NOT_A_TYPE = "is not an EC2 instance type (botocore's list); "

CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "BootstrappedFleet",
        {"instance_type": "t3.smal"},
        [f"instance_type='t3.smal': {NOT_A_TYPE}did you mean 't3.small' or 't3a.small'?"],
    ),
    ("BootstrappedFleet", {"instance_type": ""}, [f"instance_type='': {NOT_A_TYPE}e.g. 't3.small'"]),
    (
        "GoldenImagePipeline",
        {"instance_types": ["t3.medium", "m5.hyper"]},
        [f"instance_types='m5.hyper': {NOT_A_TYPE}e.g. 't3.medium'"],
    ),
    (
        "ContainerCluster",
        {"instance_type": ec2.InstanceType("t3.mega")},
        [f"instance_type='t3.mega': {NOT_A_TYPE}e.g. 't3.medium'"],
    ),
    (
        "TrainingCluster",
        {"instance_types": ["g5.13xlarge"]},
        [f"instance_types='g5.13xlarge': {NOT_A_TYPE}did you mean 'g5.16xlarge' or 'g5.12xlarge'?"],
    ),
    (
        "SlurmCluster",
        {
            "queues": [SlurmQueue(name="gpu", instance_types=["g5.12xlarge", "g5.13xlarge"])],
            "head_node": SlurmHeadNode(instance_type="t3.mediun"),
        },
        [
            f"head_node.instance_type='t3.mediun': {NOT_A_TYPE}did you mean 't3.medium' or 't3a.medium'?",
            f"queues[0].instance_types='g5.13xlarge': {NOT_A_TYPE}did you mean 'g5.16xlarge' or 'g5.12xlarge'?",
        ],
    ),
    (
        "BeanstalkWorker",
        {"instance_type": "t4g.nan0"},
        [f"instance_type='t4g.nan0': {NOT_A_TYPE}did you mean 't4g.nano'?"],
    ),
]


@pytest.mark.parametrize(
    ("name", "changes", "lines"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_an_instance_type_that_does_not_exist_is_refused(
    name: str, changes: dict[str, Any], lines: list[str]
) -> None:
    stack = Stack(App(), "Types", env=Environment(region="eu-west-1"))
    with pytest.raises(ValueError) as raised:
        getattr(patterns, name)(stack, "Subject", **{**CATALOG[name](Shared(stack)), **changes})
    message = str(raised.value)
    assert message.startswith(f"{name}: invalid arguments:\n")
    for line in lines:
        assert f"\n  - {line}" in message


def test_real_types_and_tokens_pass() -> None:
    problems = Problems("Check")
    for value in ("t3.small", "t4g.nano", "g5.12xlarge", "p5.48xlarge", "${Token[TOKEN.1]}", None):
        assert check_instance_type(problems, "instance_type", value, "t3.small") is True
    assert problems.raise_if_any() is None


def test_the_shipped_list_holds_current_generations() -> None:
    assert {"t4g.nano", "m7g.large", "c7i.xlarge", "g6.xlarge", "p5.48xlarge"} <= known_instance_types()
    assert "t3.mega" not in known_instance_types()
