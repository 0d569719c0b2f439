"""PollingWorker(engine="beanstalk"): the Elastic Beanstalk worker tier, its queues, roles, options,
alarms and source bundle, each option, and bad input."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Duration, Environment, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from patterns.async_work import PollingWorker
from patterns.async_work.instance_types import architecture, known_instance_types
from patterns.network import SecureNetwork
from tests.conftest import new_stack
from tests.support import cfn_lint, synth_checked

STACK_40 = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$")


def _options(template: Template) -> dict[tuple[str, str], Any]:
    (environment,) = template.find_resources("AWS::ElasticBeanstalk::Environment").values()
    return {
        (o["Namespace"], o["OptionName"]): o["Value"] for o in environment["Properties"]["OptionSettings"]
    }


def _vpc(stack: Stack) -> ec2.Vpc:
    return ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)


@pytest.fixture(scope="module")
def defaults() -> tuple[Template, PollingWorker]:
    stack = new_stack()
    topic = sns.Topic(stack, "Topic")
    worker = PollingWorker(stack, "Poll", engine="beanstalk", vpc=_vpc(stack), alarm_topic=topic)
    return Template.from_stack(stack), worker


@pytest.fixture(scope="module")
def template(defaults: tuple[Template, PollingWorker]) -> Template:
    return defaults[0]


@pytest.fixture(scope="module")
def options(template: Template) -> dict[tuple[str, str], Any]:
    return _options(template)


class TestEnvironment:
    def test_worker_tier_on_the_default_python_platform(self, template: Template) -> None:
        template.has_resource_properties(
            "AWS::ElasticBeanstalk::Environment",
            {
                "Tier": {"Name": "Worker", "Type": "SQS/HTTP"},
                "SolutionStackName": "64bit Amazon Linux 2023 v4.13.8 running Python 3.13",
                "ApplicationName": {"Ref": Match.any_value()},
                "VersionLabel": {"Ref": Match.any_value()},
            },
        )
        template.resource_count_is("AWS::ElasticBeanstalk::Application", 1)

    def test_t4g_nano_on_arm64(self, options: dict) -> None:
        assert options[("aws:ec2:instances", "InstanceTypes")] == "t4g.nano"
        assert options[("aws:ec2:instances", "SupportedArchitectures")] == "arm64"

    def test_imdsv2_only_and_no_ssh_key(self, options: dict) -> None:
        assert options[("aws:autoscaling:launchconfiguration", "DisableIMDSv1")] == "true"
        assert ("aws:autoscaling:launchconfiguration", "EC2KeyName") not in options

    def test_own_security_group_without_inbound_rules(self, template: Template, options: dict) -> None:
        group = options[("aws:autoscaling:launchconfiguration", "SecurityGroups")]
        logical_id = group["Fn::GetAtt"][0]
        resource = template.find_resources("AWS::EC2::SecurityGroup")[logical_id]
        assert "SecurityGroupIngress" not in resource["Properties"]

    def test_private_subnets_without_public_ip(self, template: Template, options: dict) -> None:
        assert options[("aws:ec2:vpc", "AssociatePublicIpAddress")] == "false"
        assert list(options[("aws:ec2:vpc", "VPCId")]) == ["Ref"]
        subnets = options[("aws:ec2:vpc", "Subnets")]["Fn::Join"]
        assert subnets[0] == ","
        refs = [ref["Ref"] for ref in subnets[1]]
        assert len(refs) == 2 and all("PrivateSubnet" in ref for ref in refs)

    def test_managed_platform_updates(self, options: dict) -> None:
        assert options[("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled")] == "true"
        assert options[("aws:elasticbeanstalk:managedactions", "PreferredStartTime")] == "Sun:03:00"
        assert options[("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel")] == "minor"

    def test_enhanced_health(self, options: dict) -> None:
        assert options[("aws:elasticbeanstalk:healthreporting:system", "SystemType")] == "enhanced"

    def test_logs_streamed_with_retention_and_kept(self, options: dict) -> None:
        assert options[("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs")] == "true"
        assert options[("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays")] == "365"
        assert options[("aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate")] == "false"
        assert options[("aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled")] == "true"
        assert options[("aws:elasticbeanstalk:cloudwatch:logs:health", "RetentionInDays")] == "365"
        assert options[("aws:elasticbeanstalk:hostmanager", "LogPublicationControl")] == "true"

    def test_one_instance_no_load_balancer(self, options: dict) -> None:
        assert options[("aws:autoscaling:asg", "MinSize")] == "1"
        assert options[("aws:autoscaling:asg", "MaxSize")] == "1"
        assert options[("aws:autoscaling:launchconfiguration", "RootVolumeType")] == "gp3"
        assert options[("aws:autoscaling:launchconfiguration", "RootVolumeSize")] == "8"

    def test_wsgi_app_of_the_bundle(self, options: dict) -> None:
        assert options[("aws:elasticbeanstalk:container:python", "WSGIPath")] == "beanstalk_app:application"
        assert options[("aws:elasticbeanstalk:container:python", "NumThreads")] == "10"

    def test_names_fit_beanstalk(self, template: Template, defaults: tuple[Template, PollingWorker]) -> None:
        worker = defaults[1].beanstalk
        assert worker is not None and STACK_40.match(worker.environment_name)
        template.has_resource_properties(
            "AWS::ElasticBeanstalk::Environment", {"EnvironmentName": worker.environment_name}
        )


class TestDaemon:
    def test_worker_queue_is_the_constructs(self, template: Template, options: dict) -> None:
        queue = options[("aws:elasticbeanstalk:sqsd", "WorkerQueueURL")]["Ref"]
        redrive = template.find_resources("AWS::SQS::Queue")[queue]["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == 5

    def test_timeouts(self, template: Template, options: dict) -> None:
        assert options[("aws:elasticbeanstalk:sqsd", "InactivityTimeout")] == "60"
        assert options[("aws:elasticbeanstalk:sqsd", "VisibilityTimeout")] == "360"
        assert options[("aws:elasticbeanstalk:sqsd", "ErrorVisibilityTimeout")] == "60"
        assert options[("aws:elasticbeanstalk:sqsd", "MaxRetries")] == "5"
        queue = options[("aws:elasticbeanstalk:sqsd", "WorkerQueueURL")]["Ref"]
        assert template.find_resources("AWS::SQS::Queue")[queue]["Properties"]["VisibilityTimeout"] == 360

    def test_posts_json_to_root(self, options: dict) -> None:
        assert options[("aws:elasticbeanstalk:sqsd", "HttpPath")] == "/"
        assert options[("aws:elasticbeanstalk:sqsd", "MimeType")] == "application/json"
        assert options[("aws:elasticbeanstalk:sqsd", "HttpConnections")] == "10"

    def test_app_configuration_is_the_pollers(self, options: dict) -> None:
        env = {name: value for (ns, name), value in options.items() if ns.endswith("application:environment")}
        assert set(env) == {
            "QUEUE_URL",
            "DEAD_LETTER_QUEUE_URL",
            "DEDUP_TABLE",
            "CHECK_FUNCTION",
            "POLL_INTERVAL_SECONDS",
            "MAX_ATTEMPTS",
            "LEASE_SECONDS",
            "DEDUP_TTL_SECONDS",
            "HTTP_PATH",
            "AWS_DEFAULT_REGION",
        }
        assert env["QUEUE_URL"] == options[("aws:elasticbeanstalk:sqsd", "WorkerQueueURL")]
        assert (env["POLL_INTERVAL_SECONDS"], env["MAX_ATTEMPTS"], env["LEASE_SECONDS"]) == (
            "300",
            "288",
            "60",
        )
        assert env["AWS_DEFAULT_REGION"] == "us-east-1"


class TestQueues:
    def test_kms_encrypted_with_a_rotated_retained_key(self, template: Template) -> None:
        (key,) = template.find_resources("AWS::KMS::Key")
        template.has_resource(
            "AWS::KMS::Key",
            {"Properties": Match.object_like({"EnableKeyRotation": True}), "DeletionPolicy": "Retain"},
        )
        queues = template.find_resources("AWS::SQS::Queue")
        assert len(queues) == 2
        for queue in queues.values():
            assert queue["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
            assert queue["DeletionPolicy"] == "Retain"

    def test_eventbridge_may_encrypt_for_the_queue(self, template: Template) -> None:
        template.has_resource_properties(
            "AWS::KMS::Key",
            {
                "KeyPolicy": {
                    "Statement": Match.array_with(
                        [Match.object_like({"Principal": {"Service": "events.amazonaws.com"}})]
                    )
                }
            },
        )

    def test_rule_targets_the_worker_queue(self, template: Template, options: dict) -> None:
        queue = options[("aws:elasticbeanstalk:sqsd", "WorkerQueueURL")]["Ref"]
        template.has_resource_properties(
            "AWS::Events::Rule",
            {"Targets": [Match.object_like({"Arn": {"Fn::GetAtt": [queue, "Arn"]}})]},
        )

    def test_dedup_table_and_no_lambda_consumer(self, template: Template) -> None:
        template.resource_count_is("AWS::DynamoDB::Table", 1)
        template.resource_count_is("AWS::Lambda::EventSourceMapping", 0)
        functions = template.find_resources(
            "AWS::Lambda::Function", {"Properties": {"Runtime": Match.string_like_regexp("python")}}
        )
        assert [f["Properties"]["Handler"] for f in functions.values()] == ["example_check.handler"]


class TestRoles:
    def _instance_policy(self, template: Template) -> list[dict[str, Any]]:
        policies = [
            p["Properties"]["PolicyDocument"]["Statement"]
            for p in template.find_resources("AWS::IAM::Policy").values()
            if "InstanceRole" in p["Properties"]["Roles"][0]["Ref"]
        ]
        assert len(policies) == 1
        return policies[0]

    def test_instance_role_has_no_managed_policy(self, template: Template) -> None:
        roles = template.find_resources(
            "AWS::IAM::Role",
            {
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Statement": [Match.object_like({"Principal": {"Service": "ec2.amazonaws.com"}})]
                    }
                }
            },
        )
        assert len(roles) == 1
        assert "ManagedPolicyArns" not in next(iter(roles.values()))["Properties"]

    def test_instance_role_least_privilege(self, template: Template) -> None:
        actions = sorted(
            action
            for statement in self._instance_policy(template)
            for action in (
                [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
            )
        )
        assert set(actions) == {
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ReceiveMessage",
            "sqs:SendMessage",
            "kms:Decrypt",
            "kms:Encrypt",
            "kms:GenerateDataKey*",
            "kms:ReEncrypt*",
            "logs:CreateLogStream",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
            "elasticbeanstalk:PutInstanceStatistics",
            "s3:PutObject",
            "s3:GetObject",
            "dynamodb:BatchGetItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:UpdateItem",
            "lambda:InvokeFunction",
        }
        for statement in self._instance_policy(template):
            assert statement["Resource"] != "*", statement

    def test_logs_scoped_to_the_environment(
        self, template: Template, defaults: tuple[Template, PollingWorker]
    ) -> None:
        name = defaults[1].beanstalk.environment_name  # type: ignore[union-attr]
        [logs] = [s for s in self._instance_policy(template) if s.get("Sid") == "StreamLogs"]
        assert json.dumps(logs["Resource"]).endswith(f':log-group:/aws/elasticbeanstalk/{name}/*"]]}}')

    def test_instance_profile_is_the_environments(self, template: Template, options: dict) -> None:
        profile = options[("aws:autoscaling:launchconfiguration", "IamInstanceProfile")]["Ref"]
        assert profile in template.find_resources("AWS::IAM::InstanceProfile")

    def test_service_role(self, template: Template, options: dict) -> None:
        role_id = options[("aws:elasticbeanstalk:environment", "ServiceRole")]["Fn::GetAtt"][0]
        role = template.find_resources("AWS::IAM::Role")[role_id]["Properties"]
        statement = role["AssumeRolePolicyDocument"]["Statement"][0]
        assert statement["Principal"] == {"Service": "elasticbeanstalk.amazonaws.com"}
        assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "elasticbeanstalk"}}
        arns = json.dumps(role["ManagedPolicyArns"])
        assert "policy/service-role/AWSElasticBeanstalkEnhancedHealth" in arns
        assert "policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy" in arns


class TestAlarms:
    def test_environment_health(self, template: Template, defaults: tuple[Template, PollingWorker]) -> None:
        name = defaults[1].beanstalk.environment_name  # type: ignore[union-attr]
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/ElasticBeanstalk",
                "MetricName": "EnvironmentHealth",
                "Dimensions": [{"Name": "EnvironmentName", "Value": name}],
                "Threshold": 20,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "AlarmActions": [{"Ref": Match.string_like_regexp("Topic")}],
            },
        )

    def test_dead_letter_depth_and_oldest_message(self, template: Template) -> None:
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"MetricName": "ApproximateNumberOfMessagesVisible", "Threshold": 1},
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {"MetricName": "ApproximateAgeOfOldestMessage", "Threshold": 1800},
        )
        template.resource_count_is("AWS::CloudWatch::Alarm", 3)

    def test_alarms_attribute(self, defaults: tuple[Template, PollingWorker]) -> None:
        worker = defaults[1]
        assert len(worker.alarms) == 3 and worker.beanstalk.health_alarm in worker.alarms  # type: ignore[union-attr]


def test_source_bundle_holds_the_app_and_the_pollers_logic(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Bundle")
    worker = PollingWorker(stack, "Poll", engine="beanstalk", vpc=_vpc(stack))
    app.synth()
    key = worker.beanstalk.source_bundle.s3_object_key  # type: ignore[union-attr]
    template = json.loads((tmp_path / "Bundle.template.json").read_text())
    [version] = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::ElasticBeanstalk::ApplicationVersion"
    ]
    asset_hash = version["Properties"]["SourceBundle"]["S3Key"].split(".")[0]
    assert key  # a token before synthesis
    staged = tmp_path / f"asset.{asset_hash}"
    assert sorted(p.name for p in staged.iterdir()) == ["beanstalk_app.py", "poller.py", "requirements.txt"]
    assert "boto3==" in (staged / "requirements.txt").read_text()


class TestOptions:
    def test_instance_type_sets_the_architecture(self) -> None:
        stack = new_stack()
        PollingWorker(stack, "Poll", engine="beanstalk", vpc=_vpc(stack), instance_type="t3.micro")
        options = _options(Template.from_stack(stack))
        assert options[("aws:ec2:instances", "InstanceTypes")] == "t3.micro"
        assert options[("aws:ec2:instances", "SupportedArchitectures")] == "x86_64"

    def test_pinned_platform_path_and_timeouts(self) -> None:
        stack = new_stack()
        vpc = _vpc(stack)
        worker = PollingWorker(
            stack,
            "Poll",
            engine="beanstalk",
            vpc=vpc,
            solution_stack="64bit Amazon Linux 2023 v4.7.1 running Python 3.12",
            http_path="/work",
            consumer_timeout=Duration.seconds(120),
            visibility_timeout=Duration.seconds(300),
            max_receive_count=3,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
            removal_policy=RemovalPolicy.DESTROY,
        )
        template = Template.from_stack(stack)
        options = _options(template)
        template.has_resource_properties(
            "AWS::ElasticBeanstalk::Environment",
            {"SolutionStackName": "64bit Amazon Linux 2023 v4.7.1 running Python 3.12"},
        )
        assert options[("aws:elasticbeanstalk:sqsd", "HttpPath")] == "/work"
        assert options[("aws:elasticbeanstalk:application:environment", "HTTP_PATH")] == "/work"
        assert options[("aws:elasticbeanstalk:sqsd", "InactivityTimeout")] == "120"
        assert options[("aws:elasticbeanstalk:sqsd", "ErrorVisibilityTimeout")] == "120"
        assert options[("aws:elasticbeanstalk:sqsd", "VisibilityTimeout")] == "300"
        assert options[("aws:elasticbeanstalk:sqsd", "MaxRetries")] == "3"
        refs = [ref["Ref"] for ref in options[("aws:ec2:vpc", "Subnets")]["Fn::Join"][1]]
        assert all("PublicSubnet" in ref for ref in refs)
        for queue in template.find_resources("AWS::SQS::Queue").values():
            assert queue["DeletionPolicy"] == "Delete"
        template.has_resource("AWS::KMS::Key", {"DeletionPolicy": "Delete"})
        assert worker.queue is not None and worker.encryption_key is not None

    def test_two_workers_side_by_side(self) -> None:
        stack = new_stack()
        vpc = _vpc(stack)
        first = PollingWorker(stack, "One", engine="beanstalk", vpc=vpc)
        second = PollingWorker(stack, "Two", engine="beanstalk", vpc=vpc)
        assert first.beanstalk.environment_name != second.beanstalk.environment_name  # type: ignore[union-attr]
        assert first.beanstalk.application_name != second.beanstalk.application_name  # type: ignore[union-attr]

    def test_bare_app_with_an_explicit_account_passes_nag_and_cfn_lint(self) -> None:
        def build(app: App) -> Stack:
            stack = Stack(app, "Bare", env=Environment(account="123456789012", region="eu-west-1"))
            PollingWorker(stack, "Poll", engine="beanstalk", vpc=SecureNetwork(stack, "Network").vpc)
            return stack

        template = synth_checked(build, region="eu-west-1")
        # W3010: the VPC's availability zones, which CDK hard-codes when the account is explicit.
        assert [f for f in cfn_lint(template, region="eu-west-1") if "W3010" not in f] == []


_ids = itertools.count()


@pytest.fixture(scope="module")
def shared() -> tuple[Stack, ec2.Vpc]:
    """One stack and VPC for the bad-input cases (each raises before building anything that clashes)."""
    stack = new_stack()
    return stack, _vpc(stack)


class TestBadInput:
    def test_every_problem_in_one_error(self, shared: tuple[Stack, ec2.Vpc]) -> None:
        stack, vpc = shared
        with pytest.raises(ValueError) as error:
            PollingWorker(
                stack,
                f"Poll{next(_ids)}",
                engine="beanstalk",
                vpc=vpc,
                instance_type="t9.huge",
                solution_stack="Python 3.13 on Linux",
                http_path="work",
                consumer_timeout=Duration.seconds(600),
                visibility_timeout=Duration.seconds(300),
            )
        message = str(error.value)
        assert "instance_type='t9.huge': is not an EC2 instance type" in message
        assert (
            "solution_stack='Python 3.13 on Linux': must name a Python platform on Amazon Linux 2023"
            in message
        )
        assert "http_path='work': must start with /" in message
        assert (
            "consumer_timeout='600 s': the worker's inactivity timeout must be below the queue's visibility_timeout (300 s)"
            in message
        )

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"vpc": None}, r"vpc=None: is required with engine='beanstalk'"),
            ({"instance_type": "t2.nanoo"}, r"instance_type='t2.nanoo': is not an EC2 instance type"),
            ({"instance_type": "T4G.NANO"}, r"instance_type='T4G.NANO': is not an EC2 instance type"),
            (
                {"solution_stack": "64bit Amazon Linux 2 v3.8.0 running Python 3.11"},
                r"solution_stack='64bit Amazon Linux 2 v3.8.0 running Python 3.11': must name",
            ),
            (
                {"solution_stack": "64bit Amazon Linux 2023 v4.13.8 running Node.js 22"},
                r"solution_stack=.*Node.js 22': must name a Python platform",
            ),
            (
                {"solution_stack": "64bit Amazon Linux 2023 v4.13 running Python 3.13"},
                r"solution_stack=.*must name",
            ),
            ({"http_path": ""}, r"http_path='': must start with /"),
            (
                {"consumer_timeout": Duration.seconds(360)},  # default visibility: 6 x 360 is fine
                None,
            ),
            (
                {"consumer_timeout": Duration.seconds(60), "visibility_timeout": Duration.seconds(60)},
                r"consumer_timeout='60 s': the worker's inactivity timeout must be below the queue's visibility_timeout \(60 s\)",
            ),
            ({"visibility_timeout": Duration.hours(13)}, r"visibility_timeout=.*must be at most 12 hours"),
            ({"batch_size": 5}, r"batch_size=5: applies to engine='sqs' only"),
            (
                {"execution_timeout": Duration.hours(1)},
                r"execution_timeout=.*applies to engine='stepfunctions' only",
            ),
            (
                {"check_timeout": Duration.seconds(90)},
                r"consumer_timeout='60 s': must cover the check function's timeout",
            ),
        ],
    )
    def test_each_error_names_the_argument(
        self, kwargs: dict, message: str | None, shared: tuple[Stack, ec2.Vpc]
    ) -> None:
        stack, vpc = shared
        arguments: dict[str, Any] = {"engine": "beanstalk", "vpc": vpc, **kwargs}
        if message is None:
            PollingWorker(stack, f"Poll{next(_ids)}", **arguments)
            return
        with pytest.raises(ValueError, match=message):
            PollingWorker(stack, f"Poll{next(_ids)}", **arguments)

    @pytest.mark.parametrize("engine", ["sqs", "stepfunctions"])
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("instance_type", "t4g.nano"),
            ("solution_stack", "64bit Amazon Linux 2023 v4.13.8 running Python 3.13"),
            ("http_path", "/"),
            ("vpc_subnets", ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)),
        ],
    )
    def test_beanstalk_options_with_another_engine(
        self, engine: str, name: str, value: Any, shared: tuple[Stack, ec2.Vpc]
    ) -> None:
        stack, _ = shared
        with pytest.raises(ValueError, match=rf"{name}=.*: applies to engine='beanstalk' only"):
            PollingWorker(stack, f"Poll{next(_ids)}", engine=engine, **{name: value})  # type: ignore[arg-type]

    def test_vpc_with_another_engine(self, shared: tuple[Stack, ec2.Vpc]) -> None:
        stack, vpc = shared
        with pytest.raises(ValueError, match=r"vpc=.*: applies to engine='beanstalk' only"):
            PollingWorker(stack, f"Poll{next(_ids)}", vpc=vpc)


class TestInstanceTypes:
    def test_shipped_list_is_botocores(self) -> None:
        """Every shipped type is in the installed botocore's enum (a newer botocore may know more types:
        regenerate the list to accept them, see its second line)."""
        import botocore.session

        model = botocore.session.get_session().get_service_model("ec2")
        botocore_types = frozenset(model.shape_for("InstanceType").enum)
        assert known_instance_types() <= botocore_types
        assert len(known_instance_types()) > 1000 and "t4g.nano" in known_instance_types()

    @pytest.mark.parametrize(
        ("instance_type", "expected"),
        [
            ("t4g.nano", "arm64"),
            ("m7gd.large", "arm64"),
            ("c8gn.xlarge", "arm64"),
            ("a1.medium", "arm64"),
            ("g5g.xlarge", "arm64"),
            ("t3.nano", "x86_64"),
            ("t2.nano", "x86_64"),
            ("g4dn.xlarge", "x86_64"),
            ("m7a.large", "x86_64"),
        ],
    )
    def test_architecture(self, instance_type: str, expected: str) -> None:
        assert instance_type in known_instance_types()
        assert architecture(instance_type) == expected
