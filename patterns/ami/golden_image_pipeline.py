"""GoldenImagePipeline: EC2 Image Builder bakes the caller's shell steps into an AMI on a schedule."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import jsii
from aws_cdk import (
    Aws,
    Duration,
    RemovalPolicy,
    Stack,
)
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_imagebuilder as imagebuilder
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from .._core import Problems, acknowledge, alarm, is_token, secure_bucket
from .._core.arguments import DeployTimeList, checked_arguments
from .._core.limits import SSM_PARAMETER_NAME, check_instance_type, check_subnets_in_vpc
from .._core.names import claim_name
from .components import ShellStep, check_steps, component_document, content_version
from .cron import cron_problems

AL2023_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
AL2023_PARENT_IMAGE = f"ssm:{AL2023_PARAMETER}"
"""Amazon Linux 2023 (x86_64), through its public SSM parameter: always the newest release."""

SESSION_MANAGER_HINT = (
    "use Session Manager instead: the build and fleet instances carry AmazonSSMManagedInstanceCore, "
    "so `aws ssm start-session --target i-...` opens a shell with IAM authentication and a CloudTrail record"
)

_NAME = re.compile(r"^[A-Za-z0-9][-_A-Za-z0-9]{1,98}[A-Za-z0-9]$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_ACCOUNT = re.compile(r"^\d{12}$")


def managed_component(name: str) -> str:
    """The ARN of an AWS-managed Image Builder component, newest version (``x.x.x``)."""
    return f"arn:{Aws.PARTITION}:imagebuilder:{Aws.REGION}:aws:component/{name}/x.x.x"


@jsii.implements(ec2.IConnectable)
class GoldenImagePipeline(Construct):
    """An EC2 Image Builder pipeline that bakes ``build_steps`` into a golden AMI on a schedule.

    The recipe starts from ``parent_image`` (Amazon Linux 2023 through its public SSM parameter), runs
    the AWS-managed ``update-linux`` component, then the caller's steps, then tests the image
    (``simple-boot-test-linux`` plus ``test_steps``). Build instances run in a private subnet with an
    instance profile (SSM core + Image Builder), a security group with no ingress, no key pair and
    IMDSv2, and are terminated on failure; logs go to S3. The AMI is named ``{name}-{buildDate}``, its
    id is written to the SSM parameter ``image_parameter_name`` on every build, a lifecycle policy
    deprecates and deletes old AMIs, and failed builds raise an alarm. The first image is built during
    the deploy (``build_on_deploy``), so the parameter holds a golden AMI from the first deploy on; the
    parameter belongs to Image Builder, never to CloudFormation.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        vpc: ec2.IVpc,
        build_steps: Sequence[ShellStep],
        test_steps: Sequence[ShellStep] = (),
        vpc_subnets: ec2.SubnetSelection | None = None,
        parent_image: str = AL2023_PARENT_IMAGE,
        instance_types: DeployTimeList = ("t3.medium",),
        schedule: str = "cron(0 3 ? * SUN *)",
        only_when_dependencies_change: bool = False,
        ami_tags: Mapping[str, str] | None = None,
        distribution_regions: Sequence[str] = (),
        share_with_accounts: DeployTimeList = (),
        image_parameter_name: str | None = None,
        build_on_deploy: bool = True,
        deprecate_after_days: int = 30,
        delete_after_days: int = 90,
        keep_at_least: int = 3,
        log_bucket: s3.IBucket | None = None,
        notification_topic: sns.ITopic | None = None,
        alarm_topic: sns.ITopic | None = None,
        key_pair: Any = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        """
        :param name: names the pipeline, recipe, components, AMIs and parameter (letters, digits, - and _).
        :param vpc: where build instances run.
        :param build_steps: the shell steps baked into the image (at least one), after the OS update.
        :param test_steps: shell steps run on an instance launched from the new image. Default: only
            AWS's ``simple-boot-test-linux``.
        :param vpc_subnets: the build subnet (the first one selected). Default: private subnets with egress.
        :param parent_image: ``ssm:<parameter>``, an AMI id or an Image Builder image ARN. Default: Amazon
            Linux 2023 x86_64 through its public SSM parameter.
        :param instance_types: build instance types. Default ``t3.medium``.
        :param schedule: when the pipeline runs, six-field ``cron(...)`` in UTC. Default Sundays 03:00.
        :param only_when_dependencies_change: run on schedule only if the parent image or a component
            changed (``EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE``). Default ``False``: build
            every time, so OS updates land weekly.
        :param ami_tags: tags on each AMI. Default: ``{"cdp:golden-image": name}`` only.
        :param distribution_regions: other regions the AMI is copied to. Default: this region only.
        :param share_with_accounts: account ids given launch permission on the AMI. Default: none.
        :param image_parameter_name: SSM parameter that receives the newest AMI id. Default ``/cdp/ami/<name>``.
        :param build_on_deploy: build the first image during the deploy (``AWS::ImageBuilder::Image``,
            the same recipe, tests and distribution as the pipeline), so that the parameter holds a golden
            AMI before anything in the stack launches from it. Default ``True`` (the deploy waits for the
            build, typically 20-40 minutes). ``False``: the parameter appears with the pipeline's first
            run (the schedule, or ``aws imagebuilder start-image-pipeline-execution``).
        :param deprecate_after_days: AMIs built by this recipe are deprecated after this many days. Default 30.
        :param delete_after_days: ... and deregistered, snapshots deleted, after this many. Default 90.
        :param keep_at_least: the newest AMIs kept whatever their age (1-10). Default 3.
        :param log_bucket: bucket for build logs. Default: a new private, encrypted, versioned bucket.
        :param notification_topic: topic receiving Image Builder's build status and failure events.
            Default: a new topic (TLS enforced).
        :param alarm_topic: SNS topic for the failed-build alarm. Default: alarm without actions.
        :param key_pair: refused: build instances never take SSH keys.
        :param removal_policy: of the log bucket when created here. Default ``RETAIN``.
        """
        super().__init__(scope, id)
        parameter_name = image_parameter_name if image_parameter_name is not None else f"/cdp/ami/{name}"
        problems = Problems("GoldenImagePipeline")
        problems.require(
            bool(_NAME.match(name)),
            "name",
            name,
            "must be 3-100 letters, digits, '-' or '_', starting and ending with a letter or digit",
        )
        check_steps(problems, "build_steps", build_steps, required=True)
        check_steps(problems, "test_steps", test_steps, required=False)
        if not is_token(schedule):
            for reason in cron_problems(schedule):
                problems.add("schedule", schedule, reason)
        problems.require(
            bool(instance_types), "instance_types", list(instance_types), "needs at least one type"
        )
        for instance_type in instance_types:
            check_instance_type(problems, "instance_types", instance_type, "t3.medium")
        for region in distribution_regions:
            problems.require(bool(_REGION.match(region)), "distribution_regions", region, "not a region name")
        for account in share_with_accounts:
            problems.require(
                bool(_ACCOUNT.match(account)), "share_with_accounts", account, "must be 12 digits"
            )
        reserved = parameter_name.lower().startswith(("/aws", "/ssm"))  # case-insensitive, as SSM has it
        problems.require(
            parameter_name.startswith("/") and (reserved or bool(SSM_PARAMETER_NAME.match(parameter_name))),
            "image_parameter_name",
            parameter_name,
            "must be a path such as /cdp/ami/web (letters, digits, _ . - /)",
        )
        problems.require(
            not reserved,
            "image_parameter_name",
            parameter_name,
            "the /aws and /ssm prefixes are reserved by AWS",
        )
        claim_name(problems, self, "Image Builder pipeline", "name", name)
        claim_name(problems, self, "SSM parameter", "image_parameter_name", parameter_name)
        problems.between("deprecate_after_days", deprecate_after_days, 1, 1000)
        problems.between("delete_after_days", delete_after_days, 1, 1000)
        if (
            not is_token(delete_after_days)
            and not is_token(deprecate_after_days)
            and (delete_after_days <= deprecate_after_days)
        ):
            problems.add(
                "delete_after_days",
                delete_after_days,
                f"must be greater than deprecate_after_days={deprecate_after_days}",
            )
        problems.between("keep_at_least", keep_at_least, 1, 10)
        if key_pair is not None:
            problems.add(
                "key_pair",
                key_pair,
                "build instances take no SSH key: a key is a shared secret "
                f"that outlives people and leaves no audit trail; {SESSION_MANAGER_HINT}",
            )
        check_subnets_in_vpc(problems, "vpc_subnets", vpc_subnets, vpc)
        problems.raise_if_any()

        self.name = name
        self.image_parameter_name = parameter_name
        stack = Stack.of(self)

        # Components: the caller's steps, versioned by their content (components are immutable).
        build_document = component_document(f"{name}-build", f"Build steps of {name}", "build", build_steps)
        self.build_component = imagebuilder.CfnComponent(
            self,
            "BuildComponent",
            name=f"{name}-build",
            platform="Linux",
            version=content_version(build_document),
            data=build_document,
            description=f"Build steps of the {name} golden image",
        )
        components = [
            managed_component("update-linux"),
            self.build_component.attr_arn,
            managed_component("simple-boot-test-linux"),
        ]
        self.test_component: imagebuilder.CfnComponent | None = None
        if test_steps:
            test_document = component_document(f"{name}-test", f"Tests of {name}", "test", test_steps)
            self.test_component = imagebuilder.CfnComponent(
                self,
                "TestComponent",
                name=f"{name}-test",
                platform="Linux",
                version=content_version(test_document),
                data=test_document,
                description=f"Tests of the {name} golden image",
            )
            components.append(self.test_component.attr_arn)

        recipe_version = content_version(
            parent_image, build_document, (self.test_component.data or "") if self.test_component else ""
        )
        self.recipe = imagebuilder.CfnImageRecipe(
            self,
            "Recipe",
            name=name,
            version=recipe_version,
            parent_image=parent_image,
            components=[
                imagebuilder.CfnImageRecipe.ComponentConfigurationProperty(component_arn=arn)
                for arn in components
            ],
            description=f"Golden image {name}: OS updates, then the build steps",
        )

        # Build instances: private subnet, no ingress, no key pair, IMDSv2, terminated on failure.
        self.log_bucket = log_bucket or secure_bucket(
            self,
            "Logs",
            removal_policy=removal_policy,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=Duration.days(365), noncurrent_version_expiration=Duration.days(30)
                ),
            ],
        )
        self.instance_role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description=f"Image Builder build and test instances of {name}",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore"),
                iam.ManagedPolicy.from_aws_managed_policy_name("EC2InstanceProfileForImageBuilder"),
            ],
        )
        log_prefix = f"imagebuilder/{name}"
        self.log_bucket.grant_put(self.instance_role, f"{log_prefix}/*")
        acknowledge(
            self.instance_role,
            {
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]": "AWS's maintained policy for the SSM agent (Image Builder drives builds through SSM); "
                "a copy would miss AWS's updates.",
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/EC2InstanceProfileForImageBuilder]": "AWS's maintained policy that Image Builder documents for build instances (components, "
                "AWSTOE, logs); a copy would miss AWS's updates.",
                "AwsSolutions-IAM5[Action::s3:Abort*]": "grant_put on the log bucket: the multipart-upload actions, limited to the pipeline's prefix.",
                f"AwsSolutions-IAM5[Resource::{_nag_arn(stack, self.log_bucket.bucket_arn)}/{log_prefix}/*]": "Build logs are written under the pipeline's own prefix of the log bucket; object names are "
                "generated per build.",
            },
        )
        self.instance_profile = iam.InstanceProfile(self, "InstanceProfile", role=self.instance_role)
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            allow_all_outbound=True,
            description=f"Image Builder instances of {name}: no ingress, outbound for packages and SSM",
        )
        self.topic = notification_topic or sns.Topic(
            self, "Notifications", enforce_ssl=True, display_name=f"Image Builder {name}"
        )
        subnets = vpc.select_subnets(**_selection(vpc_subnets))
        self.infrastructure = imagebuilder.CfnInfrastructureConfiguration(
            self,
            "Infrastructure",
            name=name,
            instance_profile_name=self.instance_profile.instance_profile_name,
            instance_types=list(instance_types),
            subnet_id=subnets.subnet_ids[0],
            security_group_ids=[self.security_group.security_group_id],
            instance_metadata_options=imagebuilder.CfnInfrastructureConfiguration.InstanceMetadataOptionsProperty(
                http_tokens="required", http_put_response_hop_limit=1
            ),
            terminate_instance_on_failure=True,
            sns_topic_arn=self.topic.topic_arn,
            logging=imagebuilder.CfnInfrastructureConfiguration.LoggingProperty(
                s3_logs=imagebuilder.CfnInfrastructureConfiguration.S3LogsProperty(
                    s3_bucket_name=self.log_bucket.bucket_name, s3_key_prefix=log_prefix
                )
            ),
            resource_tags={"cdp:golden-image": name},
            description=f"Build instances of {name}: private subnet, no key pair, IMDSv2",
        )

        # Distribution: dated AMI name, tags, other regions and accounts, newest id into SSM.
        tags = {"cdp:golden-image": name, **dict(ami_tags or {})}
        ami_config: dict[str, Any] = {
            "Name": f"{name}-{{{{imagebuilder:buildDate}}}}",
            "Description": f"Golden image {name} built by EC2 Image Builder",
            "AmiTags": tags,
        }
        if share_with_accounts:
            ami_config["LaunchPermissionConfiguration"] = {"UserIds": list(share_with_accounts)}
        distributions = [
            imagebuilder.CfnDistributionConfiguration.DistributionProperty(
                region=stack.region,
                ami_distribution_configuration=ami_config,
                ssm_parameter_configurations=[
                    imagebuilder.CfnDistributionConfiguration.SsmParameterConfigurationProperty(
                        parameter_name=parameter_name, data_type="aws:ec2:image"
                    )
                ],
            )
        ]
        distributions += [
            imagebuilder.CfnDistributionConfiguration.DistributionProperty(
                region=region, ami_distribution_configuration=ami_config
            )
            for region in dict.fromkeys(distribution_regions)
        ]
        self.distribution = imagebuilder.CfnDistributionConfiguration(
            self,
            "Distribution",
            name=name,
            distributions=distributions,
            description=f"{name}: AMI name with build date, newest id in {parameter_name}",
        )

        # The parameter belongs to Image Builder: each distribution creates or overwrites it, and
        # CloudFormation never holds a value of it that an update could put back (it is imported here by
        # name, for grants). The first image is built during the deploy; what launches from the
        # parameter in this stack waits for it (BootstrappedFleet(image_parameter=pipeline)).
        self.image_parameter: ssm.IStringParameter = ssm.StringParameter.from_string_parameter_name(
            self, "ImageParameter", parameter_name
        )
        self.first_image: imagebuilder.CfnImage | None = None
        if build_on_deploy:
            self.first_image = imagebuilder.CfnImage(
                self,
                "FirstImage",
                image_recipe_arn=self.recipe.attr_arn,
                infrastructure_configuration_arn=self.infrastructure.attr_arn,
                distribution_configuration_arn=self.distribution.attr_arn,
                image_tests_configuration=imagebuilder.CfnImage.ImageTestsConfigurationProperty(
                    image_tests_enabled=True, timeout_minutes=60
                ),
                enhanced_image_metadata_enabled=True,
            )
            # The build instances write their logs with the role's inline policy: attached first.
            self.first_image.node.add_dependency(self.instance_role)

        self.pipeline = imagebuilder.CfnImagePipeline(
            self,
            "Pipeline",
            name=name,
            image_recipe_arn=self.recipe.attr_arn,
            infrastructure_configuration_arn=self.infrastructure.attr_arn,
            distribution_configuration_arn=self.distribution.attr_arn,
            image_tests_configuration=imagebuilder.CfnImagePipeline.ImageTestsConfigurationProperty(
                image_tests_enabled=True, timeout_minutes=60
            ),
            enhanced_image_metadata_enabled=True,
            schedule=imagebuilder.CfnImagePipeline.ScheduleProperty(
                schedule_expression=schedule,
                pipeline_execution_start_condition="EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"
                if only_when_dependencies_change
                else "EXPRESSION_MATCH_ONLY",
            ),
            status="ENABLED",
            description=f"Golden image {name}",
        )
        self.lifecycle_role = iam.Role(
            self,
            "LifecycleRole",
            assumed_by=iam.ServicePrincipal("imagebuilder.amazonaws.com"),
            description=f"Image Builder lifecycle policy of {name}",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/EC2ImageBuilderLifecycleExecutionPolicy"
                )
            ],
        )
        acknowledge(
            self.lifecycle_role,
            {
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "EC2ImageBuilderLifecycleExecutionPolicy]": "AWS's maintained policy for Image Builder lifecycle "
                "actions; it only acts on resources tagged for lifecycle management by Image Builder.",
            },
        )
        lp = imagebuilder.CfnLifecyclePolicy
        self.lifecycle_policy = imagebuilder.CfnLifecyclePolicy(
            self,
            "LifecyclePolicy",
            name=name,
            execution_role=self.lifecycle_role.role_arn,
            resource_type="AMI_IMAGE",
            status="ENABLED",
            description=f"{name}: deprecate after {deprecate_after_days} days, delete after {delete_after_days}, "
            f"keep the newest {keep_at_least}",
            resource_selection=lp.ResourceSelectionProperty(
                recipes=[lp.RecipeSelectionProperty(name=name, semantic_version="1.0.x")]
            ),
            policy_details=[
                lp.PolicyDetailProperty(
                    action=lp.ActionProperty(type="DEPRECATE"),
                    filter=lp.FilterProperty(
                        type="AGE", value=deprecate_after_days, unit="DAYS", retain_at_least=keep_at_least
                    ),
                ),
                lp.PolicyDetailProperty(
                    action=lp.ActionProperty(
                        type="DELETE",
                        include_resources=lp.IncludeResourcesProperty(amis=True, snapshots=True),
                    ),
                    filter=lp.FilterProperty(
                        type="AGE", value=delete_after_days, unit="DAYS", retain_at_least=keep_at_least
                    ),
                ),
            ],
        )

        # Failed builds: Image Builder's state-change event, to the topic and as an alarm.
        self.failure_rule = events.Rule(
            self,
            "BuildFailed",
            description=f"Image Builder builds of {name} that failed",
            event_pattern=events.EventPattern(
                source=["aws.imagebuilder"],
                detail_type=["EC2 Image Builder Image State Change"],
                resources=events.Match.prefix(
                    f"arn:{Aws.PARTITION}:imagebuilder:{Aws.REGION}:{Aws.ACCOUNT_ID}:image/{name.lower()}/"
                ),
                detail={"state": {"status": ["FAILED"]}},
            ),
            targets=[targets.SnsTopic(self.topic)],
        )
        self.alarms: list[cw.Alarm] = [
            alarm(
                self,
                "BuildFailedAlarm",
                metric=self.metric_failed_builds(),
                threshold=1,
                topic=alarm_topic,
                description=f"An Image Builder build of {name} failed: the golden image is not current. "
                "See the build logs in S3 and the image's workflow in the Image Builder console.",
            )
        ]

    @property
    def pipeline_arn(self) -> str:
        return self.pipeline.attr_arn

    # --- what aws-cdk-lib users reach for: grants, metrics, connections ---------------------------
    def grant_read_image_parameter(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the SSM parameter that holds the newest AMI id (``ssm:DescribeParameters``,
        ``ssm:GetParameter``, ``ssm:GetParameters``, ``ssm:GetParameterHistory``), whether this
        construct created it (``seed_image_parameter``) or Image Builder's distribution does."""
        if self.image_parameter is not None:
            return self.image_parameter.grant_read(grantee)
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=[
                "ssm:DescribeParameters",
                "ssm:GetParameters",
                "ssm:GetParameter",
                "ssm:GetParameterHistory",
            ],
            resource_arns=[
                Stack.of(self).format_arn(
                    service="ssm", resource="parameter", resource_name=self.image_parameter_name.lstrip("/")
                )
            ],
        )

    def metric_failed_builds(self, **props: Any) -> cw.Metric:
        """Failed builds: the failure rule's ``TriggeredRules`` (Sum over 5 minutes), what
        ``BuildFailedAlarm`` watches. ``props`` are ``cloudwatch.MetricOptions``."""
        options: dict[str, Any] = {"statistic": "Sum", "period": Duration.minutes(5), **props}
        return cw.Metric(
            namespace="AWS/Events",
            metric_name="TriggeredRules",
            dimensions_map={"RuleName": self.failure_rule.rule_name},
            **options,
        )

    @property
    def connections(self) -> ec2.Connections:
        """The build instances' security group (``ec2.IConnectable``): let builds reach a package
        mirror with ``mirror.connections.allow_from(pipeline, port)``."""
        return ec2.Connections(security_groups=[self.security_group])


def _selection(selection: ec2.SubnetSelection | None) -> dict[str, Any]:
    if selection is None:
        return {"subnet_type": ec2.SubnetType.PRIVATE_WITH_EGRESS}
    return {
        key: getattr(selection, key)
        for key in (
            "availability_zones",
            "one_per_az",
            "subnet_filters",
            "subnet_group_name",
            "subnet_type",
            "subnets",
        )
        if getattr(selection, key) is not None
    }


def _nag_arn(stack: Stack, arn: str) -> str:
    """How cdk-nag spells ``arn`` in a finding id: ``<LogicalId.Arn>`` for a GetAtt, else the text."""
    resolved = stack.resolve(arn)
    if isinstance(resolved, dict) and "Fn::GetAtt" in resolved:
        logical_id, attribute = resolved["Fn::GetAtt"]
        return f"<{logical_id}.{attribute}>"
    return str(resolved)
