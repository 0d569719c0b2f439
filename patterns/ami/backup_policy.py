"""AmiBackupPolicy: Data Lifecycle Manager takes AMIs of tagged instances on a schedule."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from aws_cdk import CfnTag, Tags
from aws_cdk import aws_dlm as dlm
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from .._core import Problems, acknowledge, is_token
from .._core.arguments import checked_arguments
from .cron import cron_problems

DLM_INTERVALS = (1, 2, 3, 4, 6, 8, 12, 24)
"""The hourly intervals DLM accepts."""

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DESCRIPTION = re.compile(r"^[0-9A-Za-z _-]+$")
"""DLM policy descriptions (botocore's ``PolicyDescription`` shape: ``[0-9A-Za-z _-]+``, 500 at most)."""


class AmiBackupPolicy(Construct):
    """A Data Lifecycle Manager policy (``IMAGE_MANAGEMENT``) that takes AMIs of every instance carrying
    ``target_tags``, keeps the newest ``retain_count``, optionally deprecates the oldest and copies each AMI
    to other regions. The role DLM assumes is created here (AWS's managed AMI-management policy).
    ``add_target(group)`` puts ``target_tags`` on what it should back up (an Auto Scaling group's tags
    propagate to the instances it launches).
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        target_tags: Mapping[str, str],
        cron_expression: str | None = None,
        interval_hours: int | None = None,
        start_time: str = "03:00",
        retain_count: int = 7,
        deprecate_count: int | None = None,
        no_reboot: bool = True,
        copy_to_regions: Sequence[str] = (),
        copy_retain_days: int = 7,
        role: iam.IRole | None = None,
        description: str = "AMIs of tagged instances",
    ) -> None:
        """
        :param target_tags: instances with all of these tags are imaged (at least one tag).
        :param cron_expression: when AMIs are taken, six-field ``cron(...)`` in UTC. Default: every
            ``interval_hours`` from ``start_time``.
        :param interval_hours: hours between AMIs, one of 1, 2, 3, 4, 6, 8, 12, 24. Default 24 (daily).
        :param start_time: first AMI of the day, ``HH:MM`` UTC (interval schedules). Default ``03:00``.
        :param retain_count: AMIs kept per instance (1-1000); older ones are deregistered. Default 7.
        :param deprecate_count: the oldest this-many AMIs are marked deprecated (at most ``retain_count``).
            Default: none deprecated.
        :param no_reboot: ``True`` images running instances (crash-consistent, no downtime); ``False``
            reboots them for file-system consistency. Default ``True``.
        :param copy_to_regions: up to three regions receiving an encrypted copy of each AMI. Default none.
        :param copy_retain_days: how long cross-region copies are kept. Default 7 days.
        :param role: the role DLM assumes. Default: a new role with AWS's
            ``AWSDataLifecycleManagerServiceRoleForAMIManagement`` policy.
        :param description: the policy's description. Default ``AMIs of tagged instances``.
        """
        super().__init__(scope, id)
        problems = Problems("AmiBackupPolicy")
        problems.require(
            bool(target_tags),
            "target_tags",
            dict(target_tags),
            "needs at least one tag, or the policy would select nothing",
        )
        problems.conflict("cron_expression", cron_expression, "interval_hours", interval_hours)
        if cron_expression is not None and not is_token(cron_expression):
            for reason in cron_problems(cron_expression):
                problems.add("cron_expression", cron_expression, reason)
        if interval_hours is not None:
            problems.one_of("interval_hours", interval_hours, DLM_INTERVALS)
        problems.require(bool(_TIME.match(start_time)), "start_time", start_time, "must be HH:MM (UTC)")
        problems.between("retain_count", retain_count, 1, 1000)
        if deprecate_count is not None:
            problems.between("deprecate_count", deprecate_count, 1, 1000)
            if deprecate_count > retain_count:
                problems.add("deprecate_count", deprecate_count, f"cannot exceed retain_count={retain_count}")
        problems.require(
            len(copy_to_regions) <= 3, "copy_to_regions", list(copy_to_regions), "at most 3 regions"
        )
        for region in copy_to_regions:
            problems.require(bool(_REGION.match(region)), "copy_to_regions", region, "not a region name")
        problems.between("copy_retain_days", copy_retain_days, 1, 36500)
        problems.require(len(description) <= 500, "description", description, "at most 500 characters")
        problems.require(
            is_token(description) or bool(_DESCRIPTION.match(description)),
            "description",
            description,
            "DLM accepts only letters, digits, spaces, hyphens and underscores (at least one)",
        )
        problems.raise_if_any()

        if role is None:
            created = iam.Role(
                self,
                "Role",
                assumed_by=iam.ServicePrincipal("dlm.amazonaws.com"),
                description="Data Lifecycle Manager: create, copy, deprecate and deregister AMIs",
                managed_policies=[
                    iam.ManagedPolicy.from_aws_managed_policy_name(
                        "service-role/AWSDataLifecycleManagerServiceRoleForAMIManagement"
                    )
                ],
            )
            acknowledge(
                created,
                {
                    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                    "AWSDataLifecycleManagerServiceRoleForAMIManagement]": "The policy AWS maintains for DLM AMI "
                    "policies (the one `aws dlm create-default-role --resource-type image` attaches).",
                },
            )
            role = created
        self.role = role
        self.target_tags: dict[str, str] = dict(target_tags)

        if cron_expression is not None:
            create_rule = dlm.CfnLifecyclePolicy.CreateRuleProperty(cron_expression=cron_expression)
            when = cron_expression
        else:
            hours = interval_hours or 24
            create_rule = dlm.CfnLifecyclePolicy.CreateRuleProperty(
                interval=hours, interval_unit="HOURS", times=[start_time]
            )
            when = f"every {hours} h from {start_time} UTC"
        copies = [
            dlm.CfnLifecyclePolicy.CrossRegionCopyRuleProperty(
                target_region=region,
                encrypted=True,
                copy_tags=True,
                retain_rule=dlm.CfnLifecyclePolicy.CrossRegionCopyRetainRuleProperty(
                    interval=copy_retain_days, interval_unit="DAYS"
                ),
            )
            for region in dict.fromkeys(copy_to_regions)
        ]
        schedule = dlm.CfnLifecyclePolicy.ScheduleProperty(
            name=re.sub(r"[^0-9A-Za-z _-]", " ", f"AMIs {when}")[:120],
            create_rule=create_rule,
            retain_rule=dlm.CfnLifecyclePolicy.RetainRuleProperty(count=retain_count),
            deprecate_rule=dlm.CfnLifecyclePolicy.DeprecateRuleProperty(count=deprecate_count)
            if deprecate_count is not None
            else None,
            copy_tags=True,
            tags_to_add=[CfnTag(key="cdp:backup", value="dlm")],
            cross_region_copy_rules=copies or None,
        )
        self.policy = dlm.CfnLifecyclePolicy(
            self,
            "Policy",
            description=description,
            state="ENABLED",
            execution_role_arn=role.role_arn,
            policy_details=dlm.CfnLifecyclePolicy.PolicyDetailsProperty(
                policy_type="IMAGE_MANAGEMENT",
                resource_types=["INSTANCE"],
                target_tags=[CfnTag(key=key, value=value) for key, value in target_tags.items()],
                parameters=dlm.CfnLifecyclePolicy.ParametersProperty(no_reboot=no_reboot),
                schedules=[schedule],
            ),
        )

    def add_target(self, scope: IConstruct) -> None:
        """Tag ``scope`` (and what it launches: an Auto Scaling group passes its tags on to its
        instances) with ``target_tags``, so that this policy selects it."""
        for key, value in self.target_tags.items():
            Tags.of(scope).add(key, value, apply_to_launched_instances=True)
