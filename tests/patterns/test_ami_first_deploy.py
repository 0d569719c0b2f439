"""AMI maintenance on its first deploy (issue 14): the fleet starts on a golden image built during the
deploy, CloudFormation never owns the image parameter that Image Builder writes, and the DLM policy
selects instances that carry its tag."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from patterns.ami import AmiBackupPolicy, BootstrappedFleet, GoldenImagePipeline, ShellStep
from tests.conftest import new_stack, template_of


@pytest.fixture(scope="module")
def ami(example_templates) -> dict[str, Any]:
    return example_templates["CdpAmiMaintenance"]


def of_type(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == type_}


def only(template: dict[str, Any], type_: str) -> tuple[str, dict[str, Any]]:
    (item,) = of_type(template, type_).items()
    return item


def test_first_image_is_built_during_the_deploy_with_the_pipelines_recipe(ami) -> None:
    _, image = only(ami, "AWS::ImageBuilder::Image")
    _, pipeline = only(ami, "AWS::ImageBuilder::ImagePipeline")
    for key in ("ImageRecipeArn", "InfrastructureConfigurationArn", "DistributionConfigurationArn"):
        assert image["Properties"][key] == pipeline["Properties"][key], key
    assert image["Properties"]["ImageTestsConfiguration"] == {"ImageTestsEnabled": True, "TimeoutMinutes": 60}
    # The build instances upload their logs with the role's inline policy: it exists before the build.
    policies = [
        k
        for k, r in of_type(ami, "AWS::IAM::Policy").items()
        if any(
            "imagebuilder/web/*" in json.dumps(s["Resource"])
            for s in r["Properties"]["PolicyDocument"]["Statement"]
        )
    ]
    assert len(policies) == 1
    assert policies[0] in image["DependsOn"]


def test_its_distribution_writes_the_parameter_the_fleet_launches_from(ami) -> None:
    _, distribution = only(ami, "AWS::ImageBuilder::DistributionConfiguration")
    [home] = distribution["Properties"]["Distributions"]
    assert home["SsmParameterConfigurations"] == [
        {"ParameterName": "/cdp/ami/web", "DataType": "aws:ec2:image"}
    ]
    _, launch_template = only(ami, "AWS::EC2::LaunchTemplate")
    assert launch_template["Properties"]["LaunchTemplateData"]["ImageId"] == "resolve:ssm:/cdp/ami/web"


def test_fleet_is_created_after_the_first_image(ami) -> None:
    image_id, _ = only(ami, "AWS::ImageBuilder::Image")
    _, group = only(ami, "AWS::AutoScaling::AutoScalingGroup")
    assert image_id in group["DependsOn"]


def test_cloudformation_owns_no_value_of_the_image_parameter(ami) -> None:
    """An AWS::SSM::Parameter here would be reset to its template value by a later update."""
    names = [r["Properties"].get("Name") for r in of_type(ami, "AWS::SSM::Parameter").values()]
    assert "/cdp/ami/web" not in names
    assert "{{resolve:ssm:/aws/service/ami-amazon-linux-latest" not in str(ami)


def test_dlm_selects_the_tag_the_fleet_instances_carry(ami) -> None:
    _, policy = only(ami, "AWS::DLM::LifecyclePolicy")
    target = policy["Properties"]["PolicyDetails"]["TargetTags"]
    assert target == [{"Key": "Backup", "Value": "ami"}]
    assert policy["Properties"]["PolicyDetails"]["ResourceTypes"] == ["INSTANCE"]
    _, group = only(ami, "AWS::AutoScaling::AutoScalingGroup")
    assert {"Key": "Backup", "Value": "ami", "PropagateAtLaunch": True} in group["Properties"]["Tags"]


# -- the library, beyond the example ---------------------------------------------------------------


def pipeline(stack, **kwargs) -> GoldenImagePipeline:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    return GoldenImagePipeline(
        stack,
        "Golden",
        name="web",
        vpc=vpc,
        build_steps=[ShellStep("Install", ["dnf install -y nginx"])],
        **kwargs,
    )


def test_a_fleet_reading_the_parameter_at_deploy_time_is_refused() -> None:
    stack = new_stack()
    golden = pipeline(stack)
    with pytest.raises(
        ValueError, match=r"image_parameter='/cdp/ami/web': is written by the pipeline's first build"
    ):
        BootstrappedFleet(stack, "Fleet", vpc=stack.node.find_child("Vpc"), image_parameter=golden)


def test_without_build_on_deploy_the_fleet_only_reads_the_name() -> None:
    stack = new_stack()
    golden = pipeline(stack, build_on_deploy=False)
    vpc = stack.node.find_child("Vpc")
    fleet = BootstrappedFleet(stack, "Fleet", vpc=vpc, image_parameter=golden, resolve_image_at_launch=True)
    assert fleet.image_parameter_name == "/cdp/ami/web"
    template = template_of(stack)
    template.resource_count_is("AWS::ImageBuilder::Image", 0)
    (group,) = template.find_resources("AWS::AutoScaling::AutoScalingGroup").values()
    assert not [d for d in group.get("DependsOn", []) if "Golden" in d]


def test_add_target_tags_what_the_group_launches() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    fleet = BootstrappedFleet(stack, "Fleet", vpc=vpc, image_parameter="/cdp/ami/web")
    backups = AmiBackupPolicy(stack, "Backups", target_tags={"Backup": "daily", "Team": "web"})
    backups.add_target(fleet.auto_scaling_group)
    template: Template = template_of(stack)
    (group,) = template.find_resources("AWS::AutoScaling::AutoScalingGroup").values()
    assert {"Key": "Backup", "Value": "daily", "PropagateAtLaunch": True} in group["Properties"]["Tags"]
    assert {"Key": "Team", "Value": "web", "PropagateAtLaunch": True} in group["Properties"]["Tags"]
