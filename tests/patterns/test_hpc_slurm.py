"""HPC pattern, optional parts: SlurmCluster (ParallelCluster custom resource) and the pipeline's hand-off
to a serving ECS service. The cluster configuration is checked as data; the template for the provider
stack, the custom resource and the hand-off IAM."""

from __future__ import annotations

import json

import pytest
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Match, Template

from patterns.hpc import (
    SlurmCluster,
    SlurmHeadNode,
    SlurmLustre,
    SlurmQueue,
    TrainingCluster,
    TrainingPipeline,
    TrainingStorage,
)
from stacks.hpc import HpcTrainingStack
from stacks.network import NetworkStack
from tests.conftest import new_stack, template_of
from tests.support import cfn_lint, env, synth_checked

GPU_IMAGE = ecs.ContainerImage.from_registry("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
CPU_IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.12-slim")


def vpc_of(stack: Stack) -> ec2.Vpc:
    return ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)


def slurm(stack: Stack, vpc: ec2.IVpc | None = None, **kwargs) -> SlurmCluster:
    kwargs.setdefault("cluster_name", "training")
    kwargs.setdefault("queues", [SlurmQueue(name="gpu")])
    return SlurmCluster(stack, "Slurm", vpc=vpc or vpc_of(stack), **kwargs)


def resolved(stack: Stack, value):
    return stack.resolve(value)


@pytest.fixture(scope="module")
def default() -> tuple[Stack, Template, SlurmCluster]:
    stack = new_stack()
    cluster = slurm(stack)
    return stack, template_of(stack), cluster


class TestSlurmDefaults:
    def test_provider_stack_is_the_published_template_of_the_pinned_version(self, default) -> None:
        _, template, _ = default
        template.has_resource_properties(
            "AWS::CloudFormation::Stack",
            {
                "TemplateURL": {
                    "Fn::Sub": [
                        "https://${AWS::Region}-aws-parallelcluster.s3.${AWS::Region}.${AWS::URLSuffix}"
                        "/parallelcluster/${Version}/templates/custom_resource/cluster.yaml",
                        {"Version": "3.16.1"},
                    ]
                }
            },
        )
        assert (
            "Parameters"
            not in template.find_resources("AWS::CloudFormation::Stack").popitem()[1]["Properties"]
        )

    def test_custom_resource_takes_the_service_token_output_and_the_configuration(self, default) -> None:
        stack, template, cluster = default
        provider_id = stack.resolve(cluster.provider.logical_id)
        resources = template.find_resources("Custom::PclusterCluster")
        assert len(resources) == 1
        properties = next(iter(resources.values()))["Properties"]
        assert properties["ServiceToken"] == {"Fn::GetAtt": [provider_id, "Outputs.ServiceToken"]}
        assert properties["ClusterName"] == "training"
        assert properties["DeletionPolicy"] == "Delete"
        assert properties["ClusterConfiguration"] == stack.resolve(cluster.cluster_configuration)

    def test_head_node_reached_through_ssm_only(self, default) -> None:
        stack, _, cluster = default
        head = resolved(stack, cluster.cluster_configuration["HeadNode"])
        assert head["InstanceType"] == "t3.medium"
        assert "Ssh" not in head
        assert head["Dcv"] == {"Enabled": False}
        assert head["Imds"] == {"Secured": True}
        assert head["LocalStorage"]["RootVolume"] == {"Encrypted": True, "VolumeType": "gp3"}
        assert head["Iam"]["AdditionalIamPolicies"] == [
            {"Policy": {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}}
        ]
        assert head["Networking"]["SubnetId"] == stack.resolve(cluster.subnet.subnet_id)
        assert head["Networking"]["AdditionalSecurityGroups"] == [
            stack.resolve(cluster.security_group.security_group_id)
        ]

    def test_image_scheduler_and_cluster_wide_settings(self, default) -> None:
        _, _, cluster = default
        config = cluster.cluster_configuration
        assert config["Image"] == {"Os": "alinux2023"}
        assert config["Imds"] == {"ImdsSupport": "v2.0"}
        assert config["Scheduling"]["Scheduler"] == "slurm"
        assert config["Scheduling"]["SlurmSettings"] == {"ScaledownIdletime": 10}
        assert "SharedStorage" not in config

    def test_gpu_queue_scales_from_zero_with_efa_placement_group_and_health_checks(self, default) -> None:
        stack, _, cluster = default
        (queue,) = resolved(stack, cluster.cluster_configuration["Scheduling"]["SlurmQueues"])
        assert queue["Name"] == "gpu" and queue["CapacityType"] == "ONDEMAND"
        assert queue["Networking"]["PlacementGroup"] == {"Enabled": True}
        assert queue["Networking"]["SubnetIds"] == [stack.resolve(cluster.subnet.subnet_id)]
        assert queue["HealthChecks"] == {"Gpu": {"Enabled": True}}
        assert queue["ComputeSettings"]["LocalStorage"]["RootVolume"]["Encrypted"] is True
        assert queue["ComputeResources"] == [
            {
                "Name": "g5-12xlarge",
                "InstanceType": "g5.12xlarge",
                "MinCount": 0,
                "MaxCount": 2,
                "Efa": {"Enabled": True},
            }
        ]

    def test_security_group_has_no_open_ingress(self, default) -> None:
        _, template, _ = default
        groups = template.find_resources("AWS::EC2::SecurityGroup")
        assert len(groups) == 1
        assert "SecurityGroupIngress" not in next(iter(groups.values()))["Properties"]

    def test_head_node_attributes_read_the_resource(self, default) -> None:
        stack, _, cluster = default
        resource_id = stack.resolve(cluster.resource.logical_id)
        assert stack.resolve(cluster.head_node_private_ip) == {
            "Fn::GetAtt": [resource_id, "headNode.privateIpAddress"]
        }
        assert stack.resolve(cluster.head_node_instance_id) == {
            "Fn::GetAtt": [resource_id, "headNode.instanceId"]
        }


