"""Container cluster pattern: cluster, registry, service, migration task, alarms and bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_efs as efs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Match, Template

from patterns._core import acknowledge
from patterns.containers import (
    ContainerCluster,
    ContainerRegistry,
    ContainerService,
    EfsVolume,
    MigrationTask,
)
from patterns.network import SecureNetwork
from tests.conftest import new_stack, template_of
from tests.support import cfn_lint, env, synth_checked

NGINX = "public.ecr.aws/nginx/nginx:stable"
OIDC = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def vpc_of(stack: Stack) -> ec2.Vpc:
    return ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)


def nginx() -> ecs.ContainerImage:
    return ecs.ContainerImage.from_registry(NGINX)


def props(template: Template, type_: str, properties: dict | None = None) -> list[dict[str, Any]]:
    found = template.find_resources(type_, {"Properties": properties} if properties else None)
    return [r["Properties"] for r in found.values()]


def only(template: Template, type_: str, properties: dict | None = None) -> dict[str, Any]:
    found = props(template, type_, properties)
    assert len(found) == 1, found
    return found[0]


def app_container(template: Template, command: list[str] | None = None) -> dict[str, Any]:
    definitions = [
        c for td in props(template, "AWS::ECS::TaskDefinition") for c in td["ContainerDefinitions"]
    ]
    if command is not None:
        definitions = [c for c in definitions if c.get("Command") == command]
    else:
        definitions = [c for c in definitions if c.get("PortMappings")]
    assert len(definitions) == 1, definitions
    return definitions[0]


# ---------------------------------------------------------------------------------------------
# Fixtures: each synthesized once per module.


@pytest.fixture(scope="module")
def defaults() -> tuple[dict[str, Any], Template]:
    stack = new_stack()
    cluster = ContainerCluster(stack, "Cluster", vpc=vpc_of(stack))
    registry = ContainerRegistry(stack, "Registry")
    migration = MigrationTask(
        stack, "Migration", cluster=cluster.cluster, image=nginx(), command=["sh", "-c", "echo migrate"]
    )
    service = ContainerService(stack, "Web", cluster=cluster.cluster, image=nginx())
    built = {"cluster": cluster, "registry": registry, "migration": migration, "service": service}
    return built, template_of(stack)


def build_options(stack: Stack) -> dict[str, Any]:
    """Every option of every construct (EC2 Spot capacity, KMS, OIDC push role, HTTPS, secrets, EFS)."""
    topic = sns.Topic(stack, "Topic", enforce_ssl=True)
    network = SecureNetwork(stack, "Net")
    cluster = ContainerCluster(
        stack,
        "Cluster",
        vpc=network.vpc,
        cluster_name="apps",
        instance_type=ec2.InstanceType("t3.medium"),
        min_capacity=1,
        max_capacity=3,
        target_capacity_percent=80,
        spot_instances=True,
        alarm_topic=topic,
    )
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    registry = ContainerRegistry(
        stack,
        "Registry",
        repository_name="team/app",
        keep_tagged_images=10,
        untagged_expiry_days=3,
        encryption_key=key,
        push_principal=iam.WebIdentityPrincipal(
            OIDC, {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}}
        ),
    )
    file_system = efs.FileSystem(stack, "Fs", vpc=network.vpc, encrypted=True, enable_automatic_backups=True)
    access_point = file_system.add_access_point(
        "Ap",
        path="/data",
        posix_user=efs.PosixUser(uid="1000", gid="1000"),
        create_acl=efs.Acl(owner_uid="1000", owner_gid="1000", permissions="750"),
    )
    secret = secretsmanager.Secret(stack, "DbSecret")
    acknowledge(
        secret, {"AwsSolutions-SMG4": "A test fixture's secret; rotation is the database pattern's job."}
    )
    token = ssm.StringParameter.from_secure_string_parameter_attributes(
        stack, "Token", parameter_name="/app/token"
    )
    certificate = acm.Certificate.from_certificate_arn(
        stack, "Cert", "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    )
    image = registry.image("v1.2.3")
    db_password = ecs.Secret.from_secrets_manager(secret, "password")
    migration = MigrationTask(
        stack,
        "Migration",
        cluster=cluster.cluster,
        image=image,
        command=["python", "manage.py", "migrate"],
        environment={"DB_HOST": "db.internal"},
        secrets={"DB_PASSWORD": db_password},
        cpu=512,
        memory_mib=1024,
        timeout=Duration.minutes(10),
    )
    service = ContainerService(
        stack,
        "Web",
        cluster=cluster.cluster,
        image=image,
        port=8080,
        additional_ports=[9090],
        environment={"LOG_LEVEL": "info"},
        secrets={"API_TOKEN": ecs.Secret.from_ssm_parameter(token), "DB_PASSWORD": db_password},
        command=["gunicorn", "app:app"],
        health_check=ecs.HealthCheck(command=["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]),
        volumes=[
            EfsVolume(name="data", file_system=file_system, access_point=access_point, container_path="/data")
        ],
        cpu=1024,
        memory_mib=4096,
        readonly_root_filesystem=True,
        certificate=certificate,
        health_check_path="/health",
        min_capacity=3,
        max_capacity=10,
        cpu_target_percent=60,
        requests_per_target=None,
        capacity_provider_strategies=[
            ecs.CapacityProviderStrategy(capacity_provider="FARGATE_SPOT", weight=1)
        ],
        migration=migration,
        error_rate_percent=2,
        alarm_topic=topic,
    )
    return {"cluster": cluster, "registry": registry, "service": service, "migration": migration}


@pytest.fixture(scope="module")
def options() -> tuple[dict[str, Any], Template]:
    stack = new_stack()
    built = build_options(stack)
    return built, template_of(stack)


@pytest.fixture(scope="module")
def variants() -> tuple[dict[str, Any], Template]:
    """On-Demand EC2 capacity; an internal load balancer with the caller's log group and log bucket."""
    stack = new_stack()
    vpc = vpc_of(stack)
    cluster = ContainerCluster(stack, "Cluster", vpc=vpc, instance_type=ec2.InstanceType("t3.small"))
    logs_group = logs.LogGroup(stack, "Given", retention=logs.RetentionDays.ONE_MONTH)
    bucket = s3.Bucket(stack, "GivenBucket", encryption=s3.BucketEncryption.S3_MANAGED)
    service = ContainerService(
        stack,
        "Api",
        cluster=cluster.cluster,
        image=nginx(),
        internet_facing=False,
        log_group=logs_group,
        access_logs_bucket=bucket,
        capacity_provider_strategies=[
            ecs.CapacityProviderStrategy(capacity_provider=cluster.capacity_provider_name, weight=1)
        ],
    )
    return {"cluster": cluster, "service": service, "log_group": logs_group, "bucket": bucket}, template_of(
        stack
    )


