"""Example stack: the security baseline (a regional WAF web ACL, AWS Config rules and Systems Manager
settings). Its network tiers and VPN are the shared ``CdpNetwork`` stack (stacks/network.py)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from patterns._core import alarm_topic, encrypt_log_groups, service_key
from patterns.security import ComplianceBaseline, EdgeProtection

from . import context


class SecurityBaselineStack(Stack):
    """Context keys (defaults are documentation ranges, safe to synthesize):

    - ``waf_blocked_cidrs``: networks the web ACL blocks, default ``198.51.100.0/24``
    - ``waf_rate_limit``: requests per client IP per 5 minutes before it is blocked, default ``2000``
    - ``session_manager_preferences``: ``false`` if the account already has Session Manager
      preferences (the ``SSM-SessionManagerRunShell`` document; a deploy that creates a second fails
      with ``DocumentAlreadyExists``), default ``true``
    - ``config_recorder``: ``false`` if AWS Config already records in this account and region (a deploy
      that creates a second recorder fails with ``MaxNumberOfConfigurationRecordersExceededException``),
      default ``true``
    """

    def __init__(self, scope: Construct, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        self.edge = EdgeProtection(
            self,
            "Edge",
            scope_type="REGIONAL",
            blocked_cidrs=context.text_list(self, "waf_blocked_cidrs", ["198.51.100.0/24"]),
            rate_limit=context.number(self, "waf_rate_limit", 2000),
            alarm_topic=self.alarm_topic,
        )
        self.compliance = ComplianceBaseline(
            self,
            "Compliance",
            create_recorder=context.flag(self, "config_recorder", default=True),
            session_manager_preferences=context.flag(self, "session_manager_preferences", default=True),
            alarm_topic=self.alarm_topic,
        )
        CfnOutput(
            self,
            "WebAclArn",
            value=self.edge.web_acl_arn,
            description="Associate with an ALB or API Gateway stage in this region",
        )
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now