class TestSlurmOptions:
    def test_queues_head_node_and_version(self) -> None:
        stack = new_stack()
        vpc = vpc_of(stack)
        cluster = slurm(
            stack,
            vpc,
            head_node=SlurmHeadNode(
                instance_type="c5.large", subnet=vpc.private_subnets[1], root_volume_gib=80
            ),
            queues=[
                SlurmQueue(
                    name="train", instance_types=["p4d.24xlarge", "p5.48xlarge"], max_count=4, spot=True
                ),
                SlurmQueue(
                    name="cpu",
                    instance_types=["c5.2xlarge"],
                    gpu=False,
                    efa=False,
                    placement_group=False,
                    min_count=1,
                    max_count=8,
                    subnet=vpc.private_subnets[1],
                ),
            ],
            scaledown_idle_minutes=30,
            retain_cluster=True,
            version="3.15.0",
        )
        config = stack.resolve(cluster.cluster_configuration)
        head = config["HeadNode"]
        assert head["InstanceType"] == "c5.large"
        assert head["LocalStorage"]["RootVolume"]["Size"] == 80
        assert head["Networking"]["SubnetId"] == stack.resolve(vpc.private_subnets[1].subnet_id)
        train, cpu = config["Scheduling"]["SlurmQueues"]
        assert train["CapacityType"] == "SPOT"
        assert [r["Name"] for r in train["ComputeResources"]] == ["p4d-24xlarge", "p5-48xlarge"]
        assert {r["MaxCount"] for r in train["ComputeResources"]} == {4}
        assert cpu["Networking"]["PlacementGroup"] == {"Enabled": False}
        assert cpu["Networking"]["SubnetIds"] == [stack.resolve(vpc.private_subnets[1].subnet_id)]
        assert "HealthChecks" not in cpu
        assert cpu["ComputeResources"][0]["Efa"] == {"Enabled": False}
        assert cpu["ComputeResources"][0]["MinCount"] == 1
        assert config["Scheduling"]["SlurmSettings"] == {"ScaledownIdletime": 30}
        template = template_of(stack)
        template.has_resource_properties(
            "Custom::PclusterCluster", {"DeletionPolicy": "Retain", "ClusterName": "training"}
        )
        template.has_resource_properties(
            "AWS::CloudFormation::Stack",
            {"TemplateURL": {"Fn::Sub": [Match.any_value(), {"Version": "3.15.0"}]}},
        )

    def test_new_persistent_lustre(self) -> None:
        stack = new_stack()
        cluster = slurm(
            stack,
            lustre=SlurmLustre(
                deployment_type="PERSISTENT_2",
                storage_capacity_gib=2400,
                per_unit_storage_throughput=250,
                mount_dir="/shared",
            ),
            removal_policy=RemovalPolicy.DESTROY,
        )
        assert cluster.cluster_configuration["SharedStorage"] == [
            {
                "Name": "fsx",
                "StorageType": "FsxLustre",
                "MountDir": "/shared",
                "FsxLustreSettings": {
                    "DeploymentType": "PERSISTENT_2",
                    "StorageCapacity": 2400,
                    "DataCompressionType": "LZ4",
                    "DeletionPolicy": "Delete",
                    "PerUnitStorageThroughput": 250,
                },
            }
        ]

    def test_new_scratch_lustre_defaults_are_retained(self) -> None:
        stack = new_stack()
        cluster = slurm(stack, lustre=SlurmLustre(import_path="s3://data-sets/imagenet/"))
        settings = cluster.cluster_configuration["SharedStorage"][0]["FsxLustreSettings"]
        assert settings == {
            "DeploymentType": "SCRATCH_2",
            "StorageCapacity": 1200,
            "DataCompressionType": "LZ4",
            "DeletionPolicy": "Retain",
            "ImportPath": "s3://data-sets/imagenet/",
        }
        assert cluster.cluster_configuration["SharedStorage"][0]["MountDir"] == "/fsx"

    def test_existing_file_system(self) -> None:
        stack = new_stack()
        cluster = slurm(stack, lustre=SlurmLustre(file_system_id="fs-0123456789abcdef0"))
        assert cluster.cluster_configuration["SharedStorage"][0]["FsxLustreSettings"] == {
            "FileSystemId": "fs-0123456789abcdef0"
        }

    def test_training_storage_is_shared_and_admits_the_cluster(self) -> None:
        stack = new_stack()
        vpc = vpc_of(stack)
        storage = TrainingStorage(stack, "Storage", vpc=vpc, subnet=vpc.private_subnets[1])
        cluster = slurm(stack, vpc, training_storage=storage)
        assert cluster.subnet is storage.subnet
        shared = stack.resolve(cluster.cluster_configuration["SharedStorage"][0])
        assert shared["MountDir"] == "/fsx"
        assert shared["FsxLustreSettings"] == {
            "FileSystemId": stack.resolve(storage.file_system.file_system_id)
        }
        template = template_of(stack)
        template.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress",
            {
                "FromPort": 988,
                "GroupId": stack.resolve(storage.security_group.security_group_id),
                "SourceSecurityGroupId": stack.resolve(cluster.security_group.security_group_id),
            },
        )


class TestSlurmBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"cluster_name": "1cluster"}, r"cluster_name='1cluster': must start with a letter"),
            ({"cluster_name": "a" * 61}, r"cluster_name='a{61}': .*60 characters at most"),
            ({"cluster_name": "my_cluster"}, r"cluster_name='my_cluster'"),
            ({"cluster_name": "Test"}, r"cluster_name='Test': must differ from the stack's name"),
            ({"queues": []}, r"queues=\[\]: at least one Slurm queue is required"),
            (
                {
                    "queues": [
                        SlurmQueue(name=f"q{i}", instance_types=["c5.large"], gpu=False, efa=False)
                        for i in range(51)
                    ]
                },
                r"queues='51 queues': ParallelCluster allows at most 50 Slurm queues",
            ),
            (
                {"queues": [SlurmQueue(name="GPU")]},
                r"queues\[0\].name='GPU': must start with a lowercase letter",
            ),
            ({"queues": [SlurmQueue(name="q" * 26)]}, r"queues\[0\].name='q{26}'"),
            ({"queues": [SlurmQueue(name="default")]}, r"queues\[0\].name='default'.*not be 'default'"),
            (
                {"queues": [SlurmQueue(name="gpu"), SlurmQueue(name="gpu")]},
                r"queues='gpu': queue names must be unique",
            ),
            (
                {"queues": [SlurmQueue(name="gpu", instance_types=[])]},
                r"queues\[0\].instance_types=\[\]: at least one",
            ),
            (
                {"queues": [SlurmQueue(name="gpu", instance_types=["g5.12xlarge", "g5.12xlarge"])]},
                r"instance_types='g5.12xlarge': listed twice",
            ),
            (
                {"queues": [SlurmQueue(name="gpu", instance_types=["m5.24xlarge"])]},
                r"queues\[0\].instance_types='m5.24xlarge': 'm5' is not an NVIDIA GPU family",
            ),
            ({"queues": [SlurmQueue(name="gpu", instance_types=["g5g.16xlarge"])]}, r"Graviton"),
            (
                {"queues": [SlurmQueue(name="gpu", instance_types=["g5"])]},
                r"'g5': not an EC2 instance type name",
            ),
            (
                {"queues": [SlurmQueue(name="gpu", instance_types=["g5.xlarge"])]},
                r"'g5.xlarge': does not support EFA",
            ),
            (
                {"queues": [SlurmQueue(name="cpu", instance_types=["c7g.large"], gpu=False, efa=False)]},
                r"'c7g.large': head node and compute nodes must share one CPU architecture",
            ),
            (
                {"queues": [SlurmQueue(name="gpu", min_count=-1)]},
                r"queues\[0\].min_count=-1: must be at least 0",
            ),
            (
                {"queues": [SlurmQueue(name="gpu", max_count=0)]},
                r"queues\[0\].max_count=0: must be at least 1",
            ),
            (
                {"queues": [SlurmQueue(name="gpu", min_count=3, max_count=2)]},
                r"queues\[0\].max_count=2: must be at least min_count=3",
            ),
            ({"head_node": SlurmHeadNode(instance_type="large")}, r"head_node.instance_type='large'"),
            (
                {"head_node": SlurmHeadNode(root_volume_gib=10)},
                r"head_node.root_volume_gib=10: must be between 35",
            ),
            (
                {"lustre": SlurmLustre(storage_capacity_gib=1000)},
                r"lustre.storage_capacity_gib=1000: Lustre .* takes 1200 GiB or a multiple of 2400",
            ),
            (
                {"lustre": SlurmLustre(deployment_type="SCRATCH_1")},
                r"lustre.deployment_type='SCRATCH_1': must be one of",
            ),
            (
                {"lustre": SlurmLustre(deployment_type="PERSISTENT_2", per_unit_storage_throughput=200)},
                r"lustre.per_unit_storage_throughput=200: must be one of 125, 250, 500, 1000",
            ),
            (
                {"lustre": SlurmLustre(per_unit_storage_throughput=250)},
                r"lustre.per_unit_storage_throughput=250: only PERSISTENT_2",
            ),
            (
                {"lustre": SlurmLustre(file_system_id="fs-0123456789abcdef0", storage_capacity_gib=2400)},
                r"lustre.storage_capacity_gib=2400: cannot be combined with lustre.file_system_id",
            ),
            (
                {"lustre": SlurmLustre(file_system_id="fsx-1")},
                r"lustre.file_system_id='fsx-1': not an FSx file system id",
            ),
            (
                {"lustre": SlurmLustre(import_path="bucket/x")},
                r"lustre.import_path='bucket/x': must be an S3 URI",
            ),
            (
                {"lustre": SlurmLustre(mount_dir="/home")},
                r"lustre.mount_dir='/home': must be an absolute path outside",
            ),
            ({"lustre": SlurmLustre(mount_dir="fsx")}, r"lustre.mount_dir='fsx'"),
            ({"scaledown_idle_minutes": 0}, r"scaledown_idle_minutes=0: must be between 1 and 1440"),
            ({"version": "2.11.9"}, r"version='2.11.9': must be a ParallelCluster 3 release"),
        ],
    )
    def test_cluster(self, kwargs: dict, message: str) -> None:
        stack = new_stack()
        with pytest.raises(ValueError, match=message):
            slurm(stack, **kwargs)

    def test_lustre_and_training_storage_conflict(self) -> None:
        stack = new_stack()
        vpc = vpc_of(stack)
        storage = TrainingStorage(stack, "Storage", vpc=vpc)
        with pytest.raises(
            ValueError, match=r"lustre=SlurmLustre\(.*cannot be combined with training_storage"
        ):
            slurm(stack, vpc, lustre=SlurmLustre(), training_storage=storage)

    def test_every_problem_is_reported_at_once(self) -> None:
        stack = new_stack()
        with pytest.raises(ValueError, match=r"(?s)cluster_name='-x'.*queues\[0\].name='Q'.*max_count=0"):
            slurm(stack, cluster_name="-x", queues=[SlurmQueue(name="Q", max_count=0)])

    def test_tokens_are_not_validated(self) -> None:
        stack = new_stack()
        vpc = vpc_of(stack)
        storage = TrainingStorage(stack, "Storage", vpc=vpc)
        cluster = slurm(stack, vpc, lustre=SlurmLustre(file_system_id=storage.file_system.file_system_id))
        assert cluster.cluster_configuration["SharedStorage"][0]["MountDir"] == "/fsx"


