"""HPC training pattern: storage, GPU cluster, pipeline - defaults, options, bad input, example stack."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from patterns.hpc import GPU_INSTANCES, TrainingCluster, TrainingPipeline, TrainingStorage, gpu_family_problem
from tests.conftest import new_stack, template_of

GPU_IMAGE = ecs.ContainerImage.from_registry("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
CPU_IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.12-slim")


def vpc_of(stack: Stack) -> ec2.Vpc:
    return ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)


def cluster(stack: Stack, vpc: ec2.IVpc, **kwargs) -> TrainingCluster:
    return TrainingCluster(
        stack, "Cluster", vpc=vpc, training_image=GPU_IMAGE, preprocess_image=CPU_IMAGE, **kwargs
    )


@pytest.fixture(scope="module")
def default() -> tuple[Stack, Template, TrainingStorage, TrainingCluster, TrainingPipeline]:
    stack = new_stack()
    vpc = vpc_of(stack)
    storage = TrainingStorage(stack, "Storage", vpc=vpc)
    training = cluster(stack, vpc, storage=storage)
    pipeline = TrainingPipeline(stack, "Pipeline", cluster=training)
    return stack, template_of(stack), storage, training, pipeline


def one(template: Template, type_: str, props: dict | None = None) -> dict:
    found = template.find_resources(type_, {"Properties": props} if props else {})
    assert len(found) == 1, f"{len(found)} {type_} match"
    return next(iter(found.values()))


def user_data_text(template: Template) -> str:
    return json.dumps(
        one(template, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"].get("UserData")
    )


class TestStorageDefaults:
    def test_scratch_file_system_linked_through_import_and_export_paths(self, default) -> None:
        _, template, storage, _, _ = default
        fs = one(template, "AWS::FSx::FileSystem")
        assert fs["DeletionPolicy"] == "Retain"
        config = fs["Properties"]["LustreConfiguration"]
        assert config["DeploymentType"] == "SCRATCH_2" and fs["Properties"]["StorageCapacity"] == 1200
        assert config["AutoImportPolicy"] == "NEW_CHANGED_DELETED"
        assert config["ImportPath"] == config["ExportPath"]
        assert "PerUnitStorageThroughput" not in config
        template.resource_count_is("AWS::FSx::DataRepositoryAssociation", 0)
        assert storage.data_repository_association is None and storage.mount_path_of_data == "/"

    def test_data_set_and_model_buckets_are_versioned_encrypted_and_retained(self, default) -> None:
        _, template, storage, _, _ = default
        buckets = template.find_resources(
            "AWS::S3::Bucket",
            {
                "DeletionPolicy": "Retain",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "LoggingConfiguration": Match.object_like({}),
                    "BucketEncryption": Match.any_value(),
                },
            },
        )
        assert len(buckets) == 2  # data sets + models (the access-log bucket does not log to itself)
        assert storage.data_set_bucket is not storage.model_bucket

    def test_free_capacity_alarm_at_ten_percent(self, default) -> None:
        _, template, _, _, _ = default
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/FSx",
                "MetricName": "FreeDataStorageCapacity",
                "Statistic": "Minimum",
                "ComparisonOperator": "LessThanThreshold",
                "Threshold": 1200 * 2**30 * 0.1,
            },
        )

    def test_lustre_ports_open_to_the_nodes_only(self, default) -> None:
        _, template, _, _, _ = default
        rules = template.find_resources("AWS::EC2::SecurityGroupIngress", {"Properties": {"FromPort": 988}})
        sources = {json.dumps(r["Properties"]["SourceSecurityGroupId"]) for r in rules.values()}
        assert any("ClusterNodeSecurityGroup" in s for s in sources)
        assert any("StorageSecurityGroup" in s for s in sources)
        assert not template.find_resources(
            "AWS::EC2::SecurityGroupIngress", {"Properties": {"CidrIp": "0.0.0.0/0"}}
        )


class TestClusterDefaults:
    def test_gpu_compute_environment_scales_from_zero_to_the_cap(self, default) -> None:
        _, template, _, _, _ = default
        ce = one(template, "AWS::Batch::ComputeEnvironment", {"ComputeResources": {"Type": "EC2"}})
        resources = ce["Properties"]["ComputeResources"]
        assert resources["MinvCpus"] == 0 and resources["MaxvCpus"] == 192
        assert resources["AllocationStrategy"] == "BEST_FIT_PROGRESSIVE"
        assert resources["InstanceTypes"] == ["g5.12xlarge", "g5.48xlarge", "p4d.24xlarge"]
        assert len(resources["Subnets"]) == 1
        assert "PlacementGroup" in resources
        # security groups live on the EFA interface of the launch template
        assert "SecurityGroupIds" not in resources

    def test_gpu_ami_resolved_from_ssm_at_deploy_time(self, default) -> None:
        _, template, _, _, _ = default
        ce = one(template, "AWS::Batch::ComputeEnvironment", {"ComputeResources": {"Type": "EC2"}})
        [ec2_config] = ce["Properties"]["ComputeResources"]["Ec2Configuration"]
        assert ec2_config["ImageType"] == "ECS_AL2023_NVIDIA"
        parameter = template.to_json()["Parameters"][ec2_config["ImageIdOverride"]["Ref"]]
        assert (
            parameter["Default"]
            == "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"
        )

    def test_cluster_placement_group(self, default) -> None:
        _, template, _, _, _ = default
        template.has_resource_properties("AWS::EC2::PlacementGroup", {"Strategy": "cluster"})

    def test_launch_template_imdsv2_encrypted_root_and_efa(self, default) -> None:
        _, template, _, _, _ = default
        data = one(template, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        assert data["BlockDeviceMappings"][0]["Ebs"] == {
            "Encrypted": True,
            "VolumeSize": 200,
            "VolumeType": "gp3",
        }
        [interface] = data["NetworkInterfaces"]
        assert interface["InterfaceType"] == "efa" and interface["DeviceIndex"] == 0
        assert "ClusterNodeSecurityGroup" in json.dumps(interface["Groups"])

    def test_user_data_installs_efa_and_mounts_lustre(self, default) -> None:
        _, template, _, _, _ = default
        text = user_data_text(template)
        assert "multipart/mixed" in text
        assert "efa_installer.sh -y --minimal" in text
        assert "dnf install -y lustre-client" in text and "mount /fsx" in text
        assert "LustreMountName" in text

    def test_nodes_talk_to_each_other_on_all_ports(self, default) -> None:
        _, template, _, _, _ = default
        template.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress",
            {
                "IpProtocol": "-1",
                "Description": "EFA/MPI/NCCL between nodes",
            },
        )

    def test_queue_cancels_jobs_stuck_runnable(self, default) -> None:
        _, template, _, _, _ = default
        queue = one(template, "AWS::Batch::JobQueue", {"JobStateTimeLimitActions": Match.any_value()})
        actions = queue["Properties"]["JobStateTimeLimitActions"]
        assert {a["Reason"] for a in actions} == {
            "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
            "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
            "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
        }
        assert {(a["Action"], a["State"], a["MaxTimeSeconds"]) for a in actions} == {
            ("CANCEL", "RUNNABLE", 14400)
        }

    def test_multi_node_job_definition(self, default) -> None:
        _, template, _, training, _ = default
        job = one(template, "AWS::Batch::JobDefinition", {"Type": "multinode"})["Properties"]
        nodes = job["NodeProperties"]
        assert nodes["NumNodes"] == 2 and nodes["MainNode"] == 0
        [node_range] = nodes["NodeRangeProperties"]
        container = node_range["Container"]
        assert node_range["TargetNodes"] == "0:1" and container["InstanceType"] == "g5.12xlarge"
        requirements = {r["Type"]: r["Value"] for r in container["ResourceRequirements"]}
        assert requirements == {"GPU": "4", "VCPU": "48", "MEMORY": str(48 * 3584)}
        assert container["LinuxParameters"]["Devices"][0]["HostPath"] == "/dev/infiniband/uverbs0"
        assert container["Ulimits"] == [{"HardLimit": -1, "Name": "memlock", "SoftLimit": -1}]
        assert container["Volumes"] == [{"Host": {"SourcePath": "/fsx"}, "Name": "fsx"}]
        assert container["MountPoints"] == [{"ContainerPath": "/fsx", "SourceVolume": "fsx"}]
        assert {"Name": "FI_PROVIDER", "Value": "efa"} in container["Environment"]
        assert job["Timeout"] == {"AttemptDurationSeconds": 3 * 86400}
        assert training.multi_node_job_definition is not None

    def test_single_node_gpu_and_fargate_preprocess_job_definitions(self, default) -> None:
        _, template, _, _, _ = default
        gpu = one(
            template, "AWS::Batch::JobDefinition", {"Type": "container", "PlatformCapabilities": ["EC2"]}
        )
        requirements = {
            r["Type"]: r["Value"] for r in gpu["Properties"]["ContainerProperties"]["ResourceRequirements"]
        }
        assert requirements == {"GPU": "1", "VCPU": "4", "MEMORY": "14336"}
        fargate = one(template, "AWS::Batch::JobDefinition", {"PlatformCapabilities": ["FARGATE"]})
        props = fargate["Properties"]["ContainerProperties"]
        assert props["NetworkConfiguration"] == {"AssignPublicIp": "DISABLED"}
        assert "DATA_SET_BUCKET" in json.dumps(props["Environment"])
        one(
            template,
            "AWS::Batch::ComputeEnvironment",
            {"ComputeResources": {"Type": "FARGATE", "MaxvCpus": 32}},
        )
        template.resource_count_is("AWS::Batch::JobQueue", 2)

    def test_job_logs_have_a_retention(self, default) -> None:
        _, template, _, training, _ = default
        logs = template.to_json()["Resources"][template_logical_id(training.log_group)]
        assert logs["Properties"]["RetentionInDays"] == 365 and logs["DeletionPolicy"] == "Retain"

    def test_failed_jobs_rule_without_a_topic_has_no_target(self, default) -> None:
        _, template, _, _, _ = default
        rule = one(template, "AWS::Events::Rule", {"EventPattern": {"source": ["aws.batch"]}})["Properties"]
        assert rule["EventPattern"]["detail-type"] == ["Batch Job State Change"]
        assert rule["EventPattern"]["detail"]["status"] == ["FAILED"]
        assert len(rule["EventPattern"]["detail"]["jobQueue"]) == 2
        assert "Targets" not in rule


def template_logical_id(construct) -> str:
    return Stack.of(construct).get_logical_id(construct.node.default_child)


class TestPipelineDefaults:
    def test_workflow_preprocess_train_publish(self, default) -> None:
        _, template, _, _, _ = default
        machine = one(template, "AWS::StepFunctions::StateMachine")["Properties"]
        definition = json.dumps(machine["DefinitionString"])
        assert definition.count("batch:submitJob.sync") == 2
        assert "ClusterTraining" in definition and "ClusterPreprocess" in definition
        assert "modelOutputUri.$" in definition and "PipelinePublish" in definition
        assert machine["TracingConfiguration"] == {"Enabled": True}
        assert machine["LoggingConfiguration"]["Level"] == "ALL"

    def test_publish_function_environment_and_parameter(self, default) -> None:
        _, template, _, _, pipeline = default
        function = one(template, "AWS::Lambda::Function", {"Handler": "publish.handler"})["Properties"]
        env = function["Environment"]["Variables"]
        assert "event-bus/default" in json.dumps(env["EVENT_BUS"]) and env["MODELS_PREFIX"] == "models/"
        assert env["STAGING_PREFIX"] == "staging/" and env["ARTIFACT_NAME"] == "model.tar.gz"
        assert "StorageDataSets" in json.dumps(env["SOURCE_BUCKETS"])
        template.has_resource_properties("AWS::SSM::Parameter", {"Type": "String", "Value": "none"})
        template.has_resource_properties(
            "AWS::IAM::Policy",
            {
                "PolicyDocument": {
                    "Statement": Match.array_with([Match.object_like({"Action": "events:PutEvents"})])
                }
            },
        )
        assert pipeline.model_bucket is not None

    def test_api_starts_runs_with_iam_auth_and_validation(self, default) -> None:
        _, template, _, _, _ = default
        method = one(template, "AWS::ApiGateway::Method", {"HttpMethod": "POST"})["Properties"]
        assert method["AuthorizationType"] == "AWS_IAM"
        assert "RequestValidatorId" in method and "application/json" in method["RequestModels"]
        integration = method["Integration"]
        assert ":states:action/StartExecution" in json.dumps(integration["Uri"])
        assert integration["PassthroughBehavior"] == "NEVER"
        template.has_resource_properties("AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True})
        model = one(template, "AWS::ApiGateway::Model")["Properties"]["Schema"]
        assert model["additionalProperties"] is False and set(model["properties"]) == {
            "artifactUri",
            "dataSet",
            "comment",
        }
        template.has_resource_properties(
            "AWS::ApiGateway::Stage", {"TracingEnabled": True, "AccessLogSetting": Match.any_value()}
        )

    def test_workflow_failures_rule_and_alarm(self, default) -> None:
        _, template, _, _, pipeline = default
        rule = one(template, "AWS::Events::Rule", {"EventPattern": {"source": ["aws.states"]}})["Properties"]
        assert rule["EventPattern"]["detail"]["status"] == ["FAILED", "TIMED_OUT", "ABORTED"]
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"MetricName": "ExecutionsFailed", "Namespace": "AWS/States", "Threshold": 1},
        )
        assert len(pipeline.alarms) == 1


class TestOptions:
    def test_persistent_file_system_with_data_repository_association(self) -> None:
        stack = new_stack()
        storage = TrainingStorage(
            stack,
            "Storage",
            vpc=vpc_of(stack),
            deployment_type="PERSISTENT_2",
            storage_capacity_gib=4800,
            per_unit_storage_throughput=250,
            data_set_prefix="datasets/",
            file_system_path="/datasets",
            free_capacity_alarm_percent=20,
            file_system_removal_policy=RemovalPolicy.DESTROY,
        )
        template = template_of(stack)
        fs = one(template, "AWS::FSx::FileSystem")
        assert fs["DeletionPolicy"] == "Delete"
        assert len(template.find_resources("AWS::S3::Bucket", {"DeletionPolicy": "Retain"})) == 3
        config = fs["Properties"]["LustreConfiguration"]
        assert config["DeploymentType"] == "PERSISTENT_2" and config["PerUnitStorageThroughput"] == 250
        assert "ImportPath" not in config and "AutoImportPolicy" not in config
        dra = one(template, "AWS::FSx::DataRepositoryAssociation")["Properties"]
        assert dra["FileSystemPath"] == "/datasets" and dra["BatchImportMetaDataOnCreate"] is True
        assert dra["S3"]["AutoImportPolicy"]["Events"] == ["NEW", "CHANGED", "DELETED"]
        assert dra["S3"]["AutoExportPolicy"]["Events"] == ["NEW", "CHANGED", "DELETED"]
        assert "datasets/" in json.dumps(dra["DataRepositoryPath"])
        template.has_resource_properties("AWS::CloudWatch::Alarm", {"Threshold": 4800 * 2**30 * 0.2})
        assert storage.mount_path_of_data == "/datasets"

    def test_spot_without_efa_or_storage_trains_on_the_single_node_job(self) -> None:
        stack = new_stack()
        topic = sns.Topic(stack, "Topic")
        models = s3.Bucket(stack, "Models")
        training = cluster(
            stack,
            vpc_of(stack),
            spot=True,
            efa=False,
            instance_types=["g5.xlarge", "g6.2xlarge"],
            max_vcpus=16,
            runnable_timeout=Duration.minutes(30),
            alarm_topic=topic,
        )
        pipeline = TrainingPipeline(
            stack,
            "Pipeline",
            cluster=training,
            model_bucket=models,
            api=False,
            model_parameter_name="/ml/current-model",
            alarm_topic=topic,
        )
        template = template_of(stack)
        resources = one(template, "AWS::Batch::ComputeEnvironment", {"ComputeResources": {"Type": "SPOT"}})[
            "Properties"
        ]["ComputeResources"]
        assert resources["AllocationStrategy"] == "SPOT_PRICE_CAPACITY_OPTIMIZED"
        assert "SecurityGroupIds" in resources
        assert training.multi_node_job_definition is None
        template.resource_count_is("AWS::FSx::FileSystem", 0)
        assert not template.find_resources("AWS::Batch::JobDefinition", {"Properties": {"Type": "multinode"}})
        data = one(template, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
        assert "NetworkInterfaces" not in data
        text = user_data_text(template)
        assert "efa_installer" not in text and "lustre" not in text
        definition = json.dumps(
            one(template, "AWS::StepFunctions::StateMachine")["Properties"]["DefinitionString"]
        )
        assert "ClusterGpuJob" in definition
        template.resource_count_is("AWS::ApiGateway::RestApi", 0)
        template.has_resource_properties("AWS::SSM::Parameter", {"Name": "/ml/current-model"})
        queue = one(template, "AWS::Batch::JobQueue", {"JobStateTimeLimitActions": Match.any_value()})
        assert {a["MaxTimeSeconds"] for a in queue["Properties"]["JobStateTimeLimitActions"]} == {1800}
        for source in ("aws.batch", "aws.states"):
            rule = one(template, "AWS::Events::Rule", {"EventPattern": {"source": [source]}})["Properties"]
            assert "Topic" in json.dumps(rule["Targets"])
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"MetricName": "ExecutionsFailed", "AlarmActions": [{"Ref": Match.string_like_regexp("Topic")}]},
        )
        assert pipeline.api is None

    def test_explicit_training_shape(self) -> None:
        stack = new_stack()
        cluster(
            stack,
            vpc_of(stack),
            instance_types=["p4d.24xlarge", "p5.48xlarge"],
            max_vcpus=400,
            training_instance_type="p5.48xlarge",
            node_count=2,
            main_node=1,
            gpus_per_node=8,
            node_vcpus=180,
            node_memory_mib=1_800_000,
            training_command=["torchrun", "train.py"],
            training_environment={"NCCL_DEBUG": "INFO"},
        )
        template = template_of(stack)
        job = one(template, "AWS::Batch::JobDefinition", {"Type": "multinode"})["Properties"]
        container = job["NodeProperties"]["NodeRangeProperties"][0]["Container"]
        assert job["NodeProperties"]["MainNode"] == 1 and container["InstanceType"] == "p5.48xlarge"
        assert container["Command"] == ["torchrun", "train.py"]
        assert {"Name": "NCCL_DEBUG", "Value": "INFO"} in container["Environment"]
        requirements = {r["Type"]: r["Value"] for r in container["ResourceRequirements"]}
        assert requirements == {"GPU": "8", "VCPU": "180", "MEMORY": "1800000"}
        assert "Volumes" not in container or container["Volumes"] == []


class TestInstanceTypeRule:
    @pytest.mark.parametrize(
        "name",
        [
            "g5.12xlarge",
            "p4d.24xlarge",
            "p5en.48xlarge",
            "g6e.xlarge",
            "gr6.4xlarge",
            "g4dn.metal",
            "p3dn.24xlarge",
        ],
    )
    def test_nvidia_x86_types_are_gpu_types(self, name: str) -> None:
        assert gpu_family_problem(name) is None

    @pytest.mark.parametrize(
        ("name", "reason"),
        [
            ("m5.large", "not an NVIDIA GPU family"),
            ("trn1.32xlarge", "not an NVIDIA GPU family"),
            ("inf2.xlarge", "not an NVIDIA GPU family"),
            ("g5g.xlarge", "Graviton"),
            ("g4ad.xlarge", "AMD"),
            ("g5", "not an EC2 instance type name"),
        ],
    )
    def test_other_types_are_rejected_with_a_reason(self, name: str, reason: str) -> None:
        assert reason in (gpu_family_problem(name) or "")

    def test_table_is_consistent(self) -> None:
        for name, node in GPU_INSTANCES.items():
            assert gpu_family_problem(name) is None and node.vcpus >= 4 and node.gpus >= 1
        # published figures (EC2 accelerated computing instance pages), written out
        assert (GPU_INSTANCES["g5.xlarge"].vcpus, GPU_INSTANCES["g5.xlarge"].gpus) == (4, 1)
        assert GPU_INSTANCES["g5.xlarge"].efa is False
        assert (GPU_INSTANCES["p4d.24xlarge"].vcpus, GPU_INSTANCES["p4d.24xlarge"].gpus) == (96, 8)
        assert GPU_INSTANCES["p4d.24xlarge"].efa is True
        assert (GPU_INSTANCES["g5.48xlarge"].vcpus, GPU_INSTANCES["g5.48xlarge"].gpus) == (192, 8)
        assert (GPU_INSTANCES["p3.8xlarge"].gpus, GPU_INSTANCES["p3.8xlarge"].efa) == (4, False)


class TestBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"instance_types": ["m5.24xlarge"]},
                r"instance_types='m5.24xlarge': 'm5' is not an NVIDIA GPU family",
            ),
            ({"instance_types": ["trn1.32xlarge"]}, r"Trainium/Inferentia"),
            ({"instance_types": []}, r"at least one GPU instance type"),
            ({"max_vcpus": 96}, r"max_vcpus=96: below one node of the largest instance type \(192 vCPUs\)"),
            ({"node_count": 1}, r"node_count=1: must be at least 2"),
            ({"node_count": 5}, r"node_count=5: 5 x g5.12xlarge \(48 vCPUs each\) exceeds max_vcpus=192"),
            ({"main_node": 2}, r"main_node=2: must be between 0 and 1"),
            ({"gpus_per_node": 8}, r"gpus_per_node=8: must be between 1 and 4"),
            ({"instance_types": ["g5.xlarge", "g5.12xlarge"]}, r"'g5.xlarge': does not support EFA"),
            (
                {"training_instance_type": "p5.48xlarge"},
                r"training_instance_type='p5.48xlarge': must be one of",
            ),
            (
                {"instance_types": ["g7.12xlarge"]},
                r"is not in the GPU table: pass node_vcpus and gpus_per_node",
            ),
            (
                {"runnable_timeout": Duration.minutes(5)},
                r"runnable_timeout \(seconds\)=300: must be between 600 and 86400",
            ),
            ({"preprocess_vcpus": 3}, r"preprocess_vcpus=3: must be one of 0.25, 0.5, 1, 2, 4, 8, 16, 32"),
        ],
    )
    def test_cluster(self, kwargs: dict, message: str) -> None:
        stack = new_stack()
        with pytest.raises(ValueError, match=message):
            cluster(stack, vpc_of(stack), **kwargs)

    def test_cluster_reports_every_problem_at_once(self) -> None:
        stack = new_stack()
        with pytest.raises(ValueError, match=r"(?s)m5.large.*max_vcpus=1.*node_count=1"):
            cluster(
                stack, vpc_of(stack), instance_types=["g5.48xlarge", "m5.large"], max_vcpus=1, node_count=1
            )

    def test_unknown_type_with_explicit_shape_is_accepted(self) -> None:
        stack = new_stack()
        built = cluster(stack, vpc_of(stack), instance_types=["g7.12xlarge"], node_vcpus=48, gpus_per_node=4)
        assert built.multi_node_job_definition is not None

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"storage_capacity_gib": 1000},
                r"storage_capacity_gib=1000: Lustre .* takes 1200 GiB or a multiple of 2400",
            ),
            ({"storage_capacity_gib": 3600}, r"storage_capacity_gib=3600"),
            (
                {"deployment_type": "SCRATCH_1"},
                r"deployment_type='SCRATCH_1': must be one of 'SCRATCH_2', 'PERSISTENT_2'",
            ),
            (
                {"deployment_type": "PERSISTENT_2", "per_unit_storage_throughput": 200},
                r"per_unit_storage_throughput=200: must be one of 125, 250, 500, 1000",
            ),
            ({"data_set_prefix": "/datasets"}, r"data_set_prefix='/datasets': is an S3 key prefix"),
            ({"file_system_path": "/"}, r"file_system_path='/': must be an absolute path below the root"),
            ({"free_capacity_alarm_percent": 0}, r"free_capacity_alarm_percent=0: must be between 1 and 99"),
        ],
    )
    def test_storage(self, kwargs: dict, message: str) -> None:
        stack = new_stack()
        with pytest.raises(ValueError, match=message):
            TrainingStorage(stack, "Storage", vpc=vpc_of(stack), **kwargs)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({}, r"model_bucket=None: required when the cluster has no storage"),
            ({"staging_prefix": "/staging/"}, r"staging_prefix='/staging/': must be a key prefix"),
            ({"models_prefix": "models"}, r"models_prefix='models': must be a key prefix"),
            ({"models_prefix": "staging/"}, r"models_prefix='staging/': must differ from staging_prefix"),
            ({"artifact_name": "a/b.tar"}, r"artifact_name='a/b.tar': must be a file name"),
            (
                {"artifact_name": "manifest.json"},
                r"artifact_name='manifest.json': is the name of the manifest",
            ),
            (
                {"model_parameter_name": "ml/model"},
                r"model_parameter_name='ml/model': a hierarchical parameter name",
            ),
        ],
    )
    def test_pipeline(self, kwargs: dict, message: str) -> None:
        stack = new_stack()
        training = cluster(stack, vpc_of(stack), spot=True)
        with pytest.raises(ValueError, match=message):
            TrainingPipeline(stack, "Pipeline", cluster=training, **kwargs)


def test_example_stack_composition(example_templates) -> None:
    """The example stack (synthesized once per session, nag and cfn-lint checked in tests/stacks)."""

    template = example_templates["CdpHpcTraining"]
    assert any(r["Type"] == "AWS::Batch::JobDefinition" for r in template["Resources"].values())
