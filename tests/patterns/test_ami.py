"""AMI maintenance: GoldenImagePipeline, AmiBackupPolicy, BootstrappedFleet, cron checks, example stack."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Duration
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Match, Template

from patterns.ami import (
    AmiBackupPolicy,
    BootstrappedFleet,
    GoldenImagePipeline,
    ImageRefresh,
    ShellStep,
    cron_problems,
)
from tests.conftest import new_stack, template_of

NGINX = [ShellStep("InstallNginx", ["dnf install -y nginx"])]


def vpc_stack():
    stack = new_stack()
    return stack, ec2.Vpc(stack, "Vpc", max_azs=2)


def props(template: Template, type_: str) -> list[dict]:
    return [r["Properties"] for r in template.find_resources(type_).values()]


# --- cron --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 3 ? * SUN *)",
        "cron(15 */6 * * ? *)",
        "cron(0 0 1,15 JAN-JUN ? 2027)",
        "cron(0 8 ? * MON-FRI *)",
        "cron(0 0 L * ? *)",
        "cron(0 0 ? * 6L *)",
        "cron(0 0 ? * 2#1 *)",
        "cron(0 0 15W * ? *)",
    ],
)
def test_valid_cron(expression: str) -> None:
    assert cron_problems(expression) == []


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("0 3 * * ?", "must look like cron"),
        ("rate(1 day)", "must look like cron"),
        ("cron(0 3 * * ?)", "has 5 fields"),
        ("cron(60 3 ? * SUN *)", "minutes field '60'"),
        ("cron(0 24 ? * SUN *)", "hours field '24'"),
        ("cron(0 3 * * * *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 3 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("cron(0 3 ? FOO SUN *)", "month field 'FOO'"),
        ("cron(0 3 ? * SUN 1800)", "year field '1800'"),
        ("cron(0 */0 ? * SUN *)", "hours field"),
    ],
)
def test_invalid_cron(expression: str, reason: str) -> None:
    assert any(reason in problem for problem in cron_problems(expression)), cron_problems(expression)


# --- GoldenImagePipeline -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_pipeline() -> tuple[GoldenImagePipeline, Template]:
    stack, vpc = vpc_stack()
    pipeline = GoldenImagePipeline(stack, "Golden", name="web", vpc=vpc, build_steps=NGINX)
    return pipeline, template_of(stack)


@pytest.fixture(scope="module")
def options_pipeline() -> tuple[GoldenImagePipeline, Template]:
    stack, vpc = vpc_stack()
    alarms = sns.Topic(stack, "Alarms")
    notify = sns.Topic(stack, "Notify")
    pipeline = GoldenImagePipeline(
        stack,
        "Golden",
        name="api",
        vpc=vpc,
        build_steps=NGINX,
        test_steps=[ShellStep("Check", ["rpm -q nginx"])],
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
        parent_image="arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x",
        build_on_deploy=False,
        instance_types=["m7i.large"],
        schedule="cron(30 1 * * ? *)",
        only_when_dependencies_change=True,
        ami_tags={"team": "web"},
        distribution_regions=["eu-west-1"],
        share_with_accounts=["111122223333"],
        image_parameter_name="/golden/api",
        deprecate_after_days=7,
        delete_after_days=14,
        keep_at_least=5,
        notification_topic=notify,
        alarm_topic=alarms,
    )
    return pipeline, template_of(stack)


class TestPipelineDefaults:
    def test_build_component_has_execute_bash_steps(self, default_pipeline) -> None:
        _, template = default_pipeline
        [component] = props(template, "AWS::ImageBuilder::Component")
        document = json.loads(component["Data"])
        assert component["Platform"] == "Linux" and component["Name"] == "web-build"
        assert document["phases"][0]["name"] == "build"
        assert document["phases"][0]["steps"] == [
            {
                "name": "InstallNginx",
                "action": "ExecuteBash",
                "onFailure": "Abort",
                "inputs": {"commands": ["dnf install -y nginx"]},
            }
        ]

    def test_component_version_follows_its_content(self) -> None:
        versions = []
        for commands in (["a"], ["a"], ["b"]):
            stack, vpc = vpc_stack()
            pipeline = GoldenImagePipeline(
                stack, "G", name="web", vpc=vpc, build_steps=[ShellStep("S", commands)]
            )
            versions.append(pipeline.build_component.version)
        assert versions[0] == versions[1] != versions[2]

    def test_recipe_updates_os_then_builds_then_boot_tests(self, default_pipeline) -> None:
        _, template = default_pipeline
        [recipe] = props(template, "AWS::ImageBuilder::ImageRecipe")
        assert (
            recipe["ParentImage"]
            == "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
        )
        arns = json.dumps(recipe["Components"])
        assert (
            arns.index("component/update-linux/x.x.x")
            < arns.index("GetAtt")
            < arns.index("component/simple-boot-test-linux/x.x.x")
        )
        assert len(recipe["Components"]) == 3

    def test_build_instances_private_no_key_imdsv2_terminated(self, default_pipeline) -> None:
        _, template = default_pipeline
        [infra] = props(template, "AWS::ImageBuilder::InfrastructureConfiguration")
        assert "KeyPair" not in infra
        assert infra["InstanceMetadataOptions"]["HttpTokens"] == "required"
        assert infra["TerminateInstanceOnFailure"] is True
        assert infra["InstanceTypes"] == ["t3.medium"]
        assert "PrivateSubnet1" in infra["SubnetId"]["Ref"]
        assert infra["Logging"]["S3Logs"]["S3KeyPrefix"] == "imagebuilder/web"
        assert "Ref" in infra["SnsTopicArn"]

    def test_security_group_has_no_ingress(self, default_pipeline) -> None:
        _pipeline, template = default_pipeline
        groups = template.find_resources("AWS::EC2::SecurityGroup")
        [group] = [g for g in groups.values() if "Image Builder" in g["Properties"]["GroupDescription"]]
        assert "SecurityGroupIngress" not in group["Properties"]
        template.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)

    def test_instance_role_has_ssm_core_and_image_builder(self, default_pipeline) -> None:
        _, template = default_pipeline
        roles = [json.dumps(r) for r in props(template, "AWS::IAM::Role")]
        assert any(
            "AmazonSSMManagedInstanceCore" in r and "EC2InstanceProfileForImageBuilder" in r for r in roles
        )
        template.resource_count_is("AWS::IAM::InstanceProfile", 1)

    def test_log_bucket_is_secure_and_retained(self, default_pipeline) -> None:
        pipeline, template = default_pipeline
        template.has_resource(
            "AWS::S3::Bucket",
            {
                "DeletionPolicy": "Retain",
                "Properties": Match.object_like(
                    {
                        "VersioningConfiguration": {"Status": "Enabled"},
                        "LifecycleConfiguration": {
                            "Rules": Match.array_with([Match.object_like({"ExpirationInDays": 365})])
                        },
                    }
                ),
            },
        )
        assert pipeline.log_bucket is not None

    def test_distribution_dated_name_and_ssm_parameter(self, default_pipeline) -> None:
        _, template = default_pipeline
        [dist] = props(template, "AWS::ImageBuilder::DistributionConfiguration")
        [home] = dist["Distributions"]
        assert home["AmiDistributionConfiguration"]["Name"] == "web-{{imagebuilder:buildDate}}"
        assert home["AmiDistributionConfiguration"]["AmiTags"] == {"cdp:golden-image": "web"}
        assert "LaunchPermissionConfiguration" not in home["AmiDistributionConfiguration"]
        assert home["SsmParameterConfigurations"] == [
            {"ParameterName": "/cdp/ami/web", "DataType": "aws:ec2:image"}
        ]

    def test_parameter_belongs_to_image_builder(self, default_pipeline) -> None:
        pipeline, template = default_pipeline
        template.resource_count_is("AWS::SSM::Parameter", 0)
        template.resource_count_is("AWS::ImageBuilder::Image", 1)
        assert pipeline.image_parameter_name == "/cdp/ami/web"
        assert pipeline.image_parameter.parameter_name == "/cdp/ami/web"

    def test_weekly_schedule_builds_every_time_with_tests(self, default_pipeline) -> None:
        _, template = default_pipeline
        template.has_resource_properties(
            "AWS::ImageBuilder::ImagePipeline",
            {
                "Schedule": {
                    "ScheduleExpression": "cron(0 3 ? * SUN *)",
                    "PipelineExecutionStartCondition": "EXPRESSION_MATCH_ONLY",
                },
                "ImageTestsConfiguration": {"ImageTestsEnabled": True, "TimeoutMinutes": 60},
                "Status": "ENABLED",
            },
        )

    def test_lifecycle_deprecates_then_deletes_keeping_newest(self, default_pipeline) -> None:
        _, template = default_pipeline
        template.has_resource_properties(
            "AWS::ImageBuilder::LifecyclePolicy",
            {
                "ResourceType": "AMI_IMAGE",
                "ResourceSelection": {"Recipes": [{"Name": "web", "SemanticVersion": "1.0.x"}]},
                "PolicyDetails": [
                    {
                        "Action": {"Type": "DEPRECATE"},
                        "Filter": {"Type": "AGE", "Value": 30, "Unit": "DAYS", "RetainAtLeast": 3},
                    },
                    {
                        "Action": {"Type": "DELETE", "IncludeResources": {"Amis": True, "Snapshots": True}},
                        "Filter": {"Type": "AGE", "Value": 90, "Unit": "DAYS", "RetainAtLeast": 3},
                    },
                ],
            },
        )
        roles = [json.dumps(r) for r in props(template, "AWS::IAM::Role")]
        assert any(
            "EC2ImageBuilderLifecycleExecutionPolicy" in r and "imagebuilder.amazonaws.com" in r
            for r in roles
        )

    def test_failed_builds_notify_and_alarm(self, default_pipeline) -> None:
        pipeline, template = default_pipeline
        template.has_resource_properties(
            "AWS::Events::Rule",
            {
                "EventPattern": Match.object_like(
                    {
                        "source": ["aws.imagebuilder"],
                        "detail-type": ["EC2 Image Builder Image State Change"],
                        "detail": {"state": {"status": ["FAILED"]}},
                    }
                ),
                "Targets": [
                    Match.object_like({"Arn": {"Ref": Match.string_like_regexp("GoldenNotifications")}})
                ],
            },
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "TriggeredRules",
                "Namespace": "AWS/Events",
                "Threshold": 1,
                "AlarmActions": Match.absent(),
            },
        )
        assert len(pipeline.alarms) == 1


class TestPipelineOptions:
    def test_test_steps_add_a_test_component(self, options_pipeline) -> None:
        pipeline, template = options_pipeline
        template.resource_count_is("AWS::ImageBuilder::Component", 2)
        assert pipeline.test_component is not None
        assert json.loads(pipeline.test_component.data)["phases"][0]["name"] == "test"
        [recipe] = props(template, "AWS::ImageBuilder::ImageRecipe")
        assert len(recipe["Components"]) == 4
        assert recipe["ParentImage"].endswith("image/amazon-linux-2023-x86/x.x.x")

    def test_no_build_on_deploy(self, options_pipeline) -> None:
        pipeline, template = options_pipeline
        template.resource_count_is("AWS::SSM::Parameter", 0)
        template.resource_count_is("AWS::ImageBuilder::Image", 0)
        assert pipeline.first_image is None
        assert pipeline.image_parameter.parameter_name == "/golden/api"

    def test_schedule_types_subnets_and_dependency_condition(self, options_pipeline) -> None:
        _, template = options_pipeline
        template.has_resource_properties(
            "AWS::ImageBuilder::ImagePipeline",
            {
                "Schedule": {
                    "ScheduleExpression": "cron(30 1 * * ? *)",
                    "PipelineExecutionStartCondition": "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE",
                }
            },
        )
        [infra] = props(template, "AWS::ImageBuilder::InfrastructureConfiguration")
        assert infra["InstanceTypes"] == ["m7i.large"]
        assert "PublicSubnet1" in infra["SubnetId"]["Ref"]
        assert "Notify" in infra["SnsTopicArn"]["Ref"]
        template.resource_count_is("AWS::SNS::Topic", 2)  # the caller's two, none created

    def test_regions_accounts_tags_parameter(self, options_pipeline) -> None:
        _, template = options_pipeline
        [dist] = props(template, "AWS::ImageBuilder::DistributionConfiguration")
        home, other = dist["Distributions"]
        assert other["Region"] == "eu-west-1" and "SsmParameterConfigurations" not in other
        assert home["SsmParameterConfigurations"][0]["ParameterName"] == "/golden/api"
        for distribution in (home, other):
            ami = distribution["AmiDistributionConfiguration"]
            assert ami["AmiTags"] == {"cdp:golden-image": "api", "team": "web"}
            assert ami["LaunchPermissionConfiguration"] == {"UserIds": ["111122223333"]}

    def test_lifecycle_days_and_alarm_topic(self, options_pipeline) -> None:
        _, template = options_pipeline
        [policy] = props(template, "AWS::ImageBuilder::LifecyclePolicy")
        assert [(d["Filter"]["Value"], d["Filter"]["RetainAtLeast"]) for d in policy["PolicyDetails"]] == [
            (7, 5),
            (14, 5),
        ]
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"AlarmActions": [{"Ref": Match.string_like_regexp("^Alarms")}]}
        )


class TestPipelineErrors:
    def build(self, **overrides):
        stack, vpc = vpc_stack()
        kwargs = {"name": "web", "vpc": vpc, "build_steps": NGINX, **overrides}
        return GoldenImagePipeline(stack, "G", **kwargs)

    def test_no_build_steps(self) -> None:
        with pytest.raises(ValueError, match=r"build_steps=\[\]: needs at least one ShellStep"):
            self.build(build_steps=[])

    def test_empty_command_and_bad_step_names(self) -> None:
        with pytest.raises(ValueError) as error:
            self.build(
                build_steps=[
                    ShellStep("A", []),
                    ShellStep("B", ["  "]),
                    ShellStep("bad name", ["x"]),
                    ShellStep("A", ["y"]),
                ]
            )
        message = str(error.value)
        assert "build_steps[0].commands=[]: needs at least one command" in message
        assert "build_steps[1].commands[0]='  ': must not be empty" in message
        assert "build_steps[2].name='bad name'" in message
        assert "build_steps[3].name='A': step names must be unique" in message

    def test_every_problem_at_once(self) -> None:
        with pytest.raises(ValueError) as error:
            self.build(
                name="x",
                schedule="cron(0 3 * * *)",
                distribution_regions=["moon"],
                share_with_accounts=["123"],
                image_parameter_name="/aws/x",
                deprecate_after_days=30,
                delete_after_days=30,
                keep_at_least=11,
                instance_types=[],
                test_steps=[ShellStep("T", [])],
            )
        message = str(error.value)
        for fragment in (
            "name='x'",
            "schedule='cron(0 3 * * *)'",
            "has 5 fields",
            "distribution_regions='moon'",
            "share_with_accounts='123'",
            "image_parameter_name='/aws/x'",
            "reserved",
            "delete_after_days=30: must be greater than deprecate_after_days=30",
            "keep_at_least=11",
            "instance_types=[]",
            "test_steps[0].commands",
        ):
            assert fragment in message

    def test_key_pair_refused_with_session_manager(self) -> None:
        with pytest.raises(ValueError, match=r"key_pair='ops'.*aws ssm start-session --target i-"):
            self.build(key_pair="ops")

    def test_any_parent_builds_on_deploy(self) -> None:
        pipeline = self.build(
            parent_image="arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x"
        )
        assert pipeline.first_image is not None


# --- AmiBackupPolicy ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backup_templates() -> tuple[Template, dict, dict]:
    stack = new_stack()
    AmiBackupPolicy(stack, "Default", target_tags={"Backup": "ami"})
    AmiBackupPolicy(
        stack,
        "Options",
        target_tags={"Backup": "weekly", "Env": "prod"},
        cron_expression="cron(0 2 ? * SAT *)",
        retain_count=4,
        deprecate_count=2,
        no_reboot=False,
        copy_to_regions=["eu-west-1", "us-west-2"],
        copy_retain_days=14,
        description="weekly",
    )
    template = template_of(stack)
    policies = props(template, "AWS::DLM::LifecyclePolicy")
    default = next(p for p in policies if p["Description"] == "AMIs of tagged instances")
    options = next(p for p in policies if p["Description"] == "weekly")
    return template, default, options


class TestBackupPolicy:
    def test_defaults(self, backup_templates) -> None:
        _template, default, _ = backup_templates
        details = default["PolicyDetails"]
        assert details["PolicyType"] == "IMAGE_MANAGEMENT" and details["ResourceTypes"] == ["INSTANCE"]
        assert details["TargetTags"] == [{"Key": "Backup", "Value": "ami"}]
        assert details["Parameters"] == {"NoReboot": True}
        [schedule] = details["Schedules"]
        assert schedule["CreateRule"] == {"Interval": 24, "IntervalUnit": "HOURS", "Times": ["03:00"]}
        assert schedule["RetainRule"] == {"Count": 7}
        assert "DeprecateRule" not in schedule and "CrossRegionCopyRules" not in schedule
        assert default["State"] == "ENABLED"

    def test_role_with_managed_ami_policy(self, backup_templates) -> None:
        template, _, _ = backup_templates
        roles = [json.dumps(r) for r in props(template, "AWS::IAM::Role")]
        assert (
            sum(
                "AWSDataLifecycleManagerServiceRoleForAMIManagement" in r and "dlm.amazonaws.com" in r
                for r in roles
            )
            == 2
        )

    def test_options(self, backup_templates) -> None:
        _, _, options = backup_templates
        details = options["PolicyDetails"]
        assert details["Parameters"] == {"NoReboot": False}
        assert len(details["TargetTags"]) == 2
        [schedule] = details["Schedules"]
        assert schedule["CreateRule"] == {"CronExpression": "cron(0 2 ? * SAT *)"}
        assert schedule["RetainRule"] == {"Count": 4} and schedule["DeprecateRule"] == {"Count": 2}
        assert [c["TargetRegion"] for c in schedule["CrossRegionCopyRules"]] == ["eu-west-1", "us-west-2"]
        assert all(
            c["Encrypted"] and c["RetainRule"] == {"Interval": 14, "IntervalUnit": "DAYS"}
            for c in schedule["CrossRegionCopyRules"]
        )
        assert options["Description"] == "weekly"

    def test_interval_and_own_role(self) -> None:
        stack = new_stack()
        from aws_cdk import aws_iam as iam

        role = iam.Role(stack, "Mine", assumed_by=iam.ServicePrincipal("dlm.amazonaws.com"))
        policy = AmiBackupPolicy(
            stack, "B", target_tags={"a": "b"}, interval_hours=12, start_time="23:30", role=role
        )
        assert policy.role is role
        template = template_of(stack)
        template.resource_count_is("AWS::IAM::Role", 1)
        template.has_resource_properties(
            "AWS::DLM::LifecyclePolicy",
            {
                "PolicyDetails": Match.object_like(
                    {
                        "Schedules": [
                            Match.object_like(
                                {"CreateRule": {"Interval": 12, "IntervalUnit": "HOURS", "Times": ["23:30"]}}
                            )
                        ]
                    }
                )
            },
        )

    def test_errors(self) -> None:
        with pytest.raises(ValueError) as error:
            AmiBackupPolicy(
                new_stack(),
                "B",
                target_tags={},
                cron_expression="cron(0 2 * * * *)",
                interval_hours=5,
                start_time="25:00",
                retain_count=0,
                deprecate_count=3,
                copy_to_regions=["a", "eu-west-1", "eu-west-2", "eu-west-3"],
            )
        message = str(error.value)
        for fragment in (
            "target_tags={}",
            "cron_expression='cron(0 2 * * * *)': cannot be combined",
            "exactly one of day-of-month",
            "interval_hours=5: must be one of",
            "start_time='25:00'",
            "retain_count=0: must be between 1 and 1000",
            "deprecate_count=3: cannot exceed retain_count=0",
            "at most 3 regions",
            "copy_to_regions='a'",
        ):
            assert fragment in message


# --- BootstrappedFleet -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_fleet() -> tuple[BootstrappedFleet, Template]:
    stack, vpc = vpc_stack()
    fleet = BootstrappedFleet(stack, "Fleet", vpc=vpc, image_parameter="/cdp/ami/web")
    return fleet, template_of(stack)


@pytest.fixture(scope="module")
def alb_fleet() -> tuple[BootstrappedFleet, Template]:
    stack, vpc = vpc_stack()
    parameter = ssm.StringParameter(stack, "Ami", string_value="ami-0123456789abcdef0")
    config = s3.Bucket(stack, "Config")
    alarms = sns.Topic(stack, "Alarms")
    fleet = BootstrappedFleet(
        stack,
        "Fleet",
        vpc=vpc,
        image_parameter=parameter,
        resolve_image_at_launch=True,
        instance_type="m7g.medium",
        min_capacity=3,
        max_capacity=3,
        boot_commands=["systemctl start app"],
        config_parameter_names=["/app/db-url", "/app/flags"],
        config_bucket=config,
        config_key="conf/app.yaml",
        root_volume_gib=30,
        load_balancer="internet-facing",
        instance_port=8080,
        health_check_path="/health",
        certificate_arn="arn:aws:acm:us-east-1:111122223333:certificate/abc",
        alarm_topic=alarms,
    )
    return fleet, template_of(stack)


class TestFleetDefaults:
    def test_launch_template_secure(self, default_fleet) -> None:
        _, template = default_fleet
        [lt] = props(template, "AWS::EC2::LaunchTemplate")
        data = lt["LaunchTemplateData"]
        assert "KeyName" not in data
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        assert data["BlockDeviceMappings"] == [
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {
                    "DeleteOnTermination": True,
                    "Encrypted": True,
                    "VolumeSize": 10,
                    "VolumeType": "gp3",
                },
            }
        ]
        assert data["InstanceType"] == "t3.small"

    def test_ami_from_parameter_at_deploy_time(self, default_fleet) -> None:
        _, template = default_fleet
        parameters = template.to_json()["Parameters"]
        ami = [
            p for p in parameters.values() if p["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
        ]
        assert [p["Default"] for p in ami] == ["/cdp/ami/web"]

    def test_no_ingress_at_all_without_load_balancer(self, default_fleet) -> None:
        _, template = default_fleet
        template.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)
        for group in props(template, "AWS::EC2::SecurityGroup"):
            assert "SecurityGroupIngress" not in group
        template.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 0)

    def test_session_manager_role(self, default_fleet) -> None:
        _, template = default_fleet
        roles = [json.dumps(r) for r in props(template, "AWS::IAM::Role")]
        assert any("AmazonSSMManagedInstanceCore" in r for r in roles)
        template.resource_count_is("AWS::IAM::Policy", 0)

    def test_group_rolling_update_ec2_health_notifications(self, default_fleet) -> None:
        _fleet, template = default_fleet
        template.has_resource(
            "AWS::AutoScaling::AutoScalingGroup",
            {
                "UpdatePolicy": Match.object_like(
                    {
                        "AutoScalingRollingUpdate": Match.object_like(
                            {"MaxBatchSize": 1, "MinInstancesInService": 2, "PauseTime": "PT5M"}
                        )
                    }
                ),
                "Properties": Match.object_like(
                    {
                        "MinSize": "2",
                        "MaxSize": "4",
                        "HealthCheckType": "EC2",
                        "HealthCheckGracePeriod": 300,
                        "NotificationConfigurations": [
                            Match.object_like(
                                {"TopicARN": {"Ref": Match.string_like_regexp("FleetNotifications")}}
                            )
                        ],
                        "VPCZoneIdentifier": Match.array_with(
                            [{"Ref": Match.string_like_regexp("PrivateSubnet1")}]
                        ),
                    }
                ),
            },
        )
        template.resource_count_is("AWS::SNS::Topic", 1)

    def test_user_data_prepares_config_dir(self, default_fleet) -> None:
        fleet, _ = default_fleet
        assert "install -d -m 0750 /etc/cdp/config" in fleet.user_data.render()

    def test_alarms_launch_failures_and_in_service(self, default_fleet) -> None:
        fleet, template = default_fleet
        template.has_resource_properties(
            "AWS::Events::Rule",
            {
                "EventPattern": Match.object_like(
                    {
                        "source": ["aws.autoscaling"],
                        "detail-type": [
                            "EC2 Instance Launch Unsuccessful",
                            "EC2 Auto Scaling Instance Refresh Failed",
                        ],
                    }
                )
            },
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "GroupInServiceInstances",
                "Threshold": 2,
                "ComparisonOperator": "LessThanThreshold",
            },
        )
        template.has_resource_properties("AWS::CloudWatch::Alarm", {"MetricName": "TriggeredRules"})
        assert len(fleet.alarms) == 2


class TestFleetOptions:
    def test_ami_resolved_at_launch_after_parameter(self, alb_fleet) -> None:
        _, template = alb_fleet
        [lt] = props(template, "AWS::EC2::LaunchTemplate")
        image = lt["LaunchTemplateData"]["ImageId"]
        assert image["Fn::Join"][1][0] == "resolve:ssm:"
        [group] = template.find_resources("AWS::AutoScaling::AutoScalingGroup").values()
        assert any(d.startswith("Ami") for d in group["DependsOn"])
        assert lt["LaunchTemplateData"]["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 30

    def test_user_data_fetches_parameters_and_object_then_boots(self, alb_fleet) -> None:
        fleet, template = alb_fleet
        script = fleet.user_data.render()
        assert "--name /app/db-url --with-decryption" in script and "> /etc/cdp/config/app_db-url" in script
        assert "/etc/cdp/config/app.yaml" in script
        assert script.rstrip().endswith("systemctl start app")
        policies = json.dumps(props(template, "AWS::IAM::Policy"))
        assert "parameter/app/db-url" in policies and "parameter/app/flags" in policies
        assert "ssm:GetParameter" in policies and "s3:GetObject" in policies

    def test_alb_https_redirect_logs_headers(self, alb_fleet) -> None:
        fleet, template = alb_fleet
        template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            {
                "Scheme": "internet-facing",
                "LoadBalancerAttributes": Match.array_with(
                    [
                        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                        {"Key": "access_logs.s3.enabled", "Value": "true"},
                    ]
                ),
            },
        )
        listeners = props(template, "AWS::ElasticLoadBalancingV2::Listener")
        assert sorted(listener["Port"] for listener in listeners) == [80, 443]
        assert any(listener["DefaultActions"][0]["Type"] == "redirect" for listener in listeners)
        template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::TargetGroup", {"Port": 8080, "HealthCheckPath": "/health"}
        )
        template.has_resource_properties(
            "AWS::S3::Bucket",
            {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                }
            },
        )
        assert fleet.access_log_bucket is not None

    def test_instances_only_reachable_from_the_alb(self, alb_fleet) -> None:
        _, template = alb_fleet
        ingress = props(template, "AWS::EC2::SecurityGroupIngress")
        assert [(i["FromPort"], "SourceSecurityGroupId" in i) for i in ingress] == [(8080, True)]
        groups = props(template, "AWS::EC2::SecurityGroup")
        public = [r for g in groups for r in g.get("SecurityGroupIngress", [])]
        assert sorted(r["FromPort"] for r in public) == [80, 443]
        assert all(r["CidrIp"] == "0.0.0.0/0" for r in public)
        assert all(r.get("FromPort") != 22 for r in public + ingress)

    def test_elb_health_fixed_size_rolls_one_at_a_time(self, alb_fleet) -> None:
        _, template = alb_fleet
        template.has_resource(
            "AWS::AutoScaling::AutoScalingGroup",
            {
                "UpdatePolicy": Match.object_like(
                    {"AutoScalingRollingUpdate": Match.object_like({"MinInstancesInService": 2})}
                ),
                "Properties": Match.object_like(
                    {
                        "HealthCheckType": "ELB",
                        "MinSize": "3",
                        "MaxSize": "3",
                        "NotificationConfigurations": [
                            Match.object_like({"TopicARN": {"Ref": Match.string_like_regexp("^Alarms")}})
                        ],
                    }
                ),
            },
        )
        template.resource_count_is("AWS::SNS::Topic", 1)

    def test_unhealthy_hosts_alarm(self, alb_fleet) -> None:
        fleet, template = alb_fleet
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "UnHealthyHostCount",
                "Namespace": "AWS/ApplicationELB",
                "AlarmActions": [{"Ref": Match.string_like_regexp("^Alarms")}],
            },
        )
        assert len(fleet.alarms) == 5  # launches, in service, unhealthy hosts + the image refresh's two


# --- Instance refresh when the AMI parameter changes --------------------------------------------------


@pytest.fixture(scope="module")
def refresh_fleet() -> tuple[BootstrappedFleet, Template]:
    """resolve_image_at_launch=True with a literal parameter name and the default (growable) capacity."""
    stack, vpc = vpc_stack()
    fleet = BootstrappedFleet(
        stack, "Fleet", vpc=vpc, image_parameter="/cdp/ami/web", resolve_image_at_launch=True
    )
    return fleet, template_of(stack)


def definition(template: Template) -> dict:
    """The one state machine's definition, each token of its Fn::Join written as ``<Ref:Id>``."""
    [machine] = props(template, "AWS::StepFunctions::StateMachine")
    body = machine["DefinitionString"]
    if isinstance(body, dict):
        body = "".join(
            part if isinstance(part, str) else f"<Ref:{part['Ref']}>" for part in body["Fn::Join"][1]
        )
    return json.loads(body)