def serving_service(stack: Stack, vpc: ec2.IVpc) -> ecs.FargateService:
    ecs_cluster = ecs.Cluster(stack, "Serving", vpc=vpc)
    task = ecs.FargateTaskDefinition(stack, "ServingTask")
    task.add_container("model", image=CPU_IMAGE)
    return ecs.FargateService(stack, "ServingService", cluster=ecs_cluster, task_definition=task)


def pipeline(stack: Stack, vpc: ec2.IVpc, **kwargs) -> TrainingPipeline:
    storage = TrainingStorage(stack, "Storage", vpc=vpc)
    training = TrainingCluster(
        stack, "Cluster", vpc=vpc, storage=storage, training_image=GPU_IMAGE, preprocess_image=CPU_IMAGE
    )
    return TrainingPipeline(stack, "Pipeline", cluster=training, api=False, **kwargs)


def definition_of(template: Template) -> str:
    """The state machine's definition as text (the JSON is split around tokens by Fn::Join)."""
    machine = next(iter(template.find_resources("AWS::StepFunctions::StateMachine").values()))
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else json.dumps(p) for p in parts)
    return text


class TestHandOff:
    def test_without_a_serving_service_the_workflow_ends_at_publish(self) -> None:
        stack = new_stack()
        built = pipeline(stack, vpc_of(stack))
        text = definition_of(template_of(stack))
        assert built.update_serving is None
        assert "UpdateServing" not in text and "aws-sdk:ecs" not in text
        assert '"PublishModel":' in text

    def test_update_service_after_publish_with_least_privilege(self) -> None:
        stack = new_stack()
        vpc = vpc_of(stack)
        service = serving_service(stack, vpc)
        built = pipeline(stack, vpc, serving_service=service)
        template = template_of(stack)
        text = definition_of(template)
        assert built.update_serving is not None
        assert '"Next":"UpdateServing"' in text
        assert ":states:::aws-sdk:ecs:updateService" in text
        assert '"ForceNewDeployment":true' in text
        service_arn = stack.resolve(service.service_arn)
        statements = [
            s
            for policy in template.find_resources("AWS::IAM::Policy").values()
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
            if "ecs:UpdateService" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        ]
        assert statements == [{"Action": "ecs:UpdateService", "Effect": "Allow", "Resource": service_arn}]
        task_role = stack.resolve(service.task_definition.task_role.role_name)
        parameter_arn_reads = template.find_resources(
            "AWS::IAM::Policy",
            {
                "Properties": {
                    "Roles": [task_role],
                    "PolicyDocument": {
                        "Statement": Match.array_with(
                            [Match.object_like({"Action": Match.array_with(["ssm:GetParameter"])})]
                        )
                    },
                }
            },
        )
        assert len(parameter_arn_reads) == 1


def test_example_stack_with_slurm_passes_nag_and_cfn_lint() -> None:
    """The example stack behind ``-c hpc_slurm=true`` (the default composition is checked in tests/stacks)."""

    def build(app):
        app.node.set_context("hpc_slurm", "true")
        network = NetworkStack(app, "CdpNetwork", env=env())
        return HpcTrainingStack(app, "CdpHpcTraining", env=env(), network=network.network)

    template = synth_checked(build)
    assert cfn_lint(template) == []
    assert sum(r["Type"] == "Custom::PclusterCluster" for r in template["Resources"].values()) == 1
