"""EdgeProtection's opt-in managed rule groups: anonymous IPs and admin protection (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest

from patterns.security import EdgeProtection
from tests.conftest import new_stack, template_of


def managed_groups(**kwargs: Any) -> list[str]:
    stack = new_stack()
    EdgeProtection(stack, "Edge", **kwargs)
    (acl,) = template_of(stack).find_resources("AWS::WAFv2::WebACL").values()
    return [
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for rule in acl["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in rule["Statement"]
    ]


def test_off_by_default() -> None:
    assert managed_groups() == [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesSQLiRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    ]


def test_both_added_after_the_defaults() -> None:
    groups = managed_groups(block_anonymous_ips=True, admin_protection=True)
    assert groups[-2:] == ["AWSManagedRulesAnonymousIpList", "AWSManagedRulesAdminProtectionRuleSet"]
    assert len(groups) == 6


def test_named_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"managed_rule_groups=.*names must be distinct"):
        managed_groups(managed_rule_groups=["AWSManagedRulesAnonymousIpList"], block_anonymous_ips=True)