# ---------------------------------------------------------------------------------------------
# ContainerCluster


class TestClusterDefaults:
    def test_enhanced_container_insights(self, defaults) -> None:
        _, template = defaults
        template.has_resource_properties(
            "AWS::ECS::Cluster",
            {
                "ClusterSettings": [{"Name": "containerInsights", "Value": "enhanced"}],
            },
        )

    def test_fargate_and_fargate_spot_capacity_providers(self, defaults) -> None:
        _, template = defaults
        association = only(template, "AWS::ECS::ClusterCapacityProviderAssociations")
        assert sorted(association["CapacityProviders"]) == ["FARGATE", "FARGATE_SPOT"]

    def test_no_ec2_capacity_by_default(self, defaults) -> None:
        built, template = defaults
        template.resource_count_is("AWS::AutoScaling::AutoScalingGroup", 0)
        template.resource_count_is("AWS::ECS::CapacityProvider", 0)
        assert built["cluster"].auto_scaling_group is None
        assert built["cluster"].capacity_provider_name is None


class TestClusterEc2Capacity:
    def test_launch_template_ecs_ami_from_ssm_imdsv2_no_key_pair(self, options) -> None:
        _, template = options
        data = only(template, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        assert "KeyName" not in data
        assert data["InstanceType"] == "t3.medium"
        assert data["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
        parameter = template.to_json()["Parameters"][data["ImageId"]["Ref"]]
        assert parameter["Default"] == "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
        assert "ECS_CLUSTER=" in json.dumps(data["UserData"])

    def test_instances_have_no_inbound_rule(self, options) -> None:
        _, template = options
        group = only(
            template,
            "AWS::EC2::SecurityGroup",
            {"GroupDescription": Match.string_like_regexp("ECS container")},
        )
        assert "SecurityGroupIngress" not in group
        template.resource_properties_count_is("AWS::EC2::SecurityGroupIngress", {"FromPort": 22}, 0)

    def test_session_manager_instead_of_ssh(self, options) -> None:
        _, template = options
        role = only(
            template,
            "AWS::IAM::Role",
            {
                "AssumeRolePolicyDocument": {
                    "Statement": [Match.object_like({"Principal": {"Service": "ec2.amazonaws.com"}})]
                }
            },
        )
        assert "AmazonSSMManagedInstanceCore" in json.dumps(role["ManagedPolicyArns"])

    def test_managed_scaling_on_reservation_and_termination_protection(self, options) -> None:
        _, template = options
        template.has_resource_properties(
            "AWS::ECS::CapacityProvider",
            {
                "AutoScalingGroupProvider": {
                    "ManagedScaling": {"Status": "ENABLED", "TargetCapacity": 80},
                    "ManagedTerminationProtection": "ENABLED",
                }
            },
        )
        template.has_resource_properties(
            "AWS::AutoScaling::AutoScalingGroup",
            {
                "MinSize": "1",
                "MaxSize": "3",
                "NewInstancesProtectedFromScaleIn": True,
            },
        )

    def test_capacity_provider_joins_the_cluster(self, options) -> None:
        _, template = options
        association = only(template, "AWS::ECS::ClusterCapacityProviderAssociations")
        assert len(association["CapacityProviders"]) == 3

    def test_spot_through_a_mixed_instances_policy(self, options) -> None:
        _, template = options
        group = only(template, "AWS::AutoScaling::AutoScalingGroup")
        assert group["MixedInstancesPolicy"]["InstancesDistribution"] == {
            "OnDemandBaseCapacity": 0,
            "OnDemandPercentageAboveBaseCapacity": 0,
            "SpotAllocationStrategy": "price-capacity-optimized",
        }

    def test_scaling_notifications_to_the_topic(self, options) -> None:
        _, template = options
        group = only(template, "AWS::AutoScaling::AutoScalingGroup")
        assert group["NotificationConfigurations"][0]["TopicARN"]["Ref"].startswith("Topic")

    def test_on_demand_uses_the_launch_template_directly(self, variants) -> None:
        built, template = variants
        group = only(template, "AWS::AutoScaling::AutoScalingGroup")
        assert "MixedInstancesPolicy" not in group and "LaunchTemplate" in group
        assert (group["MinSize"], group["MaxSize"]) == ("0", "4")
        assert "NotificationConfigurations" not in group
        template.has_resource_properties(
            "AWS::ECS::CapacityProvider",
            {"AutoScalingGroupProvider": {"ManagedScaling": Match.object_like({"TargetCapacity": 100})}},
        )
        assert built["cluster"].auto_scaling_group is not None


# ---------------------------------------------------------------------------------------------
# ContainerRegistry


class TestRegistry:
    def test_scan_on_push_immutable_tags_kms_retained(self, defaults) -> None:
        _, template = defaults
        template.has_resource(
            "AWS::ECR::Repository",
            {
                "DeletionPolicy": "Retain",
                "Properties": Match.object_like(
                    {
                        "ImageScanningConfiguration": {"ScanOnPush": True},
                        "ImageTagMutability": "IMMUTABLE",
                        # SSE-KMS with the AWS managed key aws/ecr (no KmsKey: ECR picks its own).
                        "EncryptionConfiguration": {"EncryptionType": "KMS"},
                        "EmptyOnDelete": False,
                    }
                ),
            },
        )

    def test_lifecycle_expires_untagged_and_keeps_last_tagged(self, defaults) -> None:
        _, template = defaults
        policy = json.loads(only(template, "AWS::ECR::Repository")["LifecyclePolicy"]["LifecyclePolicyText"])
        selections = [rule["selection"] for rule in policy["rules"]]
        assert selections == [
            {"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 7, "countUnit": "days"},
            {
                "tagStatus": "tagged",
                "tagPatternList": ["*"],
                "countType": "imageCountMoreThan",
                "countNumber": 50,
            },
        ]

    def test_no_push_role_without_a_principal(self, defaults) -> None:
        built, template = defaults
        assert built["registry"].push_role is None
        assert "ecr:PutImage" not in json.dumps(template.find_resources("AWS::IAM::Policy"))

    def test_options_kms_name_and_lifecycle(self, options) -> None:
        _, template = options
        repository = only(template, "AWS::ECR::Repository")
        assert repository["RepositoryName"] == "team/app"
        assert repository["EncryptionConfiguration"]["EncryptionType"] == "KMS"
        policy = json.loads(repository["LifecyclePolicy"]["LifecyclePolicyText"])
        assert [rule["selection"]["countNumber"] for rule in policy["rules"]] == [3, 10]

    def test_push_role_assumed_by_the_given_principal(self, options) -> None:
        _, template = options
        template.has_resource_properties(
            "AWS::IAM::Role",
            {
                "MaxSessionDuration": 3600,
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        Match.object_like(
                            {
                                "Action": "sts:AssumeRoleWithWebIdentity",
                                "Principal": {"Federated": OIDC},
                            }
                        )
                    ]
                },
            },
        )

    def test_push_role_may_only_push_to_this_repository(self, options) -> None:
        built, template = options
        role_ref = Stack.of(built["registry"]).resolve(built["registry"].push_role.role_name)
        statements = only(template, "AWS::IAM::Policy", {"Roles": [role_ref]})["PolicyDocument"]["Statement"]
        assert len(statements) == 2
        push, token = statements
        assert sorted(push["Action"]) == [
            "ecr:BatchCheckLayerAvailability",
            "ecr:CompleteLayerUpload",
            "ecr:InitiateLayerUpload",
            "ecr:PutImage",
            "ecr:UploadLayerPart",
        ]
        assert push["Resource"]["Fn::GetAtt"][0].startswith("RegistryRepository")
        assert token == {"Action": "ecr:GetAuthorizationToken", "Effect": "Allow", "Resource": "*"}

    def test_image_names_one_immutable_tag(self, defaults) -> None:
        built, _ = defaults
        assert isinstance(built["registry"].image("v1.0.0"), ecs.EcrImage)
        with pytest.raises(ValueError, match=r"tag='latest': tags are immutable"):
            built["registry"].image("latest")
        with pytest.raises(ValueError, match=r"tag='-bad': 1-128 letters"):
            built["registry"].image("-bad")


# ---------------------------------------------------------------------------------------------
# ContainerService


class TestServiceDefaults:
    def test_task_definition_fits_fargate_and_ec2(self, defaults) -> None:
        _, template = defaults
        template.has_resource_properties(
            "AWS::ECS::TaskDefinition",
            {
                "Cpu": "256",
                "Memory": "512",
                "NetworkMode": "awsvpc",
                "RequiresCompatibilities": ["EC2", "FARGATE"],
                "ContainerDefinitions": [
                    Match.object_like({"PortMappings": [{"ContainerPort": 80, "Protocol": "tcp"}]})
                ],
            },
        )

    def test_container_runs_the_image_with_logs_and_nothing_else(self, defaults) -> None:
        _, template = defaults
        container = app_container(template)
        assert container["Image"] == NGINX
        assert container["Essential"] is True
        assert container["LogConfiguration"]["LogDriver"] == "awslogs"
        assert container["LogConfiguration"]["Options"]["awslogs-group"]["Ref"].startswith("WebLogs")
        for absent in ("Environment", "Secrets", "Command", "HealthCheck", "MountPoints"):
            assert absent not in container
        assert container["ReadonlyRootFilesystem"] is False

    def test_log_group_retained_with_one_year(self, defaults) -> None:
        built, template = defaults
        log_id = Stack.of(built["service"]).resolve(built["service"].log_group.log_group_name)["Ref"]
        resource = template.to_json()["Resources"][log_id]
        assert resource["DeletionPolicy"] == "Retain"
        assert resource["Properties"]["RetentionInDays"] == 365

    def test_circuit_breaker_and_alarm_rollback(self, defaults) -> None:
        _, template = defaults
        service = only(template, "AWS::ECS::Service")
        deployment = service["DeploymentConfiguration"]
        assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
        assert deployment["Alarms"]["Enable"] is True and deployment["Alarms"]["Rollback"] is True
        # literal names (no Ref): the service does not depend on the alarms, and the alarms carry them
        names = deployment["Alarms"]["AlarmNames"]
        assert len(names) == 2
        assert names[0].endswith("-UnhealthyTargets") and names[1].endswith("-ErrorRate")
        assert set(names) <= {alarm.get("AlarmName") for alarm in props(template, "AWS::CloudWatch::Alarm")}
        assert deployment["MinimumHealthyPercent"] == 100

    def test_fargate_in_private_subnets_without_public_ip(self, defaults) -> None:
        _, template = defaults
        service = only(template, "AWS::ECS::Service")
        assert service["LaunchType"] == "FARGATE"
        assert service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"
        assert all(
            "Private" in s["Ref"] for s in service["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"]
        )
        assert "DesiredCount" not in service

    def test_internet_facing_alb_drops_invalid_headers_and_logs(self, defaults) -> None:
        _, template = defaults
        balancer = only(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
        assert balancer["Scheme"] == "internet-facing"
        attributes = {a["Key"]: a["Value"] for a in balancer["LoadBalancerAttributes"]}
        assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
        assert attributes["access_logs.s3.enabled"] == "true"

    def test_access_log_bucket_is_sse_s3(self, defaults) -> None:
        built, template = defaults
        bucket_id = Stack.of(built["service"]).resolve(built["service"].access_logs_bucket.bucket_name)["Ref"]
        bucket = template.to_json()["Resources"][bucket_id]["Properties"]
        assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"
        ] == {"SSEAlgorithm": "AES256"}

    def test_http_only_listener_without_certificate(self, defaults) -> None:
        built, template = defaults
        listener = only(template, "AWS::ElasticLoadBalancingV2::Listener")
        assert (listener["Port"], listener["Protocol"]) == (80, "HTTP")
        assert listener["DefaultActions"][0]["Type"] == "forward"
        assert built["service"].url.startswith("http://")

    def test_target_group_health_check(self, defaults) -> None:
        _, template = defaults
        template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            {
                "Port": 80,
                "TargetType": "ip",
                "HealthCheckPath": "/",
                "Matcher": {"HttpCode": "200-399"},
            },
        )

    def test_scales_between_two_and_four_on_cpu_and_requests(self, defaults) -> None:
        _, template = defaults
        template.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 2, "MaxCapacity": 4}
        )
        policies = props(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
        metrics = {
            p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"][
                "PredefinedMetricType"
            ]: p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"]
            for p in policies
        }
        assert metrics == {"ECSServiceAverageCPUUtilization": 70, "ALBRequestCountPerTarget": 1000}

    def test_four_alarms_without_actions(self, defaults) -> None:
        _, template = defaults
        alarms = props(template, "AWS::CloudWatch::Alarm")
        assert len(alarms) == 4
        assert all("AlarmActions" not in a for a in alarms)
        names = sorted(a.get("MetricName", "math") for a in alarms)
        assert names == ["CPUUtilization", "MemoryUtilization", "UnHealthyHostCount", "math"]
        template.resource_count_is("AWS::Events::Rule", 0)

    def test_error_rate_alarm_is_a_5xx_percentage(self, defaults) -> None:
        _, template = defaults
        alarm = only(template, "AWS::CloudWatch::Alarm", {"Metrics": Match.any_value()})
        assert alarm["Threshold"] == 5
        expression = next(m for m in alarm["Metrics"] if "Expression" in m)["Expression"]
        assert expression == "100 * FILL(errors, 0) / requests"
        assert "HTTPCode_Target_5XX_Count" in json.dumps(alarm["Metrics"])

    def test_no_migration_dependency(self, defaults) -> None:
        _, template = defaults
        service = next(iter(template.find_resources("AWS::ECS::Service").values()))
        assert not any(d.startswith("MigrationRun") for d in service.get("DependsOn", []))


