"""Example stack: AMI maintenance (golden image pipeline, AMI backups, a fleet configured at boot)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from patterns._core import alarm_topic, encrypt_log_groups, service_key
from patterns.ami import AmiBackupPolicy, BootstrappedFleet, GoldenImagePipeline, ShellStep
from patterns.network import SecureNetwork

from . import context


class AmiMaintenanceStack(Stack):
    """Context keys (defaults synthesize without an account):

    - ``ami_name``: the golden image's name, default ``web``
    - ``ami_schedule``: when it is rebuilt, default ``cron(0 3 ? * SUN *)`` (Sundays 03:00 UTC)
    - ``fleet_size``: instances in the fleet, default ``2``

    First deploy: the first golden image is built during the deploy (``AWS::ImageBuilder::Image``) and
    its distribution writes the pipeline's SSM parameter; the fleet is created after that build and reads
    the parameter at launch (``resolve:ssm:``), so its first instances already have nginx. Each later
    build overwrites the parameter (CloudFormation never owns its value), and that change starts an
    instance refresh (EventBridge rule, Step Functions) that moves the running instances onto the new
    image. The fleet's instances carry the ``Backup=ami`` tag that the DLM policy selects.
    """

    USES_NETWORK = True

    def __init__(self, scope: Construct, id: str, *, network: SecureNetwork, **kwargs: Any) -> None:
        """``network``: the shared network (its Session Manager endpoints serve the build instances)."""
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        self.network = network
        self.pipeline = GoldenImagePipeline(
            self,
            "GoldenImage",
            name=context.text(self, "ami_name", "web"),
            vpc=self.network.vpc,
            build_steps=[
                ShellStep("InstallNginx", ["dnf install -y nginx", "systemctl enable nginx"]),
            ],
            test_steps=[ShellStep("NginxInstalled", ["rpm -q nginx", "systemctl is-enabled nginx"])],
            schedule=context.text(self, "ami_schedule", "cron(0 3 ? * SUN *)"),
            alarm_topic=self.alarm_topic,
        )
        self.backups = AmiBackupPolicy(
            self, "Backups", target_tags={"Backup": "ami"}, retain_count=7, deprecate_count=5
        )
        size = context.number(self, "fleet_size", 2)
        self.fleet = BootstrappedFleet(
            self,
            "Fleet",
            vpc=self.network.vpc,
            image_parameter=self.pipeline,
            resolve_image_at_launch=True,
            min_capacity=size,
            max_capacity=size * 2,
            boot_commands=[
                "hostname > /usr/share/nginx/html/index.html",
                "systemctl start nginx",
            ],
            load_balancer="internal",
            alarm_topic=self.alarm_topic,
        )
        self.backups.add_target(self.fleet.auto_scaling_group)
        CfnOutput(self, "ImageParameter", value=self.pipeline.image_parameter_name)
        CfnOutput(self, "PipelineArn", value=self.pipeline.pipeline_arn)
        CfnOutput(self, "FleetGroup", value=self.fleet.auto_scaling_group.auto_scaling_group_name)
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now
