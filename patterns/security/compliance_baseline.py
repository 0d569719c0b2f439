"""ComplianceBaseline: AWS Config (recorder, delivery, managed and custom rules, remediation) and
Systems Manager (Session Manager preferences with encrypted logs, software inventory)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_config as config
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from .._core import DEFAULT_LOG_RETENTION, Problems, acknowledge, alarm, python_function, secure_bucket
from .._core.arguments import checked_arguments
from .singletons import claim
from .systems_manager import inventory_association, session_key, session_log_group, session_preferences

RUNTIME = Path(__file__).parent / "runtime"

DELIVERY_FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
_FREQUENCIES = {
    config.MaximumExecutionFrequency.ONE_HOUR: "One_Hour",
    config.MaximumExecutionFrequency.THREE_HOURS: "Three_Hours",
    config.MaximumExecutionFrequency.SIX_HOURS: "Six_Hours",
    config.MaximumExecutionFrequency.TWELVE_HOURS: "Twelve_Hours",
    config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS: "TwentyFour_Hours",
}
"""CloudFormation's spelling of each frequency (the Python enum's ``.value`` is its jsii name)."""
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_MINUTES = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}


@dataclass(frozen=True)
class _Managed:
    identifier: str
    resource_types: tuple[config.ResourceType, ...] = ()
    periodic: bool = False


MANAGED_RULES: dict[str, _Managed] = {
    "RestrictedSsh": _Managed(
        config.ManagedRuleIdentifiers.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED,
        (config.ResourceType.EC2_SECURITY_GROUP,),
    ),
    "S3PublicReadProhibited": _Managed(
        config.ManagedRuleIdentifiers.S3_BUCKET_PUBLIC_READ_PROHIBITED, (config.ResourceType.S3_BUCKET,)
    ),
    "S3PublicWriteProhibited": _Managed(
        config.ManagedRuleIdentifiers.S3_BUCKET_PUBLIC_WRITE_PROHIBITED, (config.ResourceType.S3_BUCKET,)
    ),
    "EncryptedVolumes": _Managed(
        config.ManagedRuleIdentifiers.EBS_ENCRYPTED_VOLUMES, (config.ResourceType.EBS_VOLUME,)
    ),
    "VpcFlowLogsEnabled": _Managed(config.ManagedRuleIdentifiers.VPC_FLOW_LOGS_ENABLED, periodic=True),
    "RootAccountMfaEnabled": _Managed(config.ManagedRuleIdentifiers.ROOT_ACCOUNT_MFA_ENABLED, periodic=True),
}
"""The AWS Config managed rules every baseline creates, by construct id."""

CONFIG_ROLE_POLICY_ARN = "arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole"
"""How cdk-nag names the AWS managed policy of the recorder role in its IAM4 finding."""

SSH_REMEDIATION_DOCUMENT = "AWS-DisablePublicAccessForSecurityGroup"
"""AWS-owned Automation runbook: revokes ingress to ports 22 and 3389 from 0.0.0.0/0 and ::/0."""


class ComplianceBaseline(Construct):
    """AWS Config records every supported resource's configuration history to a secure bucket and judges
    it with managed rules (restricted SSH, S3 public read/write, encrypted EBS volumes, VPC flow logs,
    root MFA) and a custom Lambda rule (public hosted zones must not publish private addresses).
    Optionally one rule remediates itself through SSM Automation. Systems Manager: Session Manager
    preferences stream sessions to a KMS-encrypted log group, and software inventory is gathered from
    every managed instance. Non-compliance is published to the alarm topic.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket | None = None,
        create_recorder: bool = True,
        include_global_resources: bool = True,
        snapshot_delivery_frequency: str = "TwentyFour_Hours",
        public_dns_rule: bool = True,
        public_dns_rule_frequency: config.MaximumExecutionFrequency = config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
        auto_remediate_ssh: bool = False,
        session_manager_preferences: bool = True,
        session_log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        encrypt_session_data: bool = False,
        idle_session_timeout_minutes: int = 20,
        max_session_duration_minutes: int | None = None,
        inventory_schedule: str | None = "rate(12 hours)",
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param bucket: where AWS Config delivers history and snapshots. Default: a new encrypted, versioned,
            private bucket with the policy Config needs (for your own bucket, add that policy yourself).
        :param create_recorder: create the configuration recorder and delivery channel. Default ``True``;
            pass ``False`` where Config already records (Control Tower, an organization baseline, an
            earlier stack): an account and region hold one recorder and one delivery channel only, and
            a deploy that creates a second fails with ``MaxNumberOfConfigurationRecordersExceededException``
            (or ``MaxNumberOfDeliveryChannelsExceededException``). The rules are created either way.
            Two baselines that both create one in the same environment of an app are refused here.
        :param include_global_resources: record global resources (IAM users, roles, policies). Default
            ``True``; set ``False`` in every region but one to avoid paying for them twice.
        :param snapshot_delivery_frequency: how often a configuration snapshot is delivered. Default
            ``TwentyFour_Hours``.
        :param public_dns_rule: the custom rule flagging public DNS records that point at private addresses.
            Default ``True``.
        :param public_dns_rule_frequency: how often that rule runs. Default every 24 hours.
        :param auto_remediate_ssh: remediate restricted-ssh findings automatically with the
            ``AWS-DisablePublicAccessForSecurityGroup`` runbook. Default ``False``: findings are reported only.
        :param session_manager_preferences: create the ``SSM-SessionManagerRunShell`` preferences document.
            Default ``True``; pass ``False`` if the account and region already have one (someone opened
            Session Manager preferences in the console): CloudFormation cannot create a document that
            exists, and the deploy fails with ``DocumentAlreadyExists`` ("Document with same name
            SSM-SessionManagerRunShell already exists"). Two baselines that both create it in the same
            environment of an app are refused here.
        :param session_log_retention: retention of the session log group. Default one year.
        :param encrypt_session_data: also encrypt session traffic with the KMS key (instance roles and users
            then need the key; see ``grant_session_logging``). Default ``False``: TLS only.
        :param idle_session_timeout_minutes: idle sessions end after this (1-60). Default 20.
        :param max_session_duration_minutes: sessions end after this (1-1440). Default: no limit.
        :param inventory_schedule: ``rate(...)`` or ``cron(...)`` for software inventory, at least 30 minutes
            apart. Default ``rate(12 hours)``; ``None`` creates no inventory association.
        :param removal_policy: for the bucket and the session log group and key. Default ``RETAIN``.
        :param alarm_topic: SNS topic for non-compliance notices and the custom rule's errors. Default:
            no notifications (the errors alarm has no action).
        """
        super().__init__(scope, id)
        problems = Problems("ComplianceBaseline")
        problems.one_of("snapshot_delivery_frequency", snapshot_delivery_frequency, DELIVERY_FREQUENCIES)
        problems.between("idle_session_timeout_minutes", idle_session_timeout_minutes, 1, 60)
        problems.between("max_session_duration_minutes", max_session_duration_minutes, 1, 1440)
        if bucket is not None and not create_recorder:
            problems.add(
                "bucket",
                bucket.node.path,
                "is only used by the recorder's delivery channel; create_recorder=False creates none",
            )
        if inventory_schedule is not None:
            rate = _RATE.match(inventory_schedule)
            if rate:
                minutes = int(rate.group(1)) * _MINUTES[rate.group(2)]
                problems.require(
                    minutes >= 30,
                    "inventory_schedule",
                    inventory_schedule,
                    "inventory can run at most every 30 minutes",
                )
            else:
                problems.require(
                    inventory_schedule.startswith("cron(") and inventory_schedule.endswith(")"),
                    "inventory_schedule",
                    inventory_schedule,
                    "must be rate(<n> minutes|hours|days) or cron(...)",
                )
        if encrypt_session_data and not session_manager_preferences:
            problems.add(
                "encrypt_session_data",
                True,
                "is a Session Manager preference; it needs session_manager_preferences=True",
            )
        problems.raise_if_any()
        if create_recorder:
            claim(self, "the AWS Config recorder and delivery channel", "create_recorder=False")
        if session_manager_preferences:
            claim(
                self,
                "the Session Manager preferences document (SSM-SessionManagerRunShell)",
                "session_manager_preferences=False",
            )

        stack = Stack.of(self)
        self.bucket: s3.IBucket | None = None
        self.recorder: config.CfnConfigurationRecorder | None = None
        self.recorder_role: iam.Role | None = None
        self.delivery_channel: config.CfnDeliveryChannel | None = None
        if create_recorder:
            self._add_recorder(
                stack, bucket, include_global_resources, snapshot_delivery_frequency, removal_policy
            )

        self.managed_rules: dict[str, config.ManagedRule] = {}
        for rule_id, managed in MANAGED_RULES.items():
            rule = config.ManagedRule(
                self,
                rule_id,
                identifier=managed.identifier,
                rule_scope=config.RuleScope.from_resources(list(managed.resource_types))
                if managed.resource_types
                else None,
                maximum_execution_frequency=config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS
                if managed.periodic
                else None,
            )
            self._after_recorder(rule)
            self.managed_rules[rule_id] = rule

        self.alarms: list[cw.Alarm] = []
        self.public_dns_function: lambda_.Function | None = None
        self.public_dns_rule: config.CfnConfigRule | None = None
        if public_dns_rule:
            self._add_public_dns_rule(stack, public_dns_rule_frequency, alarm_topic)

        self.remediation: config.CfnRemediationConfiguration | None = None
        self.remediation_role: iam.Role | None = None
        if auto_remediate_ssh:
            self._add_ssh_remediation()

        self.rule_names: list[str] = [r.config_rule_name for r in self.managed_rules.values()]
        if self.public_dns_rule is not None:
            self.rule_names.append(self.public_dns_rule.ref)
        self.non_compliance_rule: events.Rule | None = None
        if alarm_topic is not None:
            self._notify_non_compliance(alarm_topic)

        self.session_key: kms.Key | None = None
        self.session_log_group: logs.LogGroup | None = None
        self.session_preferences: ssm.CfnDocument | None = None
        if session_manager_preferences:
            self.session_key = session_key(self, "SessionKey", removal_policy=removal_policy)
            self.session_log_group = session_log_group(
                self,
                "SessionLogs",
                key=self.session_key,
                retention=session_log_retention,
                removal_policy=removal_policy,
            )
            self.session_preferences = session_preferences(
                self,
                "SessionPreferences",
                log_group=self.session_log_group,
                key=self.session_key if encrypt_session_data else None,
                idle_timeout_minutes=idle_session_timeout_minutes,
                max_session_minutes=max_session_duration_minutes,
            )
        self.inventory: ssm.CfnAssociation | None = None
        if inventory_schedule is not None:
            self.inventory = inventory_association(self, "Inventory", schedule=inventory_schedule)

    def grant_session_logging(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let an instance role stream Session Manager logs to the encrypted log group (and, with
        ``encrypt_session_data``, decrypt session data). Attach it to your instance roles next to
        ``AmazonSSMManagedInstanceCore``."""
        if self.session_log_group is None or self.session_key is None:
            raise ValueError(
                "ComplianceBaseline.grant_session_logging: session_manager_preferences=False "
                "created no session log group"
            )
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=[
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogStreams",
                "logs:DescribeLogGroups",
            ],
            resource_arns=[self.session_log_group.log_group_arn],
        )
        # The agent checks that the group is encrypted before it streams (DescribeLogGroups lists by prefix).
        return (
            grant.combine(
                iam.Grant.add_to_principal(
                    grantee=grantee, actions=["logs:DescribeLogGroups"], resource_arns=["*"]
                )
            )
            .combine(self.session_key.grant_decrypt(grantee))
            .combine(self.session_key.grant(grantee, "kms:GenerateDataKey"))
        )

    def _add_recorder(
        self,
        stack: Stack,
        bucket: s3.IBucket | None,
        include_global: bool,
        frequency: str,
        removal_policy: RemovalPolicy,
    ) -> None:
        self.recorder_role = iam.Role(
            self,
            "RecorderRole",
            assumed_by=iam.ServicePrincipal("config.amazonaws.com"),
            description="AWS Config recorder: reads resource configurations",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWS_ConfigRole")],
        )
        acknowledge(
            self.recorder_role,
            {
                f"AwsSolutions-IAM4[Policy::{CONFIG_ROLE_POLICY_ARN}]": (
                    "AWS_ConfigRole is the policy AWS maintains for the Config recorder: it follows every "
                    "new resource type Config can record, which a hand-written policy would miss."
                ),
            },
        )
        self.bucket = bucket or secure_bucket(self, "Bucket", removal_policy=removal_policy)
        prefix = self.bucket.arn_for_objects(f"AWSLogs/{stack.account}/Config/*")
        source = {"StringEquals": {"aws:SourceAccount": stack.account}}
        config_service = iam.ServicePrincipal("config.amazonaws.com")
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSConfigBucketCheck",
                principals=[config_service],
                actions=["s3:GetBucketAcl", "s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions=source,
            )
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSConfigBucketDelivery",
                principals=[config_service],
                actions=["s3:PutObject"],
                resources=[prefix],
                conditions={
                    "StringEquals": {
                        "aws:SourceAccount": stack.account,
                        "s3:x-amz-acl": "bucket-owner-full-control",
                    }
                },
            )
        )
        # With a recorder role, Config delivers as that role.
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AWSConfigRoleDelivery",
                principals=[self.recorder_role],
                actions=["s3:GetBucketAcl", "s3:ListBucket", "s3:PutObject"],
                resources=[self.bucket.bucket_arn, prefix],
            )
        )
        self.recorder = config.CfnConfigurationRecorder(
            self,
            "Recorder",
            role_arn=self.recorder_role.role_arn,
            recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty(
                all_supported=True,
                include_global_resource_types=include_global,
            ),
        )
        self.delivery_channel = config.CfnDeliveryChannel(
            self,
            "DeliveryChannel",
            s3_bucket_name=self.bucket.bucket_name,
            config_snapshot_delivery_properties=config.CfnDeliveryChannel.ConfigSnapshotDeliveryPropertiesProperty(
                delivery_frequency=frequency,
            ),
        )
        self.delivery_channel.node.add_dependency(self.recorder)
        if isinstance(self.bucket, s3.Bucket) and self.bucket.policy is not None:
            self.delivery_channel.node.add_dependency(self.bucket.policy)

    def _after_recorder(self, construct: Construct) -> None:
        """Rules evaluate only once the recorder records (and delivers)."""
        if self.recorder is not None and self.delivery_channel is not None:
            construct.node.add_dependency(self.recorder, self.delivery_channel)

    def _add_public_dns_rule(
        self, stack: Stack, frequency: config.MaximumExecutionFrequency, topic: sns.ITopic | None
    ) -> None:
        function = python_function(
            self,
            "PublicDnsFunction",
            code_dir=RUNTIME,
            handler="public_dns_private_targets.handler",
            description="AWS Config rule: records in public hosted zones must not point at private addresses",
            timeout=Duration.minutes(5),
        )
        function.add_to_role_policy(
            iam.PolicyStatement(
                actions=[
                    "route53:ListHostedZones",
                    "route53:ListResourceRecordSets",
                    "config:PutEvaluations",
                    # the rule's earlier results: zones deleted since then are reported NOT_APPLICABLE
                    "config:GetComplianceDetailsByConfigRule",
                ],
                resources=["*"],
            )
        )
        acknowledge(
            function.role,
            {
                "AwsSolutions-IAM5[Resource::*]": "route53:ListHostedZones and config:PutEvaluations have no "
                "resource-level permissions; the rule reads the records of every hosted zone by design.",
            },
        )
        permission = lambda_.CfnPermission(
            self,
            "PublicDnsInvokeByConfig",
            action="lambda:InvokeFunction",
            function_name=function.function_arn,
            principal="config.amazonaws.com",
            source_account=stack.account,
        )
        self.public_dns_function = function
        self.public_dns_rule = config.CfnConfigRule(
            self,
            "PublicDnsRule",
            description="Records in public Route 53 hosted zones must not point at private addresses "
            "(RFC 1918, RFC 6598, link-local, loopback, IPv6 ULA)",
            source=config.CfnConfigRule.SourceProperty(
                owner="CUSTOM_LAMBDA",
                source_identifier=function.function_arn,
                source_details=[
                    config.CfnConfigRule.SourceDetailProperty(
                        event_source="aws.config",
                        message_type="ScheduledNotification",
                        maximum_execution_frequency=_FREQUENCIES[frequency],
                    )
                ],
            ),
            maximum_execution_frequency=_FREQUENCIES[frequency],
        )
        self.public_dns_rule.node.add_dependency(permission)
        self._after_recorder(self.public_dns_rule)
        self.alarms.append(
            alarm(
                self,
                "PublicDnsRuleErrors",
                metric=self.metric_public_dns_rule_errors(),
                threshold=1,
                description="The public-DNS Config rule failed: public hosted zones are not being evaluated. "
                "See the function's log group.",
                topic=topic,
            )
        )

    def _add_ssh_remediation(self) -> None:
        self.remediation_role = iam.Role(
            self,
            "SshRemediationRole",
            assumed_by=iam.ServicePrincipal("ssm.amazonaws.com"),
            description=f"SSM Automation ({SSH_REMEDIATION_DOCUMENT}) for the restricted-ssh Config rule",
        )
        self.remediation_role.add_to_policy(
            iam.PolicyStatement(
                actions=["ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress"],
                resources=["*"],
            )
        )
        acknowledge(
            self.remediation_role,
            {
                "AwsSolutions-IAM5[Resource::*]": "The runbook must fix whichever security group the rule finds; "
                "ec2:DescribeSecurityGroups has no resource-level permissions.",
            },
        )
        self.remediation = config.CfnRemediationConfiguration(
            self,
            "SshRemediation",
            config_rule_name=self.managed_rules["RestrictedSsh"].config_rule_name,
            target_type="SSM_DOCUMENT",
            target_id=SSH_REMEDIATION_DOCUMENT,
            resource_type="AWS::EC2::SecurityGroup",
            automatic=True,
            maximum_automatic_attempts=3,
            retry_attempt_seconds=60,
            parameters={
                "GroupId": {"ResourceValue": {"Value": "RESOURCE_ID"}},
                "AutomationAssumeRole": {"StaticValue": {"Values": [self.remediation_role.role_arn]}},
            },
        )

    def _notify_non_compliance(self, topic: sns.ITopic) -> None:
        detail = events.EventField.from_path
        self.non_compliance_rule = events.Rule(
            self,
            "NonCompliance",
            description="A baseline AWS Config rule found a NON_COMPLIANT resource",
            event_pattern=events.EventPattern(
                source=["aws.config"],
                detail_type=["Config Rules Compliance Change"],
                detail={
                    "messageType": ["ComplianceChangeNotification"],
                    "configRuleName": self.rule_names,
                    "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
                },
            ),
            targets=[
                targets.SnsTopic(
                    topic,
                    message=events.RuleTargetInput.from_text(
                        f"AWS Config rule {detail('$.detail.configRuleName')} found {detail('$.detail.resourceType')} "
                        f"{detail('$.detail.resourceId')} NON_COMPLIANT in account {detail('$.account')} "
                        f"({detail('$.region')})."
                    ),
                )
            ],
        )

    # --- what aws-cdk-lib users reach for: metrics ------------------------------------------------
    def metric_public_dns_rule_errors(self, **props: Any) -> cw.Metric:
        """Errors of the public-DNS Config rule's function (Sum over 5 minutes): what
        ``PublicDnsRuleErrors`` watches. ``props`` are ``cloudwatch.MetricOptions``."""
        if self.public_dns_function is None:
            raise ValueError(
                f"ComplianceBaseline {self.node.path}: metric_public_dns_rule_errors needs public_dns_rule=True"
            )
        return self.public_dns_function.metric_errors(
            **{"period": Duration.minutes(5), "statistic": "Sum", **props}
        )