class TestServiceOptions:
    def test_https_with_certificate_and_redirect(self, options) -> None:
        built, template = options
        template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::Listener",
            {
                "Port": 443,
                "Protocol": "HTTPS",
                "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "Certificates": [{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}],
            },
        )
        template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::Listener",
            {
                "Port": 80,
                "DefaultActions": [
                    Match.object_like(
                        {
                            "Type": "redirect",
                            "RedirectConfig": Match.object_like({"Port": "443", "Protocol": "HTTPS"}),
                        }
                    )
                ],
            },
        )
        assert built["service"].url.startswith("https://")

    def test_run_definition(self, options) -> None:
        _, template = options
        container = app_container(template, ["gunicorn", "app:app"])
        assert container["Environment"] == [{"Name": "LOG_LEVEL", "Value": "info"}]
        assert sorted(s["Name"] for s in container["Secrets"]) == ["API_TOKEN", "DB_PASSWORD"]
        assert [p["ContainerPort"] for p in container["PortMappings"]] == [8080, 9090]
        assert container["HealthCheck"]["Command"][0] == "CMD-SHELL"
        assert container["ReadonlyRootFilesystem"] is True
        assert container["MountPoints"] == [
            {"ContainerPath": "/data", "ReadOnly": False, "SourceVolume": "data"}
        ]
        assert "RegistryRepository" in json.dumps(container["Image"]) and ":v1.2.3" in json.dumps(
            container["Image"]
        )
        template.has_resource_properties(
            "AWS::ECS::TaskDefinition",
            {
                "Cpu": "1024",
                "Memory": "4096",
                "ContainerDefinitions": [Match.object_like({"Command": ["gunicorn", "app:app"]})],
            },
        )

    def test_efs_volume_through_access_point_tls_and_iam(self, options) -> None:
        _, template = options
        task = only(template, "AWS::ECS::TaskDefinition", {"Volumes": Match.any_value()})
        config = task["Volumes"][0]["EFSVolumeConfiguration"]
        assert config["TransitEncryption"] == "ENABLED"
        assert config["AuthorizationConfig"]["IAM"] == "ENABLED"
        assert config["AuthorizationConfig"]["AccessPointId"]["Ref"].startswith("FsAp")
        template.has_resource_properties(
            "AWS::IAM::Policy",
            {
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {"Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]}
                            )
                        ]
                    )
                }
            },
        )
        template.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress",
            {"FromPort": 2049, "ToPort": 2049, "Description": "NFS from the tasks"},
        )

    def test_capacity_provider_strategy_replaces_launch_type(self, options) -> None:
        _, template = options
        service = only(template, "AWS::ECS::Service")
        assert service["CapacityProviderStrategy"] == [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}]
        assert "LaunchType" not in service

    def test_cpu_scaling_only_and_capacity(self, options) -> None:
        _, template = options
        template.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 3, "MaxCapacity": 10}
        )
        policy = only(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
        assert policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60

    def test_alarms_and_failed_deployments_go_to_the_topic(self, options) -> None:
        built, template = options
        alarms = [
            a
            for a in props(template, "AWS::CloudWatch::Alarm")
            if a.get("AlarmDescription", "").startswith(("Tasks fail", "More than", "The service's"))
        ]
        assert len(alarms) == 4
        assert all([action["Ref"][:5] for action in a["AlarmActions"]] == ["Topic"] for a in alarms)
        assert all([action["Ref"][:5] for action in a["OKActions"]] == ["Topic"] for a in alarms)
        assert any(a["Threshold"] == 2 for a in alarms if "Metrics" in a)
        rule = only(template, "AWS::Events::Rule")
        assert rule["EventPattern"]["detail-type"] == ["ECS Deployment State Change"]
        assert rule["EventPattern"]["detail"] == {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]}
        assert rule["Targets"][0]["Arn"]["Ref"].startswith("Topic")
        assert built["service"].deployment_failed_rule is not None

    def test_service_waits_for_the_migration(self, options) -> None:
        _, template = options
        service = next(iter(template.find_resources("AWS::ECS::Service").values()))
        assert any(d.startswith("MigrationRun") for d in service["DependsOn"])

    def test_target_group_on_the_given_port_and_path(self, options) -> None:
        _, template = options
        template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::TargetGroup", {"Port": 8080, "HealthCheckPath": "/health"}
        )

    def test_internal_load_balancer_open_to_the_vpc_only(self, variants) -> None:
        _, template = variants
        template.has_resource_properties("AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internal"})
        group = only(
            template,
            "AWS::EC2::SecurityGroup",
            {"GroupDescription": Match.string_like_regexp("LoadBalancer")},
        )
        ingress = group["SecurityGroupIngress"]
        assert [(i["FromPort"], "Fn::GetAtt" in i["CidrIp"]) for i in ingress] == [(80, True)]

    def test_given_log_group_and_bucket_are_used(self, variants) -> None:
        built, template = variants
        container = app_container(template)
        assert container["LogConfiguration"]["Options"]["awslogs-group"]["Ref"].startswith("Given")
        template.resource_count_is("AWS::Logs::LogGroup", 1)
        template.resource_count_is("AWS::S3::Bucket", 1)
        assert built["service"].access_logs_bucket is built["bucket"]

    def test_runs_on_the_clusters_ec2_capacity(self, variants) -> None:
        _, template = variants
        service = only(template, "AWS::ECS::Service")
        assert service["CapacityProviderStrategy"][0]["CapacityProvider"]["Ref"].startswith(
            "ClusterCapacityProvider"
        )


