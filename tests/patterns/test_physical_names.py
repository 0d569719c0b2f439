"""Physical names unique per account and region: a second claim fails at construction, naming both."""

from __future__ import annotations

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_ec2 as ec2

from patterns._core import Problems
from patterns._core.names import claim_name
from patterns.ami import GoldenImagePipeline, ShellStep

STEPS = [ShellStep(name="Install", commands=["dnf install -y nginx"])]


def test_same_pipeline_name_twice_in_one_environment_is_refused_naming_both() -> None:
    stack = Stack(App(), "Images", env=Environment(account="111122223333", region="eu-west-1"))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    GoldenImagePipeline(stack, "Web", name="web", vpc=vpc, build_steps=STEPS)
    with pytest.raises(ValueError) as raised:
        GoldenImagePipeline(stack, "Copy", name="web", vpc=vpc, build_steps=STEPS)
    message = str(raised.value)
    assert "name='web': the Image Builder pipeline 'web' is already used by Images/Web" in message
    assert (
        "image_parameter_name='/cdp/ami/web': the SSM parameter '/cdp/ami/web' is already used by Images/Web"
        in message
    )
    GoldenImagePipeline(stack, "Api", name="api", vpc=vpc, build_steps=STEPS)  # another name is fine


def claims(*environments: Environment) -> Problems:
    app = App()
    problems = Problems("Test")
    for index, environment in enumerate(environments):
        claim_name(problems, Stack(app, f"S{index}", env=environment), "SSM parameter", "name", "/x")
    return problems


def test_other_region_or_account_is_another_namespace() -> None:
    assert not claims(Environment(region="eu-west-1"), Environment(region="us-west-2"))
    assert not claims(
        Environment(account="111122223333", region="eu-west-1"),
        Environment(account="444455556666", region="eu-west-1"),
    )


def test_environment_agnostic_stacks_share_one_namespace() -> None:
    assert claims(Environment(), Environment())
