"""Deploy checks on the synthesized example app and on variants that take the non-default paths
(Slurm on PERSISTENT_2 storage, a custom domain), plus a broken sample per check to show it can fail.
The checks themselves are in ``tests/deploy/checks.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.deploy import checks
from tests.deploy.cfn import resources

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = sorted((ROOT / "patterns").glob("*/runtime/*.py"))

VARIANTS = pytest.mark.background("deploy-variants")
"""Tests that read the variants (built in the background process: tests/background.py)."""


@pytest.fixture(scope="module")
def variant_templates(background: Any) -> dict[str, dict[str, Any]]:
    """The HPC stack with Slurm on PERSISTENT_2 Lustre and the web stack on a custom domain, built once
    in the background process (no policy plugins: the nag gate is tested elsewhere)."""
    return background("deploy-variants")


@pytest.fixture(scope="module", params=["example", pytest.param("variants", marks=VARIANTS)])
def templates(request, example_templates) -> dict[str, dict[str, Any]]:
    if request.param == "example":
        return example_templates
    return request.getfixturevalue("variant_templates")


@VARIANTS
def test_variants_take_the_non_default_paths(variant_templates) -> None:
    hpc = variant_templates["CdpHpcTraining"]
    assert len(list(resources({"x": hpc}, "Custom::PclusterCluster"))) == 1
    [(_, _, lustre)] = resources({"x": hpc}, "AWS::FSx::FileSystem")
    assert lustre["LustreConfiguration"]["DeploymentType"] == "PERSISTENT_2"
    web = variant_templates["CdpServerlessWeb"]
    assert "www.example.com" in json.dumps(web)


# -- Step Functions -------------------------------------------------------------------------------


def test_state_machines_follow_the_states_language(templates) -> None:
    definitions = list(checks.state_machine_definitions(templates))
    assert definitions
    problems = [f"{where}: {p}" for where, d in definitions for p in checks.asl_problems(d)]
    assert problems == []


def test_service_integrations_match_the_sdk_calls(templates) -> None:
    problems = [
        f"{where}: {p}"
        for where, d in checks.state_machine_definitions(templates)
        for p in checks.integration_problems(d)
    ]
    assert problems == []


def test_the_example_has_integrations_to_check(example_templates) -> None:
    resources_ = {
        state["Resource"]
        for _, d in checks.state_machine_definitions(example_templates)
        for _, state in checks.states(d)
        if state.get("Type") == "Task"
    }
    assert "arn:aws:states:::batch:submitJob.sync" in resources_
    assert any(r.startswith("arn:aws:states:::aws-sdk:") for r in resources_)


BROKEN_MACHINE = {
    "StartAt": "Submit",
    "States": {
        "Submit": {
            "Type": "Task",
            "Resource": "arn:aws:states:::batch:submitJob.sync",
            "Parameters": {
                "JobName": "x",
                "JobQueue": "q",
                "JobDefintion": "d",
                "Parameters": {"a.$": "$.a"},
            },
            "Next": "Refresh",
        },
        "Refresh": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:autoscaling:startInstanceRefresh",
            "Parameters": {"AutoScalingGroupName": "g", "Preferences": {"MinHealthyPercentag": 90}},
            "Next": "Missing",
        },
        "Nope": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecutionNow", "End": True},
    },
}


def test_broken_definitions_are_reported() -> None:
    asl = checks.asl_problems(BROKEN_MACHINE)
    assert any("Missing" in p for p in asl)  # a Next that names no state
    assert any("Nope" in p for p in asl)  # a state nothing reaches
    problems = checks.integration_problems(BROKEN_MACHINE)
    assert any("'JobDefintion' is not a member of SubmitJobRequest" in p for p in problems)
    assert any("required member 'jobDefinition'" in p for p in problems)
    assert any("'MinHealthyPercentag' is not a member of RefreshPreferences" in p for p in problems)
    assert any("has no operation 'startExecutionNow'" in p for p in problems)


def test_jsonata_arguments_are_checked() -> None:
    machine = {
        "QueryLanguage": "JSONata",
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:ssm:putParameter",
                "Arguments": {"Name": "/x", "Valeu": "{% $states.input.v %}"},
                "End": True,
            }
        },
    }
    assert checks.asl_problems(machine) == []
    problems = checks.integration_problems(machine)
    assert any("'Valeu' is not a member" in p for p in problems)
    assert any("required member 'Value'" in p for p in problems)


# -- IAM ------------------------------------------------------------------------------------------


def test_every_iam_action_exists_and_every_arn_is_well_formed(templates) -> None:
    count, problems = checks.iam_problems(templates)
    assert count > 20
    assert problems == []


def broken_template(statement: dict[str, Any], type_: str = "AWS::IAM::Policy") -> dict[str, dict[str, Any]]:
    return {
        "T": {
            "Resources": {
                "P": {
                    "Type": type_,
                    "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}},
                }
            }
        }
    }


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            {"Effect": "Allow", "Action": "batch:DescribeJob", "Resource": "*"},
            "'batch:DescribeJob': batch has no such action",
        ),
        ({"Effect": "Allow", "Action": "s3:Gett*", "Resource": "*"}, "'s3:Gett*': s3 has no such action"),
        (
            {"Effect": "Allow", "Action": "stepfunctions:StartExecution", "Resource": "*"},
            "no IAM service prefix 'stepfunctions'",
        ),
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:bucket/key"},
            "is not a well-formed ARN",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s4:::b/*"]]},
            },
            "no IAM service 's4'",
        ),
        (
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"},
            "Principal '*' without a Condition",
        ),
        (
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Publish", "Resource": "*"},
            "without a Condition",
        ),
    ],
)
def test_broken_policies_are_reported(statement, expected) -> None:
    _, problems = checks.iam_problems(broken_template(statement, "AWS::SQS::QueuePolicy"))
    assert any(expected in p for p in problems), problems


def test_public_lambda_permissions_are_reported() -> None:
    def permission(**properties: Any) -> dict[str, dict[str, Any]]:
        base = {"Action": "lambda:InvokeFunction", "FunctionName": "f", "Principal": "*"}
        return {
            "T": {
                "Resources": {"P": {"Type": "AWS::Lambda::Permission", "Properties": {**base, **properties}}}
            }
        }

    assert any("Principal '*' without a condition" in p for p in checks.iam_problems(permission())[1])
    assert checks.iam_problems(permission(SourceAccount="123456789012"))[1] == []
    assert checks.iam_problems(permission(Principal="s3.amazonaws.com"))[1] == []
    assert any(
        "no such action" in p for p in checks.iam_problems(permission(Action="lambda:InvokeFunctions"))[1]
    )


def test_what_iam_accepts_is_not_reported() -> None:
    statements = [
        {
            "Effect": "Allow",
            "Action": ["s3:Get*", "batch:TerminateJob", "ecs:UpdateService"],
            "Resource": "*",
        },
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sns:Publish",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "1"}},
        },
    ]
    for statement in statements:
        assert checks.iam_problems(broken_template(statement))[1] == []


# -- boto3 calls in Lambda handlers ---------------------------------------------------------------


def test_every_boto3_call_in_the_handlers_matches_botocore() -> None:
    total, problems = 0, []
    for path in HANDLERS:
        count, found = checks.boto3_problems(path.read_text(), str(path.relative_to(ROOT)))
        total += count
        problems += found
    assert total >= 10  # the handlers' calls are found, not skipped
    assert problems == []


BROKEN_HANDLER = """
import boto3

