"""BootstrappedFleet: an Auto Scaling group launched from the golden AMI, configured at boot, never over SSH."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from typing import Any

import jsii
from aws_cdk import Aws, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from .._core import Problems, acknowledge, alarm, is_token, secure_bucket
from .._core.arguments import checked_arguments
from .._core.limits import check_instance_type, check_subnets_in_vpc
from .golden_image_pipeline import SESSION_MANAGER_HINT, GoldenImagePipeline
from .image_refresh import ImageRefresh

LOAD_BALANCER_SCHEMES = ("internet-facing", "internal")
CONFIG_DIR = "/etc/cdp/config"
"""Where the user data writes the configuration it fetches (one file per SSM parameter, the S3 object)."""

_PARAMETER = re.compile(r"^/?[A-Za-z0-9_.\-/]{1,1011}$")


@jsii.implements(ec2.IConnectable)
class BootstrappedFleet(Construct):
    """An Auto Scaling group whose launch template takes its AMI from an SSM parameter (the golden image
    pipeline's) and whose user data fetches configuration from SSM parameters or S3, then runs the
    caller's boot commands. No key pair, no port 22, IMDSv2 only: access is Session Manager. Root volumes
    are encrypted; a launch template change (a new AMI at deploy time, new user data) replaces instances
    one at a time; with the AMI resolved at launch, a change of the parameter starts an instance refresh
    (``ImageRefresh``); an optional ALB health-checks them. Alarms: failed launches or instance refreshes,
    fewer instances in service than the minimum, unhealthy targets, refreshes that could not start.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        image_parameter: ssm.IStringParameter | str | GoldenImagePipeline,
        resolve_image_at_launch: bool = False,
        refresh_on_image_change: bool = True,
        instance_type: str = "t3.small",
        min_capacity: int = 2,
        max_capacity: int = 4,
        vpc_subnets: ec2.SubnetSelection | None = None,
        boot_commands: Sequence[str] = (),
        config_parameter_names: Sequence[str] = (),
        config_bucket: s3.IBucket | None = None,
        config_key: str | None = None,
        root_volume_gib: int = 10,
        load_balancer: str | None = None,
        instance_port: int = 80,
        health_check_path: str = "/",
        certificate_arn: str | None = None,
        access_log_bucket: s3.IBucket | None = None,
        notification_topic: sns.ITopic | None = None,
        alarm_topic: sns.ITopic | None = None,
        key_pair: Any = None,
        allow_ssh: bool = False,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        """
        :param vpc: where the instances (and the load balancer) run.
        :param image_parameter: the SSM parameter holding the AMI id: a name, a construct, or a
            ``GoldenImagePipeline`` (its parameter; with its first image built during the deploy, the
            group is created after that build, so its first instances launch on the golden image).
        :param resolve_image_at_launch: ``False`` (default): CloudFormation reads the parameter at every
            deploy, so a new AMI changes the launch template and rolls the fleet; the parameter must
            exist before the stack is deployed. ``True``: EC2 reads it at each launch
            (``resolve:ssm:``), which works when the parameter is written in the same stack; running
            instances move to a new AMI with an instance refresh (see ``refresh_on_image_change``).
        :param refresh_on_image_change: with ``resolve_image_at_launch=True``, start an instance refresh
            whenever the parameter is created or updated (EventBridge rule, Step Functions, no Lambda).
            Default ``True``; ignored otherwise (the deploy's rolling update already moves the fleet).
        :param instance_type: Default ``t3.small``.
        :param min_capacity: instances always running (at least 1). Default 2.
        :param max_capacity: upper bound (at least ``min_capacity``). Default 4.
        :param vpc_subnets: the instances' subnets. Default: private subnets with egress.
        :param boot_commands: shell commands the user data runs at every first boot, after the
            configuration is in ``/etc/cdp/config``. Default none.
        :param config_parameter_names: SSM parameters written to ``/etc/cdp/config/<name>`` at boot (the
            role may read exactly these). Default none.
        :param config_bucket: bucket of a configuration object copied to ``/etc/cdp/config`` at boot
            (with ``config_key``). Default none.
        :param config_key: that object's key. Default none.
        :param root_volume_gib: encrypted gp3 root volume size. Default 10.
        :param load_balancer: ``"internet-facing"`` or ``"internal"`` ALB in front of the group (ELB health
            checks). Default none (EC2 health checks).
        :param instance_port: port the instances serve on behind the ALB. Default 80 (22 is refused).
        :param health_check_path: ALB health-check path. Default ``/``.
        :param certificate_arn: ACM certificate: HTTPS on 443 and HTTP redirected. Default: HTTP on 80.
        :param access_log_bucket: bucket for ALB access logs (SSE-S3). Default: a new secure bucket.
        :param notification_topic: topic for Auto Scaling notifications (launches, terminations, errors)
            and failed launches. Default ``alarm_topic``, or a new topic (TLS enforced).
        :param alarm_topic: SNS topic for the alarms. Default: alarms without actions.
        :param key_pair: refused: no SSH keys on instances.
        :param allow_ssh: refused when ``True``: port 22 is never opened.
        :param removal_policy: of the access-log bucket and the refresh's dead-letter queue when created
            here. Default ``RETAIN``.
        """
        super().__init__(scope, id)
        problems = Problems("BootstrappedFleet")
        if key_pair is not None:
            problems.add(
                "key_pair",
                key_pair,
                "instances take no SSH key: a key is a shared secret that "
                "outlives people, bypasses IAM and leaves no audit trail; " + SESSION_MANAGER_HINT,
            )
        if allow_ssh:
            problems.add(
                "allow_ssh",
                allow_ssh,
                "port 22 stays closed: configuration changed by hand over "
                "SSH is lost when the instance is replaced (put it in the AMI or the user data); "
                + SESSION_MANAGER_HINT,
            )
        problems.require(
            instance_port != 22,
            "instance_port",
            instance_port,
            "port 22 (SSH) is never opened; " + SESSION_MANAGER_HINT,
        )
        problems.between("instance_port", instance_port, 1, 65535)
        check_instance_type(problems, "instance_type", instance_type, "t3.small")
        for name, value in (("min_capacity", min_capacity), ("max_capacity", max_capacity)):
            problems.require_literal(
                name, value, "the fleet's rolling update and first launch are chosen from it"
            )
        problems.at_least("min_capacity", min_capacity, 1)
        if not is_token(min_capacity) and not is_token(max_capacity) and max_capacity < min_capacity:
            problems.add("max_capacity", max_capacity, f"must be at least min_capacity={min_capacity}")
        problems.between("root_volume_gib", root_volume_gib, 1, 16384)
        problems.one_of("load_balancer", load_balancer, LOAD_BALANCER_SCHEMES)
        if certificate_arn is not None:
            problems.require(
                load_balancer is not None,
                "certificate_arn",
                certificate_arn,
                "only used with a load_balancer",
            )
        if access_log_bucket is not None:
            problems.require(
                load_balancer is not None,
                "access_log_bucket",
                access_log_bucket,
                "only used with a load_balancer",
            )
        if load_balancer is not None:
            problems.require(
                not Token.is_unresolved(Stack.of(scope).region),
                "load_balancer",
                load_balancer,
                "ALB access logs need a stack with an explicit region (env=Environment(region=...))",
            )
        problems.require(
            health_check_path.startswith("/"), "health_check_path", health_check_path, "must start with /"
        )
        problems.require(
            (config_bucket is None) == (config_key is None),
            "config_key",
            config_key,
            "config_bucket and config_key go together",
        )
        for name in config_parameter_names:
            problems.require(
                bool(_PARAMETER.match(name)), "config_parameter_names", name, "not an SSM parameter name"
            )
        for index, command in enumerate(boot_commands):
            problems.require(
                bool(str(command).strip()), f"boot_commands[{index}]", command, "must not be empty"
            )
        first_image = None
        if isinstance(image_parameter, GoldenImagePipeline):
            first_image = image_parameter.first_image
            image_parameter = image_parameter.image_parameter_name
        parameter_name = (
            image_parameter if isinstance(image_parameter, str) else image_parameter.parameter_name
        )
        if not resolve_image_at_launch and Token.is_unresolved(parameter_name):
            problems.add(
                "image_parameter",
                parameter_name,
                "is created in this stack: CloudFormation reads deploy-time parameters before it "
                "creates any resource, so the first deploy would fail; pass its literal name for a "
                "parameter made elsewhere, or resolve_image_at_launch=True",
            )
        elif not resolve_image_at_launch and first_image is not None:
            problems.add(
                "image_parameter",
                parameter_name,
                "is written by the pipeline's first build during this deploy: CloudFormation reads "
                "deploy-time parameters before that build runs, so the first deploy would fail; "
                "pass resolve_image_at_launch=True",
            )
        elif isinstance(image_parameter, str):
            problems.require(
                bool(_PARAMETER.match(image_parameter)),
                "image_parameter",
                image_parameter,
                "not an SSM parameter name",
            )
        check_subnets_in_vpc(problems, "vpc_subnets", vpc_subnets, vpc)
        problems.raise_if_any()

        stack = Stack.of(self)
        self.image_parameter_name = parameter_name
        machine_image = (
            ec2.MachineImage.resolve_ssm_parameter_at_launch(parameter_name)
            if resolve_image_at_launch
            else ec2.MachineImage.from_ssm_parameter(parameter_name)
        )

        self.role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="Fleet instances: Session Manager and their boot configuration",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")],
        )
        acknowledge(
            self.role,
            {
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]": "AWS's maintained policy for the SSM agent: Session Manager replaces SSH on these instances.",
            },
        )
        self.user_data = ec2.UserData.for_linux()
        self.user_data.add_commands("set -euo pipefail", f"install -d -m 0750 {CONFIG_DIR}")
        if config_parameter_names:
            self.role.add_to_policy(
                iam.PolicyStatement(
                    actions=["ssm:GetParameter"],
                    resources=[
                        stack.format_arn(service="ssm", resource="parameter", resource_name=name.lstrip("/"))
                        for name in config_parameter_names
                    ],
                )
            )
        for name in config_parameter_names:
            target = f"{CONFIG_DIR}/{name.strip('/').replace('/', '_')}"
            self.user_data.add_commands(
                f"aws ssm get-parameter --region {Aws.REGION} --name {shlex.quote(name)} --with-decryption "
                f"--query Parameter.Value --output text > {shlex.quote(target)}"
            )
        if config_bucket is not None and config_key is not None:
            config_bucket.grant_read(self.role, config_key)
            self.user_data.add_s3_download_command(
                bucket=config_bucket,
                bucket_key=config_key,
                local_file=f"{CONFIG_DIR}/{config_key.rsplit('/', 1)[-1]}",
                region=stack.region,
            )
        self.user_data.add_commands(*boot_commands)

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            allow_all_outbound=True,
            description="Fleet instances: no SSH; only the load balancer may connect",
        )
        self.launch_template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            machine_image=machine_image,
            instance_type=ec2.InstanceType(instance_type),
            role=self.role,
            security_group=self.security_group,
            user_data=self.user_data,
            require_imdsv2=True,
            http_put_response_hop_limit=1,
            detailed_monitoring=True,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        root_volume_gib,
                        encrypted=True,
                        volume_type=ec2.EbsDeviceVolumeType.GP3,
                        delete_on_termination=True,
                    ),
                )
            ],
        )
        self.notification_topic = (
            notification_topic
            or alarm_topic
            or sns.Topic(self, "Notifications", enforce_ssl=True, display_name="Fleet notifications")
        )
        self.auto_scaling_group = autoscaling.AutoScalingGroup(
            self,
            "Group",
            vpc=vpc,
            vpc_subnets=vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            launch_template=self.launch_template,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB], grace_period=Duration.minutes(5)
            )
            if load_balancer
            else autoscaling.HealthChecks.ec2(grace_period=Duration.minutes(5)),
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                max_batch_size=1,
                min_instances_in_service=min_capacity if max_capacity > min_capacity else min_capacity - 1,
                pause_time=Duration.minutes(5),
            ),
            notifications=[autoscaling.NotificationConfiguration(topic=self.notification_topic)],
            group_metrics=[
                autoscaling.GroupMetrics(
                    autoscaling.GroupMetric.IN_SERVICE_INSTANCES, autoscaling.GroupMetric.DESIRED_CAPACITY
                )
            ],
        )
        if isinstance(image_parameter, Construct):
            self.auto_scaling_group.node.add_dependency(image_parameter)
        if first_image is not None:
            # The first instances launch once the pipeline's first image is in the parameter.
            self.auto_scaling_group.node.add_dependency(first_image)

        self.load_balancer: elbv2.ApplicationLoadBalancer | None = None
        self.target_group: elbv2.ApplicationTargetGroup | None = None
        self.access_log_bucket: s3.IBucket | None = None
        if load_balancer is not None:
            self._add_load_balancer(
                vpc,
                load_balancer == "internet-facing",
                instance_port,
                health_check_path,
                certificate_arn,
                access_log_bucket,
                removal_policy,
            )
        self.alarms: list[cw.Alarm] = self._add_alarms(min_capacity, alarm_topic)
        self.image_refresh: ImageRefresh | None = None
        if resolve_image_at_launch and refresh_on_image_change:
            # Same pace as the rolling update: launch before terminating when the group may grow,
            # terminate first when its size is fixed.
            launch_first = max_capacity > min_capacity
            self.image_refresh = ImageRefresh(
                self,
                "ImageRefresh",
                auto_scaling_group=self.auto_scaling_group,
                image_parameter_name=parameter_name,
                min_healthy_percentage=100 if launch_first else 90,
                max_healthy_percentage=110 if launch_first else 100,
                instance_warmup=Duration.minutes(5),
                alarm_topic=alarm_topic,
                removal_policy=removal_policy,
            )
            self.alarms.extend(self.image_refresh.alarms)

    def _add_load_balancer(
        self,
        vpc: ec2.IVpc,
        internet_facing: bool,
        instance_port: int,
        path: str,
        certificate_arn: str | None,
        log_bucket: s3.IBucket | None,
        removal_policy: RemovalPolicy,
    ) -> None:
        security_group = ec2.SecurityGroup(
            self,
            "LoadBalancerSecurityGroup",
            vpc=vpc,
            allow_all_outbound=False,
            description="Fleet load balancer: "
            + ("HTTP(S) from the internet" if internet_facing else "HTTP(S) from the VPC"),
        )
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=vpc,
            internet_facing=internet_facing,
            security_group=security_group,
            vpc_subnets=ec2.SubnetSelection(
                subnet_type=ec2.SubnetType.PUBLIC if internet_facing else ec2.SubnetType.PRIVATE_WITH_EGRESS
            ),
            drop_invalid_header_fields=True,
        )
        self.access_log_bucket = log_bucket or secure_bucket(
            self, "AccessLogs", removal_policy=removal_policy
        )
        self.load_balancer.log_access_logs(self.access_log_bucket, prefix="alb")
        peer = ec2.Peer.any_ipv4() if internet_facing else ec2.Peer.ipv4(vpc.vpc_cidr_block)
        ports = [80, 443] if certificate_arn else [80]
        for port in ports:
            security_group.add_ingress_rule(
                peer, ec2.Port.tcp(port), f"HTTP{'S' if port == 443 else ''} clients"
            )
        acknowledge(
            security_group,
            {
                "AwsSolutions-EC23": "An internet-facing load balancer accepts HTTP(S) from anywhere; the "
                "instances behind it accept only the load balancer."
                if internet_facing
                else "Ingress is from the VPC's own CIDR block (a deploy-time value cdk-nag cannot read), not 0.0.0.0/0.",
            },
        )
        if certificate_arn:
            listener = self.load_balancer.add_listener(
                "Https",
                port=443,
                certificates=[elbv2.ListenerCertificate.from_arn(certificate_arn)],
                ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
                open=False,
            )
            self.load_balancer.add_redirect(source_port=80, target_port=443, open=False)
        else:
            listener = self.load_balancer.add_listener("Http", port=80, open=False)
        self.target_group = listener.add_targets(
            "Fleet",
            port=instance_port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.auto_scaling_group],
            health_check=elbv2.HealthCheck(
                path=path, healthy_threshold_count=2, interval=Duration.seconds(15)
            ),
            deregistration_delay=Duration.seconds(30),
        )

    def _add_alarms(self, min_capacity: int, topic: sns.ITopic | None) -> list[cw.Alarm]:
        group_name = self.auto_scaling_group.auto_scaling_group_name
        self.launch_failure_rule = events.Rule(
            self,
            "LaunchFailed",
            description="Fleet launches or instance refreshes that failed",
            event_pattern=events.EventPattern(
                source=["aws.autoscaling"],
                detail_type=["EC2 Instance Launch Unsuccessful", "EC2 Auto Scaling Instance Refresh Failed"],
                detail={"AutoScalingGroupName": [group_name]},
            ),
            targets=[targets.SnsTopic(self.notification_topic)],
        )
        created = [
            alarm(
                self,
                "LaunchFailedAlarm",
                metric=self.metric_failed_launches(),
                threshold=1,
                topic=topic,
                description="Instances of the fleet failed to launch (or an instance refresh failed): a bad "
                "AMI, capacity or permissions. See the Auto Scaling group's activity history.",
            ),
            alarm(
                self,
                "InServiceBelowMinimum",
                metric=self.metric_in_service_instances(),
                threshold=min_capacity,
                comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
                evaluation_periods=3,
                topic=topic,
                description=f"Fewer than {min_capacity} fleet instances in service for 15 minutes.",
            ),
        ]
        if self.target_group is not None:
            created.append(
                alarm(
                    self,
                    "UnhealthyHosts",
                    metric=self.metric_unhealthy_host_count(),
                    threshold=1,
                    evaluation_periods=2,
                    topic=topic,
                    description="Fleet instances fail the load balancer's health check for 10 minutes.",
                )
            )
        return created

    # --- what aws-cdk-lib users reach for: metrics and connections --------------------------------
    def metric_failed_launches(self, **props: Any) -> cw.Metric:
        """Failed launches and instance refreshes: the rule's ``TriggeredRules`` (Sum over 5 minutes),
        what ``LaunchFailedAlarm`` watches. ``props`` are ``cloudwatch.MetricOptions``."""
        options: dict[str, Any] = {"statistic": "Sum", "period": Duration.minutes(5), **props}
        return cw.Metric(
            namespace="AWS/Events",
            metric_name="TriggeredRules",
            dimensions_map={"RuleName": self.launch_failure_rule.rule_name},
            **options,
        )

    def metric_in_service_instances(self, **props: Any) -> cw.Metric:
        """Instances in service (``GroupInServiceInstances``, Minimum over 5 minutes): what
        ``InServiceBelowMinimum`` watches."""
        options: dict[str, Any] = {"statistic": "Minimum", "period": Duration.minutes(5), **props}
        return cw.Metric(
            namespace="AWS/AutoScaling",
            metric_name="GroupInServiceInstances",
            dimensions_map={"AutoScalingGroupName": self.auto_scaling_group.auto_scaling_group_name},
            **options,
        )

    def metric_unhealthy_host_count(self, **props: Any) -> cw.Metric:
        """Instances failing the load balancer's health check (Maximum over 5 minutes; with a load
        balancer only): what ``UnhealthyHosts`` watches."""
        return self._target_group("metric_unhealthy_host_count").metrics.unhealthy_host_count(
            **{"period": Duration.minutes(5), "statistic": "Maximum", **props}
        )

    def metric_healthy_host_count(self, **props: Any) -> cw.Metric:
        """Instances passing the health check (Minimum over 5 minutes; with a load balancer only)."""
        return self._target_group("metric_healthy_host_count").metrics.healthy_host_count(
            **{"period": Duration.minutes(5), "statistic": "Minimum", **props}
        )

    @property
    def connections(self) -> ec2.Connections:
        """The instances' security group (``ec2.IConnectable``): ``database.connections.allow_from(fleet,
        port)``. The load balancer's is ``load_balancer.connections``."""
        return ec2.Connections(security_groups=[self.security_group])

    def _target_group(self, member: str) -> elbv2.ApplicationTargetGroup:
        if self.target_group is None:
            raise ValueError(
                f"BootstrappedFleet {self.node.path}: {member} needs a load balancer (load_balancer='internal' or 'internet-facing')"
            )
        return self.target_group