def group_ref(template: Template) -> str:
    [logical_id] = template.find_resources("AWS::AutoScaling::AutoScalingGroup")
    return logical_id


class TestImageRefresh:
    def test_rule_matches_exactly_this_parameter(self, refresh_fleet) -> None:
        fleet, template = refresh_fleet
        ssm_rules = [
            r for r in props(template, "AWS::Events::Rule") if r["EventPattern"].get("source") == ["aws.ssm"]
        ]
        assert [r["EventPattern"] for r in ssm_rules] == [
            {
                "source": ["aws.ssm"],
                "detail-type": ["Parameter Store Change"],
                "detail": {"name": ["/cdp/ami/web"], "operation": ["Create", "Update"]},
            }
        ]
        [target] = ssm_rules[0]["Targets"]
        machines = template.find_resources("AWS::StepFunctions::StateMachine")
        assert target["Arn"] == {"Ref": next(iter(machines))}
        assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 8}
        assert fleet.image_refresh is not None and fleet.image_refresh.rule is not None

    def test_rule_follows_a_parameter_made_in_the_stack(self, alb_fleet) -> None:
        _, template = alb_fleet
        template.has_resource_properties(
            "AWS::Events::Rule",
            {
                "EventPattern": Match.object_like(
                    {
                        "detail": {
                            "name": [{"Ref": Match.string_like_regexp("^Ami")}],
                            "operation": Match.any_value(),
                        }
                    }
                )
            },
        )

    def test_one_task_starts_a_rolling_refresh_of_this_group(self, refresh_fleet) -> None:
        _, template = refresh_fleet
        machine = definition(template)
        start = machine["States"][machine["StartAt"]]
        assert start["Type"] == "Task"
        assert (
            start["Resource"] == "arn:<Ref:AWS::Partition>:states:::aws-sdk:autoscaling:startInstanceRefresh"
        )
        assert start["Parameters"] == {
            "AutoScalingGroupName": f"<Ref:{group_ref(template)}>",
            "Strategy": "Rolling",
            "Preferences": {
                "MinHealthyPercentage": 100,  # the group may grow: launch before terminating
                "MaxHealthyPercentage": 110,
                "InstanceWarmup": 300,
                "SkipMatching": False,
            },
        }
        assert start["End"] is True
        assert machine["TimeoutSeconds"] == 90 * 60

    def test_refresh_in_progress_is_waited_for_then_succeeds_and_throttling_retried(
        self, refresh_fleet
    ) -> None:
        _, template = refresh_fleet
        machine = definition(template)
        start = machine["States"][machine["StartAt"]]
        retries = {tuple(r["ErrorEquals"]): r for r in start["Retry"]}
        assert retries[("AutoScaling.ThrottlingException", "AutoScaling.ResourceContentionException")] == {
            "ErrorEquals": ["AutoScaling.ThrottlingException", "AutoScaling.ResourceContentionException"],
            "IntervalSeconds": 5,
            "MaxAttempts": 6,
            "BackoffRate": 2,
        }
        in_progress = retries[("AutoScaling.InstanceRefreshInProgressException",)]
        assert (in_progress["IntervalSeconds"], in_progress["MaxAttempts"]) == (600, 6)
        [catch] = start["Catch"]
        assert catch["ErrorEquals"] == ["AutoScaling.InstanceRefreshInProgressException"]
        assert machine["States"][catch["Next"]]["Type"] == "Succeed"

    def test_state_machine_logged_and_traced(self, refresh_fleet) -> None:
        _, template = refresh_fleet
        template.has_resource_properties(
            "AWS::StepFunctions::StateMachine",
            {
                "StateMachineType": "STANDARD",
                "TracingConfiguration": {"Enabled": True},
                "LoggingConfiguration": Match.object_like({"Level": "ALL"}),
            },
        )
        template.has_resource(
            "AWS::Logs::LogGroup",
            {"DeletionPolicy": "Retain", "Properties": Match.object_like({"RetentionInDays": 365})},
        )

    def test_may_refresh_only_this_group(self, refresh_fleet) -> None:
        _, template = refresh_fleet
        statements = [
            s for p in props(template, "AWS::IAM::Policy") for s in p["PolicyDocument"]["Statement"]
        ]
        scaling = [s for s in statements if "autoscaling" in json.dumps(s["Action"])]
        assert len(scaling) == 1
        assert scaling[0]["Action"] == "autoscaling:StartInstanceRefresh"
        assert scaling[0]["Resource"] == {
            "Fn::Join": [
                "",
                [
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    ":autoscaling:",
                    {"Ref": "AWS::Region"},
                    ":",
                    {"Ref": "AWS::AccountId"},
                    ":autoScalingGroup:*:autoScalingGroupName/",
                    {"Ref": group_ref(template)},
                ],
            ]
        }
        starts = [s for s in statements if s["Action"] == "states:StartExecution"]
        assert [s["Resource"] for s in starts] == [
            {"Ref": next(iter(template.find_resources("AWS::StepFunctions::StateMachine")))}
        ]

    def test_undelivered_events_to_an_encrypted_retained_tls_only_queue(self, refresh_fleet) -> None:
        _, template = refresh_fleet
        [(queue_id, queue)] = template.find_resources("AWS::SQS::Queue").items()
        assert queue["DeletionPolicy"] == "Retain"
        [key_id] = template.find_resources("AWS::KMS::Key")
        assert queue["Properties"] == {
            "KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
            "MessageRetentionPeriod": 1209600,
        }
        [rule] = [
            r for r in props(template, "AWS::Events::Rule") if r["EventPattern"].get("source") == ["aws.ssm"]
        ]
        assert rule["Targets"][0]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}
        [policy] = props(template, "AWS::SQS::QueuePolicy")
        statements = policy["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for s in statements
        )
        assert any(s.get("Principal") == {"Service": "events.amazonaws.com"} for s in statements)

    def test_alarms_on_failed_executions_and_dead_letters(self, refresh_fleet, alb_fleet) -> None:
        fleet, template = refresh_fleet
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"Namespace": "AWS/States", "MetricName": "ExecutionsFailed", "Statistic": "Sum", "Threshold": 1},
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Threshold": 1},
        )
        assert len(fleet.alarms) == 4
        _, with_topic = alb_fleet
        with_topic.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "ExecutionsFailed",
                "AlarmActions": [{"Ref": Match.string_like_regexp("^Alarms")}],
            },
        )

    def test_fixed_size_group_terminates_first(self, alb_fleet) -> None:
        _, template = alb_fleet
        preferences = definition(template)["States"]["Start instance refresh"]["Parameters"]["Preferences"]
        assert (preferences["MinHealthyPercentage"], preferences["MaxHealthyPercentage"]) == (90, 100)

    def test_option_off(self) -> None:
        stack, vpc = vpc_stack()
        fleet = BootstrappedFleet(
            stack,
            "Fleet",
            vpc=vpc,
            image_parameter="/cdp/ami/web",
            resolve_image_at_launch=True,
            refresh_on_image_change=False,
        )
        template = template_of(stack)
        assert fleet.image_refresh is None
        template.resource_count_is("AWS::StepFunctions::StateMachine", 0)
        template.resource_count_is("AWS::SQS::Queue", 0)
        assert len(fleet.alarms) == 2

    def test_no_refresh_when_cloudformation_reads_the_parameter(self, default_fleet) -> None:
        fleet, template = default_fleet
        assert fleet.image_refresh is None
        template.resource_count_is("AWS::StepFunctions::StateMachine", 0)
        template.resource_count_is("AWS::SQS::Queue", 0)
        assert all(r["EventPattern"]["source"] != ["aws.ssm"] for r in props(template, "AWS::Events::Rule"))

    def test_standalone_on_an_imported_group_without_waiting(self) -> None:
        stack = new_stack()
        group = autoscaling.AutoScalingGroup.from_auto_scaling_group_name(stack, "Group", "web-fleet")
        refresh = ImageRefresh(
            stack,
            "Refresh",
            auto_scaling_group=group,
            image_parameter_name="/cdp/ami/web",
            min_healthy_percentage=50,
            max_healthy_percentage=150,
            instance_warmup=Duration.minutes(2),
            wait_for_running_refresh=Duration.minutes(0),
        )
        template = template_of(stack)
        start = definition(template)["States"]["Start instance refresh"]
        assert start["Parameters"]["AutoScalingGroupName"] == "web-fleet"
        assert start["Parameters"]["Preferences"]["InstanceWarmup"] == 120
        assert [r["ErrorEquals"] for r in start["Retry"]] == [
            ["AutoScaling.ThrottlingException", "AutoScaling.ResourceContentionException"]
        ]
        assert start["Catch"][0]["ErrorEquals"] == ["AutoScaling.InstanceRefreshInProgressException"]
        assert "autoScalingGroupName/web-fleet" in json.dumps(props(template, "AWS::IAM::Policy"))
        assert len(refresh.alarms) == 2

    def test_every_problem_at_once(self) -> None:
        stack = new_stack()
        group = autoscaling.AutoScalingGroup.from_auto_scaling_group_name(stack, "Group", "web-fleet")
        with pytest.raises(ValueError) as error:
            ImageRefresh(
                stack,
                "Refresh",
                auto_scaling_group=group,
                image_parameter_name="/cdp/ami/web",
                min_healthy_percentage=-1,
                max_healthy_percentage=250,
                instance_warmup=Duration.days(2),
                wait_for_running_refresh=Duration.days(2),
            )
        message = str(error.value)
        for fragment in (
            "min_healthy_percentage=-1",
            "max_healthy_percentage=250",
            "max_healthy_percentage=250: at most 100 above min_healthy_percentage=-1",
            "instance_warmup=172800",
            "wait_for_running_refresh=2880",
        ):
            assert fragment in message