# ---------------------------------------------------------------------------------------------
# MigrationTask


class TestMigration:
    def test_one_off_task_with_the_migration_command(self, defaults) -> None:
        _, template = defaults
        container = app_container(template, ["sh", "-c", "echo migrate"])
        assert container["Image"] == NGINX
        assert "PortMappings" not in container
        template.has_resource_properties(
            "AWS::ECS::TaskDefinition",
            {
                "Cpu": "256",
                "Memory": "512",
                "RequiresCompatibilities": ["FARGATE"],
                "ContainerDefinitions": [Match.object_like({"Command": ["sh", "-c", "echo migrate"]})],
            },
        )

    def test_standard_state_machine_runs_the_task_synchronously_and_checks_the_exit_code(
        self, defaults
    ) -> None:
        _, template = defaults
        machine = only(template, "AWS::StepFunctions::StateMachine", {"StateMachineType": "STANDARD"})
        definition = json.dumps(machine["DefinitionString"])
        assert ":states:::ecs:runTask.sync" in definition
        assert '\\"Variable\\":\\"$.Containers[0].ExitCode\\",\\"NumericEquals\\":0' in definition
        assert '\\"Error\\":\\"MigrationFailed\\"' in definition
        assert '\\"TimeoutSeconds\\":1800' in definition
        assert machine["TracingConfiguration"] == {"Enabled": True}
        assert machine["LoggingConfiguration"]["Level"] == "ALL"

    def test_custom_resource_reruns_on_image_command_or_task_change(self, defaults) -> None:
        _, template = defaults
        run = only(template, "Custom::MigrationRun")
        assert run["Image"] == NGINX
        assert run["Command"] == ["sh", "-c", "echo migrate"]
        assert run["TaskDefinitionArn"]["Ref"].startswith("MigrationTaskDefinition")
        assert run["StateMachineArn"]["Ref"].startswith("MigrationStateMachine")

    def test_handlers_are_plain_python_from_runtime(self, defaults) -> None:
        _, template = defaults
        handlers = sorted(
            f["Handler"]
            for f in props(template, "AWS::Lambda::Function")
            if f.get("Handler", "").startswith("migration_runner")
        )
        assert handlers == ["migration_runner.is_complete", "migration_runner.on_event"]

    def test_handlers_may_start_and_describe_only_this_state_machine(self, defaults) -> None:
        _, template = defaults
        policies = json.dumps(props(template, "AWS::IAM::Policy"))
        assert (
            '"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": "MigrationStateMachine'
            in policies
        )
        assert '"Action": "states:DescribeExecution"' in policies and ":execution:" in policies

    def test_provider_waits_five_minutes_longer_than_the_migration(self, defaults, options) -> None:
        for (_, template), migration_seconds in ((defaults, 1800), (options, 600)):
            definitions = json.dumps(
                [m["DefinitionString"] for m in props(template, "AWS::StepFunctions::StateMachine")]
            )
            assert f'\\"TimeoutSeconds\\":{migration_seconds}' in definitions
            # The provider's waiter polls every 15 s until the total timeout.
            assert (
                f'\\"IntervalSeconds\\":15,\\"MaxAttempts\\":{(migration_seconds + 300) // 15}' in definitions
            )

    def test_options_environment_secrets_and_size(self, options) -> None:
        _, template = options
        container = app_container(template, ["python", "manage.py", "migrate"])
        assert container["Environment"] == [{"Name": "DB_HOST", "Value": "db.internal"}]
        assert [s["Name"] for s in container["Secrets"]] == ["DB_PASSWORD"]
        template.has_resource_properties(
            "AWS::ECS::TaskDefinition",
            {
                "Cpu": "512",
                "Memory": "1024",
                "ContainerDefinitions": [Match.object_like({"Command": ["python", "manage.py", "migrate"]})],
            },
        )
        run = only(template, "Custom::MigrationRun")
        assert ":v1.2.3" in json.dumps(run["Image"])