_clients = {}


def _client(name):
    if name not in _clients:
        _clients[name] = boto3.client(name)
    return _clients[name]


def handler(event, context, sqs=None):
    s3 = boto3.client("s3")
    s3.put_object(Bucket="b", Key="k", Bodyy=b"x")
    boto3.client("ssm").put_parameter(Name="/x", Overwrite=True)
    _client("dynamodb").get_item(TableName="t")
    s3.get_objects(Bucket="b")
    sqs.delete_message(QueueUrl="u")
    s3.upload_file("f", "b", "k")
    _client("events").put_events(**event)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="b", PaginationConfig={"PageSize": 5}):
        pass
    s3.get_paginator("list_object").paginate(Bucket="b")
    _client("dynamodb").put_item(TableName="t", Item={"id": {"S": "1", "Q": "2"}})
"""


def test_broken_boto3_calls_are_reported() -> None:
    count, problems = checks.boto3_problems(BROKEN_HANDLER, "handler.py")
    assert count == 7
    assert any("'Bodyy' is not a parameter of PutObject" in p for p in problems)
    assert any("required parameter 'Value' of PutParameter is missing" in p for p in problems)
    assert any("required parameter 'Key' of GetItem is missing" in p for p in problems)
    assert any("s3 has no operation or method 'get_objects'" in p for p in problems)
    assert any("required parameter 'ReceiptHandle' of DeleteMessage is missing" in p for p in problems)
    assert not any("upload_file" in p or "PutEvents" in p for p in problems)
    assert any("s3 has no paginator for 'list_object'" in p for p in problems)
    assert any("Item.id: 'Q' is not a member of AttributeValue" in p for p in problems)
    assert not any("PaginationConfig" in p or "ListObjectsV2" in p for p in problems)
    assert len(problems) == 7


# -- Image Builder component documents --------------------------------------------------------------


def component_documents(templates: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    import yaml

    return [
        (logical_id, yaml.safe_load(p["Data"]))
        for _, logical_id, p in resources(templates, "AWS::ImageBuilder::Component")
    ]


def test_component_documents_follow_awstoe_rules(templates) -> None:
    documents = component_documents(templates)
    if "CdpAmiMaintenance" in templates:
        assert len(documents) == 2
    problems = [f"{where}: {p}" for where, document in documents for p in checks.awstoe_problems(document)]
    assert problems == []


def test_broken_component_documents_are_reported() -> None:
    document = {
        "schemaVersion": 2.0,
        "phases": [
            {
                "name": "bulid",
                "steps": [
                    {
                        "name": "Install nginx",
                        "action": "ExecuteBash",
                        "inputs": {"commands": "dnf install nginx"},
                    }
                ],
            },
            {
                "name": "test",
                "steps": [
                    {"name": "A", "action": "RunBash", "inputs": {}},
                    {"name": "A", "action": "CopyFile", "inputs": {"source": "/a"}},
                ],
            },
        ],
    }
    problems = checks.awstoe_problems(document)
    for expected in (
        "schemaVersion 2.0",
        "phase 'bulid'",
        "bulid/Install nginx: step name",
        "commands must be a non-empty list of strings",
        "action 'RunBash' is not an AWSTOE action module",
        "step names must be unique",
        "CopyFile needs input 'destination'",
    ):
        assert any(expected in p for p in problems), (expected, problems)


# -- ParallelCluster ------------------------------------------------------------------------------


@VARIANTS
def test_slurm_configuration_follows_parallelclusters_schema(variant_templates) -> None:
    [(_, _, cluster)] = resources({"x": variant_templates["CdpHpcTraining"]}, "Custom::PclusterCluster")
    problems = checks.pcluster_problems(placeholders(cluster["ClusterConfiguration"]))
    if problems is None:
        pytest.fail("aws-parallelcluster is not importable: make setup installs requirements-pcluster.txt")
    assert problems == []


def placeholders(value: Any) -> Any:
    """Intrinsics as the ids ParallelCluster's schema expects (subnet, security group, file system)."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith(("Ref", "Fn::")):
            text = json.dumps(value)
            if "Subnet" in text:
                return "subnet-0123456789abcdef0"
            if "SecurityGroup" in text:
                return "sg-0123456789abcdef0"
            if "FileSystem" in text:
                return "fs-0123456789abcdef0"
            return "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
        return {k: placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [placeholders(v) for v in value]
    return value


def test_slurm_options_follow_parallelclusters_schema() -> None:
    """Options the example does not take: a new PERSISTENT_2 file system with an import path, a Spot
    CPU queue without EFA, a larger head node (resolved from the construct, no synthesis)."""
    from aws_cdk import aws_ec2 as ec2

    from patterns.hpc import SlurmCluster, SlurmHeadNode, SlurmLustre, SlurmQueue
    from tests.conftest import new_stack

    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    cluster = SlurmCluster(
        stack,
        "Slurm",
        vpc=vpc,
        cluster_name="options",
        head_node=SlurmHeadNode(instance_type="c5.large", root_volume_gib=100),
        queues=[
            SlurmQueue(name="gpu", instance_types=["g5.12xlarge", "p4d.24xlarge"], max_count=4),
            SlurmQueue(
                name="cpu",
                instance_types=["c5.4xlarge"],
                gpu=False,
                efa=False,
                placement_group=False,
                spot=True,
            ),
        ],
        lustre=SlurmLustre(
            deployment_type="PERSISTENT_2", storage_capacity_gib=2400, import_path="s3://data/sets/"
        ),
        scaledown_idle_minutes=20,
    )
    problems = checks.pcluster_problems(placeholders(stack.resolve(cluster.cluster_configuration)))
    assert problems == []


@VARIANTS
def test_broken_slurm_configuration_is_reported(variant_templates) -> None:
    [(_, _, cluster)] = resources({"x": variant_templates["CdpHpcTraining"]}, "Custom::PclusterCluster")
    configuration = placeholders(cluster["ClusterConfiguration"])
    configuration["Scheduling"]["SlurmQueues"][0]["ComputeResources"][0]["MaxCont"] = 3
    configuration["HeadNode"]["InstanceType"] = 7
    problems = checks.pcluster_problems(configuration)
    if problems is None:
        pytest.fail("aws-parallelcluster is not importable: make setup installs requirements-pcluster.txt")
    assert any("MaxCont" in p for p in problems), problems
    assert any("InstanceType" in p for p in problems), problems