class TestFleetErrors:
    def build(self, **overrides):
        stack, vpc = vpc_stack()
        return BootstrappedFleet(stack, "F", vpc=vpc, **{"image_parameter": "/cdp/ami/web", **overrides})

    def test_key_pair_refused(self) -> None:
        with pytest.raises(
            ValueError, match=r"key_pair='ops': instances take no SSH key.*aws ssm start-session"
        ):
            self.build(key_pair="ops")

    def test_ssh_refused(self) -> None:
        with pytest.raises(ValueError) as error:
            self.build(allow_ssh=True, instance_port=22)
        message = str(error.value)
        assert "allow_ssh=True: port 22 stays closed" in message
        assert "instance_port=22: port 22 (SSH) is never opened" in message
        assert message.count("aws ssm start-session --target i-...") == 2

    def test_same_stack_parameter_needs_launch_resolution(self) -> None:
        stack, vpc = vpc_stack()
        parameter = ssm.StringParameter(stack, "Ami", string_value="ami-0123456789abcdef0")
        with pytest.raises(
            ValueError, match=r"image_parameter=.*first deploy would fail.*resolve_image_at_launch"
        ):
            BootstrappedFleet(stack, "F", vpc=vpc, image_parameter=parameter)

    def test_every_problem_at_once(self) -> None:
        with pytest.raises(ValueError) as error:
            self.build(
                image_parameter="no spaces allowed",
                min_capacity=0,
                max_capacity=-1,
                root_volume_gib=0,
                load_balancer="public",
                certificate_arn="arn:x",
                health_check_path="health",
                config_key="a.yaml",
                config_parameter_names=["bad name"],
                boot_commands=[" "],
            )
        message = str(error.value)
        for fragment in (
            "image_parameter='no spaces allowed'",
            "min_capacity=0",
            "max_capacity=-1",
            "root_volume_gib=0",
            "load_balancer='public'",
            "health_check_path='health'",
            "config_key='a.yaml'",
            "config_parameter_names='bad name'",
            "boot_commands[0]",
        ):
            assert fragment in message

    def test_certificate_without_load_balancer(self) -> None:
        with pytest.raises(ValueError, match=r"certificate_arn='arn:x': only used with a load_balancer"):
            self.build(certificate_arn="arn:x")