# ---------------------------------------------------------------------------------------------
# Bad input


@pytest.fixture
def cluster_stack() -> tuple[Stack, ecs.Cluster]:
    stack = new_stack()
    return stack, ecs.Cluster(stack, "C", vpc=vpc_of(stack))


class TestBadInput:
    @pytest.mark.parametrize(
        ("cpu", "memory", "message"),
        [
            (300, 512, r"cpu=300: must be one of 256, 512"),
            (256, 4096, r"memory_mib=4096: Fargate offers 512-2048 MiB with cpu=256"),
            (
                8192,
                17408,
                r"memory_mib=17408: Fargate offers 16384-61440 MiB with cpu=8192 \(in steps of 4096",
            ),
        ],
    )
    def test_fargate_sizes(self, cluster_stack, cpu, memory, message) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(ValueError, match=message):
            ContainerService(stack, "S", cluster=cluster, image=nginx(), cpu=cpu, memory_mib=memory)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"port": 0}, r"port=0: must be between 1 and 65535"),
            ({"port": 65536}, r"port=65536: must be between 1 and 65535"),
            ({"additional_ports": [70000]}, r"additional_ports=70000: must be between 1 and 65535"),
            ({"additional_ports": [80]}, r"additional_ports=\[80\]: ports must be distinct"),
        ],
    )
    def test_ports(self, cluster_stack, kwargs, message) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(ValueError, match=message):
            ContainerService(stack, "S", cluster=cluster, image=nginx(), **kwargs)

    @pytest.mark.parametrize("name", ["DB_PASSWORD", "client_secret", "GITHUB_TOKEN", "API_KEY"])
    def test_plain_text_secret_is_refused(self, cluster_stack, name) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(
            ValueError, match=rf"environment\['{name}'\]='\*\*\*': looks like a secret.*secrets="
        ):
            ContainerService(stack, "S", cluster=cluster, image=nginx(), environment={name: "hunter2"})

    def test_secret_value_never_appears_in_the_message(self, cluster_stack) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(ValueError) as error:
            ContainerService(
                stack, "S", cluster=cluster, image=nginx(), environment={"DB_PASSWORD": "hunter2"}
            )
        assert "hunter2" not in str(error.value)

    def test_a_deploy_time_reference_is_not_a_literal(self, cluster_stack) -> None:
        stack, cluster = cluster_stack
        value = ssm.StringParameter.value_for_string_parameter(stack, "/app/key-id")
        service = ContainerService(
            stack, "S", cluster=cluster, image=nginx(), environment={"KMS_KEY_ID": value}
        )
        [task] = Template.from_stack(stack).find_resources("AWS::ECS::TaskDefinition").values()
        [container] = task["Properties"]["ContainerDefinitions"]
        [entry] = [e for e in container["Environment"] if e["Name"] == "KMS_KEY_ID"]
        assert "Ref" in entry["Value"]  # resolved at deploy time, not refused as a literal secret
        assert service.container.container_name == "app"

    def test_same_name_in_environment_and_secrets(self, cluster_stack) -> None:
        stack, cluster = cluster_stack
        secret = ecs.Secret.from_ssm_parameter(
            ssm.StringParameter.from_secure_string_parameter_attributes(stack, "P", parameter_name="/x")
        )
        with pytest.raises(ValueError, match=r"environment='DB_HOST': is also given in secrets"):
            ContainerService(
                stack,
                "S",
                cluster=cluster,
                image=nginx(),
                environment={"DB_HOST": "a"},
                secrets={"DB_HOST": secret},
            )

    def test_min_capacity_above_max(self, cluster_stack) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(ValueError, match=r"min_capacity=5: must not exceed max_capacity=2"):
            ContainerService(stack, "S", cluster=cluster, image=nginx(), min_capacity=5, max_capacity=2)

    def test_other_service_arguments(self, cluster_stack) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(ValueError) as error:
            ContainerService(
                stack,
                "S",
                cluster=cluster,
                image=nginx(),
                cpu_target_percent=100,
                requests_per_target=0,
                error_rate_percent=0,
                health_check_path="health",
                command="nginx -g daemon off;",
                min_capacity=0,
            )
        message = str(error.value)
        for expected in (
            "cpu_target_percent=100: must be between 10 and 95",
            "requests_per_target=0: must be at least 1",
            "error_rate_percent=0: must be above 0",
            "health_check_path='health': must start with /",
            "command='nginx -g daemon off;': must be a sequence of str (a list or tuple), not a single string",
            "min_capacity=0: must be at least 1",
        ):
            assert expected in message

    def test_bad_volumes(self, cluster_stack) -> None:
        stack, cluster = cluster_stack
        file_system = efs.FileSystem(stack, "Fs", vpc=cluster.vpc)
        access_point = file_system.add_access_point("Ap")
        volumes = [
            EfsVolume(name="d", file_system=file_system, access_point=access_point, container_path="data"),
            EfsVolume(name="d", file_system=file_system, access_point=access_point, container_path="/"),
        ]
        with pytest.raises(ValueError) as error:
            ContainerService(stack, "S", cluster=cluster, image=nginx(), volumes=volumes)
        assert "volume names must be distinct" in str(error.value)
        assert "volumes.container_path='data': must be an absolute path" in str(error.value)
        assert "volumes.container_path='/'" in str(error.value)

    def test_every_problem_in_one_error(self, cluster_stack) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(ValueError) as error:
            ContainerService(
                stack,
                "S",
                cluster=cluster,
                image=nginx(),
                port=0,
                cpu=256,
                memory_mib=8192,
                environment={"SECRET": "x"},
                min_capacity=3,
                max_capacity=1,
            )
        message = str(error.value)
        assert message.startswith("ContainerService: invalid arguments:")
        assert message.count("\n  - ") == 4

    def test_migration_needs_an_image_and_a_command(self, cluster_stack) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(ValueError) as error:
            MigrationTask(stack, "M", cluster=cluster)
        message = str(error.value)
        assert "image=None: the migration needs the application's image" in message
        assert "command=None: a command is required" in message

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"command": []}, r"command=\[\]: must not be empty"),
            ({"command": "migrate"}, r"command='migrate': must be a sequence of str"),
            (
                {"command": ["m"], "timeout": Duration.hours(2)},
                r"timeout='2 hours': must be between 1 and 55 minutes",
            ),
            ({"command": ["m"], "cpu": 512, "memory_mib": 512}, r"memory_mib=512: Fargate offers 1024-4096"),
            ({"command": ["m"], "environment": {"DB_PASSWORD": "x"}}, r"looks like a secret"),
        ],
    )
    def test_bad_migration(self, cluster_stack, kwargs, message) -> None:
        stack, cluster = cluster_stack
        with pytest.raises(ValueError, match=message):
            MigrationTask(stack, "M", cluster=cluster, image=nginx(), **kwargs)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"instance_type": ec2.InstanceType("t3.small"), "min_capacity": 5, "max_capacity": 2},
                r"min_capacity=5: must not exceed max_capacity=2",
            ),
            (
                {"instance_type": ec2.InstanceType("t3.small"), "target_capacity_percent": 0},
                r"target_capacity_percent=0: must be between 1 and 100",
            ),
            ({"spot_instances": True}, r"spot_instances=True: only applies with instance_type"),
            ({"max_capacity": 9}, r"max_capacity=9: only applies with instance_type"),
        ],
    )
    def test_bad_cluster(self, kwargs, message) -> None:
        stack = new_stack()
        with pytest.raises(ValueError, match=message):
            ContainerCluster(stack, "C", vpc=vpc_of(stack), **kwargs)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"repository_name": "Team/App"}, r"repository_name='Team/App': lowercase"),
            ({"keep_tagged_images": 0}, r"keep_tagged_images=0: must be between 1 and 10000"),
            ({"untagged_expiry_days": 0}, r"untagged_expiry_days=0: must be between 1 and 3650"),
        ],
    )
    def test_bad_registry(self, kwargs, message) -> None:
        with pytest.raises(ValueError, match=message):
            ContainerRegistry(new_stack(), "R", **kwargs)


# ---------------------------------------------------------------------------------------------
# Policy gates


def test_every_option_passes_cdk_nag_and_cfn_lint() -> None:
    def build(app):
        stack = Stack(app, "Options", env=env())
        build_options(stack)
        return stack

    assert cfn_lint(synth_checked(build)) == []


def test_example_stack_composition(example_templates) -> None:
    """The example stack (synthesized once per session, nag and cfn-lint checked in tests/stacks)."""
    template = example_templates["CdpContainers"]
    resources = template["Resources"].values()
    assert sum(r["Type"] == "AWS::ECS::Service" for r in resources) == 1
    assert sum(r["Type"] == "Custom::MigrationRun" for r in resources) == 1
    # the cluster runs in the shared network stack's VPC: no VPC or NAT gateway of its own
    assert sum(r["Type"] in ("AWS::EC2::VPC", "AWS::EC2::NatGateway") for r in resources) == 0
    assert '"Fn::GetStackOutput"' in json.dumps(template) and '"CdpNetwork"' in json.dumps(template)
