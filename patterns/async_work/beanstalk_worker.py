"""BeanstalkWorker: an Elastic Beanstalk worker-tier environment whose SQS daemon POSTs each message of
a queue to the shipped WSGI app (``runtime/beanstalk_app.py``). ``PollingWorker(engine="beanstalk")``
builds one; it can also serve any queue-driven WSGI worker of the same shape."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Aws, Duration, Fn, Names, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticbeanstalk as eb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .._core import Problems, acknowledge, alarm, is_token
from .._core.arguments import checked_arguments
from .._core.environment import check_environment
from .._core.instance_types import architecture
from .._core.limits import check_instance_type

RUNTIME = Path(__file__).resolve().parent / "runtime"
BUNDLE_FILES = ("beanstalk_app.py", "poller.py", "requirements.txt")
"""What the source bundle holds: the WSGI app, the SQS engine's logic it reuses, and boto3's pin."""

DEFAULT_INSTANCE_TYPE = "t4g.nano"
"""The smallest current-generation instance (Graviton, 2 vCPU burstable, 0.5 GiB): the talk's t2.nano
is previous-generation."""
DEFAULT_SOLUTION_STACK = "64bit Amazon Linux 2023 v4.13.8 running Python 3.13"
"""A current Python platform on Amazon Linux 2023 (``aws elasticbeanstalk list-available-solution-stacks``).
Managed platform updates keep the environment on the newest patch and minor version after that."""
SOLUTION_STACK = re.compile(r"^64bit Amazon Linux 2023 v4\.\d+\.\d+ running Python 3\.\d+$")
HEALTH_DEGRADED = 20
"""``EnvironmentHealth`` values: 0 Ok, 1 Info, 5 Unknown, 10 No data, 15 Warning, 20 Degraded, 25 Severe."""
HTTP_CONNECTIONS = 10
"""Messages the daemon posts at once; gunicorn gets as many threads, so none waits in a socket."""
MAX_INACTIVITY_SECONDS = 36000
MAX_VISIBILITY_SECONDS = 43200
ROOT_VOLUME_GB = 8
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653)
"""The values Beanstalk's ``RetentionInDays`` accepts."""


def check_beanstalk_arguments(
    problems: Problems,
    *,
    instance_type: str,
    solution_stack: str,
    http_path: str,
    inactivity_seconds: float | None,
    visibility_seconds: float | None,
) -> None:
    """Record a problem for each bad Beanstalk argument (shared with ``PollingWorker``)."""
    check_instance_type(problems, "instance_type", instance_type, "t4g.nano")
    if not is_token(solution_stack) and not SOLUTION_STACK.match(str(solution_stack)):
        problems.add(
            "solution_stack",
            solution_stack,
            "must name a Python platform on Amazon Linux 2023: "
            "'64bit Amazon Linux 2023 v4.<minor>.<patch> running Python 3.<minor>'",
        )
    if not is_token(http_path):
        problems.require(
            isinstance(http_path, str) and http_path.startswith("/"),
            "http_path",
            http_path,
            "must start with /",
        )
    if inactivity_seconds is not None and visibility_seconds is not None:
        problems.require(
            inactivity_seconds < visibility_seconds,
            "consumer_timeout",
            f"{inactivity_seconds:g} s",
            f"the worker's inactivity timeout must be below the queue's visibility_timeout "
            f"({visibility_seconds:g} s), or a message still being processed is delivered again",
        )