# --- Example stack -----------------------------------------------------------------------------------


def test_example_stack_composition(example_templates) -> None:
    """The example stack (synthesized once per session, nag and cfn-lint checked in tests/stacks)."""
    template = example_templates["CdpAmiMaintenance"]
    checked = Template.from_json(template)
    checked.resource_count_is("AWS::ImageBuilder::ImagePipeline", 1)
    checked.resource_count_is("AWS::DLM::LifecyclePolicy", 1)
    checked.has_resource_properties("AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internal"})
    checked.has_resource_properties("AWS::AutoScaling::AutoScalingGroup", {"MinSize": "2"})
    checked.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": Match.object_like(
                {"source": ["aws.ssm"], "detail": Match.object_like({"name": [Match.any_value()]})}
            )
        },
    )
    checked.resource_count_is("AWS::StepFunctions::StateMachine", 1)
    checked.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "ImageId": "resolve:ssm:/cdp/ami/web",
                }
            )
        },
    )


def test_load_balancer_needs_a_region() -> None:
    from aws_cdk import App, Stack

    stack = Stack(App(), "NoRegion")
    vpc = ec2.Vpc(stack, "Vpc")
    with pytest.raises(
        ValueError, match=r"load_balancer='internal': ALB access logs need a stack with an explicit"
    ):
        BootstrappedFleet(stack, "F", vpc=vpc, image_parameter="/cdp/ami/web", load_balancer="internal")
