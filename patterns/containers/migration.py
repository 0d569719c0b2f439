"""MigrationTask: slow start-up work (a database migration) runs apart, once per deployment, to completion."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import jsii
from aws_cdk import Aws, CfnElement, CustomResource, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from aws_cdk import custom_resources as cr
from constructs import Construct

from .._core import (
    DEFAULT_LOG_RETENTION,
    Problems,
    acknowledge,
    acknowledge_wildcard_resources,
    log_group,
    nag_ref,
    python_function,
)
from .._core.arguments import DeployTimeList, checked_arguments
from .._core.limits import check_subnets_in_vpc, cluster_vpc
from .run_definition import (
    EfsVolume,
    add_app_container,
    allow_efs_from,
    check_command,
    check_environment,
    check_fargate_size,
    check_volumes,
)

RUNTIME = Path(__file__).parent / "runtime"
MAX_TIMEOUT = Duration.minutes(55)
"""CloudFormation waits one hour at most for a custom resource; the provider needs a few minutes of margin."""


@jsii.implements(ec2.IConnectable)
class MigrationTask(Construct):
    """A one-off task (the application's image with a migration command) that runs to completion on
    every deployment that changes it, before the service rolls forward.

    A STANDARD Step Functions state machine runs the task with ``ecs:runTask.sync`` and fails unless
    the container exits 0; a custom resource (provider framework: an ``onEvent`` Lambda starts the
    execution, an ``isComplete`` Lambda polls it) starts it on deploy. Pass the task to
    ``ContainerService(migration=...)``: the service then depends on it, so a failed migration fails
    the deployment and CloudFormation rolls back instead of the new tasks crash-looping. The task
    re-runs when its image, command or anything else in its task definition changes.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster: ecs.ICluster,
        image: ecs.ContainerImage | None = None,
        command: DeployTimeList | None = None,
        environment: Mapping[str, str] | None = None,
        secrets: Mapping[str, ecs.Secret] | None = None,
        volumes: Sequence[EfsVolume] = (),
        cpu: int = 256,
        memory_mib: int = 512,
        timeout: Duration = Duration.minutes(30),
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_group: ec2.ISecurityGroup | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
    ) -> None:
        """
        :param cluster: the ECS cluster to run the task on.
        :param image: the application's image (the same one the service runs). Required: a
            ``ValueError`` without it.
        :param command: the migration command, e.g. ``["python", "manage.py", "migrate"]``. Required.
        :param environment: configuration variables, as for ``ContainerService``. Default none.
        :param secrets: variables from SSM Parameter Store or Secrets Manager (the database
            credentials). Default none.
        :param volumes: EFS volumes, as for ``ContainerService``. Default none.
        :param cpu: task CPU units. Default 256.
        :param memory_mib: task memory, a size Fargate offers with ``cpu``. Default 512.
        :param timeout: how long the migration may run (1-55 minutes). Default 30 minutes.
        :param vpc_subnets: where the task runs. Default: the private subnets with egress.
        :param security_group: the task's security group (allow it into the database). Default: a new
            one with no inbound rule and all outbound.
        :param log_retention: retention of the task's, state machine's and handlers' log groups.
            Default one year.
        """
        super().__init__(scope, id)
        environment = dict(environment or {})
        secrets = dict(secrets or {})
        problems = Problems("MigrationTask")
        problems.require(image is not None, "image", image, "the migration needs the application's image")
        check_command(problems, "command", command, required=True)
        check_fargate_size(problems, cpu, memory_mib)
        check_environment(problems, environment, secrets)
        check_volumes(problems, volumes)
        if not timeout.is_unresolved():
            problems.require(
                Duration.minutes(1).to_seconds() <= timeout.to_seconds() <= MAX_TIMEOUT.to_seconds(),
                "timeout",
                timeout.to_human_string(),
                "must be between 1 and 55 minutes",
            )
        check_subnets_in_vpc(problems, "vpc_subnets", vpc_subnets, cluster_vpc(cluster), "the cluster's VPC")
        problems.raise_if_any()
        assert image is not None and command is not None

        self.log_group = log_group(self, "Logs", retention=log_retention)
        self.task_definition = ecs.FargateTaskDefinition(
            self, "TaskDefinition", cpu=cpu, memory_limit_mib=memory_mib
        )
        self.container = add_app_container(
            self.task_definition,
            image=image,
            log_group=self.log_group,
            stream_prefix="migration",
            environment=environment,
            secrets=secrets,
            command=command,
            ports=[],
            health_check=None,
            volumes=volumes,
            readonly_root_filesystem=False,
        )
        self.security_group = security_group or ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=cluster.vpc,
            allow_all_outbound=True,
            description="One-off migration task: no inbound rule",
        )
        allow_efs_from(volumes, self.security_group)

        run = tasks.EcsRunTask(
            self,
            "RunTask",
            integration_pattern=sfn.IntegrationPattern.RUN_JOB,
            cluster=cluster,
            task_definition=self.task_definition,
            launch_target=tasks.EcsFargateLaunchTarget(platform_version=ecs.FargatePlatformVersion.LATEST),
            subnets=vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_groups=[self.security_group],
            assign_public_ip=False,
            state_name="Run migration task",
        )
        # runTask.sync finishes when the task stops, whatever the exit code: check it.
        exited_zero = sfn.Condition.and_(
            sfn.Condition.is_present("$.Containers[0].ExitCode"),
            sfn.Condition.number_equals("$.Containers[0].ExitCode", 0),
        )
        check = (
            sfn.Choice(self, "ExitedZero", state_name="Exited with 0?")
            .when(exited_zero, sfn.Succeed(self, "Migrated"))
            .otherwise(
                sfn.Fail(
                    self,
                    "MigrationFailed",
                    error="MigrationFailed",
                    cause="The migration container stopped without exit code 0; see the task's log group.",
                )
            )
        )
        self.state_machine_log_group = log_group(self, "StateMachineLogs", retention=log_retention)
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(run.next(check)),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=timeout,
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=self.state_machine_log_group, level=sfn.LogLevel.ALL),
        )
        acknowledge(
            self.state_machine.role,
            {
                "AwsSolutions-IAM5[Resource::*]": "The ecs:runTask.sync integration needs ecs:StopTask/DescribeTasks "
                "on the tasks it starts (ARNs unknown in advance); X-Ray writes and CloudWatch Logs delivery "
                "have no resource-level permission.",
            },
        )
        task_definition = self.task_definition.node.default_child
        assert isinstance(task_definition, CfnElement)
        acknowledge_wildcard_resources(
            self.state_machine.role,
            {  # how the family's ARN renders depends on the app's flags and account: match the resource
                re.escape(Stack.of(self).resolve(task_definition.logical_id)): "ecs:runTask.sync may run "
                "any revision of this migration's own task definition family (revisions are created on "
                "every deploy).",
            },
        )

        self.on_event_function = python_function(
            self,
            "OnEvent",
            code_dir=RUNTIME,
            handler="migration_runner.on_event",
            description="Starts the migration state machine on deploy",
            log_retention=log_retention,
        )
        self.is_complete_function = python_function(
            self,
            "IsComplete",
            code_dir=RUNTIME,
            handler="migration_runner.is_complete",
            description="Reports whether the migration state machine has finished",
            log_retention=log_retention,
        )
        self.state_machine.grant_start_execution(self.on_event_function)
        executions = f"arn:{Aws.PARTITION}:states:{Aws.REGION}:{Aws.ACCOUNT_ID}:execution:"
        self.is_complete_function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["states:DescribeExecution"],
                resources=[f"{executions}{self.state_machine.state_machine_name}:*"],
            )
        )
        assert self.is_complete_function.role is not None
        acknowledge(
            self.is_complete_function.role,
            {
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
                f"{nag_ref(self.state_machine, 'Name')}:*]": "Only the executions of this one state machine; "
                "their names are generated per run.",
            },
        )
        self.provider_log_group = log_group(self, "ProviderLogs", retention=log_retention)
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.on_event_function,
            is_complete_handler=self.is_complete_function,
            query_interval=Duration.seconds(15),
            total_timeout=Duration.seconds(timeout.to_seconds() + 300)
            if not timeout.is_unresolved()
            else None,
            log_group=self.provider_log_group,
            disable_waiter_state_machine_logging=False,
            waiter_state_machine_log_options=cr.LogOptions(
                destination=self.provider_log_group, level=sfn.LogLevel.ALL
            ),
        )
        self._acknowledge_provider()
        self.resource = CustomResource(
            self,
            "Run",
            service_token=self.provider.service_token,
            resource_type="Custom::MigrationRun",
            properties={
                "StateMachineArn": self.state_machine.state_machine_arn,
                # Any change here is an Update, and an Update runs the migration again.
                "TaskDefinitionArn": self.task_definition.task_definition_arn,
                "Image": self.container.image_name,
                "Command": list(command),
            },
        )

    def _acknowledge_provider(self) -> None:
        """The provider framework's own functions and waiter state machine (CDK-managed code)."""
        user_functions = (self.on_event_function, self.is_complete_function)
        framework = {
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]": "The provider framework's functions (CDK's code) only write their logs with AWS's basic "
            "execution policy.",
            **{
                f"AwsSolutions-IAM5[Resource::{nag_ref(fn)}:*]": "The provider framework invokes this "
                "pattern's own handler function (any version); no other function is reachable."
                for fn in user_functions
            },
        }
        for name in ("framework-onEvent", "framework-isComplete", "framework-onTimeout"):
            child = self.provider.node.try_find_child(name)
            if child is not None:
                acknowledge(child, framework)
        waiter = self.provider.node.try_find_child("waiter-state-machine")
        if waiter is not None:
            polled = [
                self.provider.node.try_find_child(n) for n in ("framework-isComplete", "framework-onTimeout")
            ]
            acknowledge(
                waiter,
                {
                    "AwsSolutions-SF2": "The provider framework's waiter only loops over the isComplete function; "
                    "CDK offers no tracing option for it, and the handlers themselves are traced.",
                    "AwsSolutions-IAM5[Resource::*]": "CloudWatch Logs delivery for the waiter's execution logs "
                    "(logs:CreateLogDelivery and related) supports no resource-level permission.",
                    **{
                        f"AwsSolutions-IAM5[Resource::{nag_ref(fn)}:*]": "The waiter invokes the provider "
                        "framework's own function (any version) and nothing else."
                        for fn in polled
                        if fn is not None
                    },
                },
            )

    @property
    def connections(self) -> ec2.Connections:
        """The migration task's security group (``ec2.IConnectable``): ``database.connections.allow_from(
        migration, port)`` lets the migration reach a database."""
        return ec2.Connections(security_groups=[self.security_group])
