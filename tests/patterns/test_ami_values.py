"""AmiBackupPolicy refuses a description DLM would reject."""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from patterns.ami import AmiBackupPolicy, BootstrappedFleet, GoldenImagePipeline, ShellStep


@pytest.mark.parametrize("description", ["AMIs: web tier", "Täglich", "", "a/b"])
def test_a_description_outside_dlms_characters_is_refused(description: str) -> None:
    with pytest.raises(ValueError) as raised:
        AmiBackupPolicy(
            Stack(App(), "Ami"), "Backup", target_tags={"Backup": "daily"}, description=description
        )
    assert str(raised.value) == (
        "AmiBackupPolicy: invalid arguments:\n"
        f"  - description={description!r}: DLM accepts only letters, digits, spaces, hyphens and "
        "underscores (at least one)"
    )


def test_a_description_of_dlms_characters_is_used() -> None:
    stack = Stack(App(), "Ami")
    AmiBackupPolicy(stack, "Backup", target_tags={"Backup": "daily"}, description="Web tier AMIs_daily-7")
    Template.from_stack(stack).has_resource_properties(
        "AWS::DLM::LifecyclePolicy", {"Description": "Web tier AMIs_daily-7"}
    )


def test_fleet_and_pipeline_subnets_of_another_vpc_are_refused() -> None:
    stack = Stack(App(), "Ami")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    other = ec2.Vpc(stack, "OtherVpc", max_azs=2, nat_gateways=1)
    foreign = ec2.SubnetSelection(subnets=[other.private_subnets[0]])
    with pytest.raises(ValueError) as raised:
        BootstrappedFleet(
            stack, "Fleet", vpc=vpc, image_parameter="/cdp/golden-image/latest", vpc_subnets=foreign
        )
    assert str(raised.value) == (
        "BootstrappedFleet: invalid arguments:\n"
        "  - vpc_subnets='Ami/OtherVpc/PrivateSubnet1': is a subnet of another VPC than vpc; give subnets of vpc"
    )
    with pytest.raises(ValueError) as raised:
        GoldenImagePipeline(
            stack,
            "Pipeline",
            name="web",
            vpc=vpc,
            build_steps=[ShellStep(name="Install", commands=["dnf install -y nginx"])],
            vpc_subnets=foreign,
        )
    assert str(raised.value) == (
        "GoldenImagePipeline: invalid arguments:\n"
        "  - vpc_subnets='Ami/OtherVpc/PrivateSubnet1': is a subnet of another VPC than vpc; give subnets of vpc"
    )


def test_a_deploy_time_list_of_distribution_regions_is_refused() -> None:
    from aws_cdk import CfnParameter

    from tests.consumer.catalog import CATALOG, Shared

    stack = Stack(App(), "Ami")
    regions = CfnParameter(stack, "Regions", type="CommaDelimitedList").value_as_list
    with pytest.raises(ValueError) as raised:
        GoldenImagePipeline(
            stack,
            "Pipeline",
            **{**CATALOG["GoldenImagePipeline"](Shared(stack)), "distribution_regions": regions},
        )
    assert str(raised.value) == (
        "GoldenImagePipeline: invalid arguments:\n"
        f"  - distribution_regions={regions!r}: must be a literal list: the construct checks or builds "
        "something for each item at synthesis, so a deploy-time list (a CommaDelimitedList parameter, "
        "Token.as_list) cannot set it"
    )


@pytest.mark.parametrize("name", ["cdp/ami/web", "/cdp//web", "/cdp/ami web", "/cdp/ami/"])
def test_an_image_parameter_name_ssm_refuses_is_refused(name: str) -> None:
    from tests.consumer.catalog import CATALOG, Shared

    stack = Stack(App(), "Ami")
    with pytest.raises(ValueError) as raised:
        GoldenImagePipeline(
            stack,
            "Pipeline",
            **{**CATALOG["GoldenImagePipeline"](Shared(stack)), "image_parameter_name": name},
        )
    assert str(raised.value) == (
        "GoldenImagePipeline: invalid arguments:\n"
        f"  - image_parameter_name={name!r}: must be a path such as /cdp/ami/web (letters, digits, _ . - /)"
    )


@pytest.mark.parametrize("name", ["/aws/ami/web", "/SSM/web"])
def test_an_image_parameter_name_under_a_reserved_prefix_is_refused(name: str) -> None:
    from tests.consumer.catalog import CATALOG, Shared

    stack = Stack(App(), "Ami")
    with pytest.raises(ValueError) as raised:
        GoldenImagePipeline(
            stack,
            "Pipeline",
            **{**CATALOG["GoldenImagePipeline"](Shared(stack)), "image_parameter_name": name},
        )
    assert str(raised.value) == (
        "GoldenImagePipeline: invalid arguments:\n"
        f"  - image_parameter_name={name!r}: the /aws and /ssm prefixes are reserved by AWS"
    )