class BeanstalkWorker(Construct):
    """An Elastic Beanstalk application and worker-tier environment (Python on Amazon Linux 2023) in
    private subnets: its SQS daemon (sqsd) long-polls ``queue`` and POSTs each message to the WSGI app
    ``beanstalk_app:application`` of the source bundle; a 200 deletes the message, anything else leaves
    it to SQS's retry and the queue's dead-letter queue.

    Instances: IMDSv2 only, no key pair, a security group with no inbound rule, an instance profile
    with nothing but what the daemon, the app (``grant`` it more) and the platform's agents need.
    Environment: enhanced health, managed platform updates (minor and patch, weekly window), logs and
    health events streamed to CloudWatch Logs with a retention, instance logs published to S3.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        queue: sqs.IQueue,
        environment: Mapping[str, str],
        inactivity_timeout: Duration,
        visibility_timeout: Duration,
        max_retries: int,
        error_visibility_timeout: Duration,
        instance_type: str = DEFAULT_INSTANCE_TYPE,
        solution_stack: str = DEFAULT_SOLUTION_STACK,
        http_path: str = "/",
        vpc_subnets: ec2.SubnetSelection | None = None,
        log_retention_days: int = 365,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param vpc: the VPC of the instances.
        :param queue: the worker queue (``WorkerQueueURL``); the daemon may receive and delete from it.
        :param environment: environment properties of the app (not secrets: visible in the console).
        :param inactivity_timeout: how long the daemon waits for the app's answer to one message.
        :param visibility_timeout: how long a received message stays invisible (the queue's).
        :param max_retries: deliveries of a message before the daemon gives up on it.
        :param error_visibility_timeout: wait before a failed message is delivered again.
        :param instance_type: an EC2 instance type; the platform's architecture follows it. Default
            ``t4g.nano`` (arm64).
        :param solution_stack: the platform. Default ``DEFAULT_SOLUTION_STACK`` (Python 3.13, AL2023).
        :param http_path: the path the daemon posts to. Default ``/``.
        :param vpc_subnets: where the instances run (no public IP). Default: private subnets with egress.
        :param log_retention_days: retention of the streamed logs, one of ``LOG_RETENTION_DAYS``.
            Default 365 (as the library's other log groups).
        :param alarm_topic: SNS topic for the environment health alarm. Default: no action.
        """
        super().__init__(scope, id)
        problems = Problems("BeanstalkWorker")
        check_environment(problems, environment, {})  # environment properties are visible in the console
        check_beanstalk_arguments(
            problems,
            instance_type=instance_type,
            solution_stack=solution_stack,
            http_path=http_path,
            inactivity_seconds=None
            if inactivity_timeout.is_unresolved()
            else inactivity_timeout.to_seconds(),
            visibility_seconds=None
            if visibility_timeout.is_unresolved()
            else visibility_timeout.to_seconds(),
        )
        problems.between("max_retries", max_retries, 1, 100)
        for name, duration, most in (
            ("inactivity_timeout", inactivity_timeout, MAX_INACTIVITY_SECONDS),
            ("visibility_timeout", visibility_timeout, MAX_VISIBILITY_SECONDS),
            ("error_visibility_timeout", error_visibility_timeout, MAX_VISIBILITY_SECONDS),
        ):
            if not duration.is_unresolved():
                problems.between(name, duration.to_seconds(), 0 if name.startswith("error") else 1, most)
        problems.one_of("log_retention_days", log_retention_days, LOG_RETENTION_DAYS)
        problems.raise_if_any()

        stack = Stack.of(self)
        self.application_name = Names.unique_resource_name(self, max_length=100, separator="-")
        self.environment_name = Names.unique_resource_name(self, max_length=40, separator="-")
        self.instance_type = instance_type
        self.solution_stack = solution_stack

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            allow_all_outbound=True,
            description="Beanstalk worker instances: no inbound rule (the daemon posts on localhost)",
        )
        self.connections = self.security_group.connections
        self.instance_role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="Beanstalk worker instances: the SQS daemon, the app's grants, logs and health",
        )
        self.instance_profile = iam.InstanceProfile(self, "InstanceProfile", role=self.instance_role)
        self.service_role = iam.Role(
            self,
            "ServiceRole",
            assumed_by=iam.ServicePrincipal(
                "elasticbeanstalk.amazonaws.com",
                conditions={"StringEquals": {"sts:ExternalId": "elasticbeanstalk"}},
            ),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AWSElasticBeanstalkEnhancedHealth"
                ),
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy"
                ),
            ],
            description="Elastic Beanstalk service role: enhanced health and managed platform updates",
        )
        acknowledge(
            self.service_role,
            {
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth]": "AWS's service "
                "role policy for enhanced health, maintained with the Beanstalk service's needs.",
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy]": "AWS's "
                "policy for managed platform updates: the updates replace instances through CloudFormation and Auto "
                "Scaling on Beanstalk's behalf, which the service maintains.",
            },
        )
        self._grant_platform(queue)

        self.source_bundle = s3_assets.Asset(
            self,
            "SourceBundle",
            path=str(RUNTIME),
            exclude=["*", *(f"!{name}" for name in BUNDLE_FILES)],
        )
        self.application = eb.CfnApplication(
            self,
            "Application",
            application_name=self.application_name,
            description="PollingWorker: Beanstalk worker tier checking work items",
        )
        self.application_version = eb.CfnApplicationVersion(
            self,
            "Version",
            application_name=self.application.ref,
            source_bundle=eb.CfnApplicationVersion.SourceBundleProperty(
                s3_bucket=self.source_bundle.s3_bucket_name, s3_key=self.source_bundle.s3_object_key
            ),
            description="beanstalk_app.py + poller.py",
        )
        selection = vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        subnets = vpc.select_subnets(**selection._values)  # the struct's keyword arguments
        options: dict[str, dict[str, str]] = {
            "aws:elasticbeanstalk:environment": {
                "EnvironmentType": "LoadBalanced",  # a worker tier has no load balancer: an Auto Scaling group
                "ServiceRole": self.service_role.role_arn,
            },
            "aws:autoscaling:asg": {"MinSize": "1", "MaxSize": "1"},
            "aws:autoscaling:launchconfiguration": {
                "IamInstanceProfile": self.instance_profile.instance_profile_name,
                "SecurityGroups": self.security_group.security_group_id,
                "DisableIMDSv1": "true",
                "RootVolumeType": "gp3",
                "RootVolumeSize": str(ROOT_VOLUME_GB),
            },
            "aws:ec2:instances": {
                "InstanceTypes": instance_type,
                "SupportedArchitectures": architecture(instance_type),
            },
            "aws:ec2:vpc": {
                "VPCId": vpc.vpc_id,
                "Subnets": Fn.join(",", subnets.subnet_ids),
                "AssociatePublicIpAddress": "false",
            },
            "aws:elasticbeanstalk:sqsd": {
                "WorkerQueueURL": queue.queue_url,
                "HttpPath": http_path,
                "MimeType": "application/json",
                "HttpConnections": str(HTTP_CONNECTIONS),
                "ConnectTimeout": "5",
                "InactivityTimeout": str(int(inactivity_timeout.to_seconds())),
                "VisibilityTimeout": str(int(visibility_timeout.to_seconds())),
                "ErrorVisibilityTimeout": str(int(error_visibility_timeout.to_seconds())),
                "MaxRetries": str(max_retries),
            },
            "aws:elasticbeanstalk:container:python": {
                "WSGIPath": "beanstalk_app:application",
                "NumProcesses": "1",
                "NumThreads": str(HTTP_CONNECTIONS),
            },
            "aws:elasticbeanstalk:healthreporting:system": {"SystemType": "enhanced"},
            "aws:elasticbeanstalk:managedactions": {
                "ManagedActionsEnabled": "true",
                "PreferredStartTime": "Sun:03:00",
            },
            "aws:elasticbeanstalk:managedactions:platformupdate": {
                "UpdateLevel": "minor",
                "InstanceRefreshEnabled": "false",
            },
            "aws:elasticbeanstalk:cloudwatch:logs": {
                "StreamLogs": "true",
                "DeleteOnTerminate": "false",
                "RetentionInDays": str(log_retention_days),
            },
            "aws:elasticbeanstalk:cloudwatch:logs:health": {
                "HealthStreamingEnabled": "true",
                "DeleteOnTerminate": "false",
                "RetentionInDays": str(log_retention_days),
            },
            "aws:elasticbeanstalk:hostmanager": {"LogPublicationControl": "true"},
            "aws:elasticbeanstalk:application:environment": {
                **environment,
                "HTTP_PATH": http_path,
                "AWS_DEFAULT_REGION": stack.region,
            },
        }
        self.environment = eb.CfnEnvironment(
            self,
            "Environment",
            application_name=self.application.ref,
            environment_name=self.environment_name,
            description="PollingWorker worker tier: sqsd posts each message to beanstalk_app.py",
            tier=eb.CfnEnvironment.TierProperty(name="Worker", type="SQS/HTTP"),
            solution_stack_name=solution_stack,
            version_label=self.application_version.ref,
            option_settings=[
                eb.CfnEnvironment.OptionSettingProperty(namespace=namespace, option_name=name, value=value)
                for namespace, settings in options.items()
                for name, value in settings.items()
            ],
        )
        # The instance profile's policy must exist before the instances start the daemon.
        self.environment.node.add_dependency(self.instance_role)
        self.health_alarm = alarm(
            self,
            "HealthAlarm",
            metric=self.metric_environment_health(),
            threshold=HEALTH_DEGRADED,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            description="The Beanstalk worker environment is Degraded or Severe (enhanced health): instances "
            "down, the daemon failing, or the app answering errors.",
            topic=alarm_topic,
        )

    def metric_environment_health(self, period: Duration = Duration.minutes(1)) -> cw.Metric:
        """Enhanced health's ``EnvironmentHealth`` (0 Ok ... 25 Severe), the maximum over ``period``."""
        return cw.Metric(
            namespace="AWS/ElasticBeanstalk",
            metric_name="EnvironmentHealth",
            dimensions_map={"EnvironmentName": self.environment_name},
            statistic="Maximum",
            period=period,
        )

    def _grant_platform(self, queue: sqs.IQueue) -> None:
        """The daemon's queue access, and what the platform's agents write (logs, health, log bundles)."""
        queue.grant_consume_messages(self.instance_role)
        # Pseudo parameters (not the stack's literal region or account): one template per environment,
        # and finding ids that do not depend on where the stack is deployed.
        region, account = Aws.REGION, Aws.ACCOUNT_ID
        arn = f"arn:{Aws.PARTITION}:logs:{region}:{account}:log-group:/aws/elasticbeanstalk/{self.environment_name}/*"
        bucket = f"arn:{Aws.PARTITION}:s3:::elasticbeanstalk-{region}-{account}"
        eb_arn = f"arn:{Aws.PARTITION}:elasticbeanstalk:{region}:{account}"
        statements = [
            iam.PolicyStatement(
                sid="StreamLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[arn],
            ),
            iam.PolicyStatement(
                sid="EnhancedHealth",
                actions=["elasticbeanstalk:PutInstanceStatistics"],
                resources=[
                    f"{eb_arn}:application/{self.application_name}",
                    f"{eb_arn}:environment/{self.application_name}/{self.environment_name}",
                ],
            ),
            iam.PolicyStatement(
                sid="PublishInstanceLogs",
                actions=["s3:PutObject"],
                resources=[f"{bucket}/resources/environments/logs/*"],
            ),
            iam.PolicyStatement(
                sid="ReadDeploymentArtifacts",
                actions=["s3:GetObject"],
                resources=[f"{bucket}/resources/environments/*"],
            ),
        ]
        for statement in statements:
            self.instance_role.add_to_policy(statement)
        acknowledge(
            self.instance_role,
            {
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/elasticbeanstalk/{self.environment_name}/*]": "The platform's "
                "CloudWatch agent writes the streams of this environment's log groups only (their names are "
                "created by Beanstalk under /aws/elasticbeanstalk/<environment>/).",
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::elasticbeanstalk-<AWS::Region>-<AWS::AccountId>/resources/environments/logs/*]": "The "
                "host manager publishes rotated instance logs under this prefix of Beanstalk's own bucket.",
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::elasticbeanstalk-<AWS::Region>-<AWS::AccountId>/resources/environments/*]": "The "
                "instances read the deployment artifacts Beanstalk stages for its environments, nothing else "
                "of the bucket.",
            },
        )
