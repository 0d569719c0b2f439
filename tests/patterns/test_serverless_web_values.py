"""ServerlessWebApp reports its parts' problems under its own argument names, all at once; values that
cannot work in ApiBackend and StaticSite are refused."""

from __future__ import annotations

import pytest
from aws_cdk import App, Duration, Environment, Stack

from patterns.serverless_web import ApiBackend, ServerlessWebApp, StaticSite

REGIONAL_ACL = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api/0123abcd-0123-4567-89ab-0123456789ab"
GLOBAL_ACL = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/0123abcd-0123-4567-89ab-0123456789ab"


def new_stack() -> Stack:
    return Stack(App(), "Web", env=Environment(account="111122223333", region="us-east-1"))


def test_every_problem_of_every_part_at_once_under_the_callers_names() -> None:
    stack = new_stack()
    with pytest.raises(ValueError) as raised:
        ServerlessWebApp(
            stack,
            "App",
            auth_domain_prefix="my-aws-app",
            web_acl_arn=REGIONAL_ACL,
            api_web_acl_arn=GLOBAL_ACL,
            certificate_arn="arn:aws:acm:eu-west-1:111122223333:certificate/abc",
        )
    assert str(raised.value) == (
        "ServerlessWebApp: invalid arguments:\n"
        "  - certificate_arn='arn:aws:acm:eu-west-1:111122223333:certificate/abc': a certificate needs a "
        "domain; pass domain too\n"
        "  - certificate_arn='arn:aws:acm:eu-west-1:111122223333:certificate/abc': CloudFront only uses "
        "certificates from us-east-1\n"
        f"  - web_acl_arn='{REGIONAL_ACL}': has REGIONAL scope; this resource needs a web ACL of scope "
        "CLOUDFRONT (an ARN with ':global/')\n"
        "  - auth_domain_prefix='my-aws-app': must be 1-63 lower-case letters, digits and inner hyphens, "
        "without 'aws', 'amazon' or 'cognito'\n"
        f"  - api_web_acl_arn='{GLOBAL_ACL}': has GLOBAL scope; this resource needs a web ACL of scope "
        "REGIONAL (an ARN with ':regional/')"
    )
    assert stack.node.try_find_child("App") is None  # nothing half-built is left behind


def test_the_same_auth_domain_prefix_twice_is_refused_naming_the_first() -> None:
    stack = new_stack()
    ServerlessWebApp(stack, "First", auth_domain_prefix="cdp-shop")
    with pytest.raises(ValueError) as raised:
        ServerlessWebApp(stack, "Second", auth_domain_prefix="cdp-shop")
    assert str(raised.value) == (
        "ServerlessWebApp: invalid arguments:\n"
        "  - auth_domain_prefix='cdp-shop': the Cognito domain prefix 'cdp-shop' is already used by "
        "Web/First in the same account and region; give each construct its own name"
    )
    with pytest.raises(
        ValueError, match=r"domain_prefix='cdp-shop': the Cognito domain prefix 'cdp-shop' is"
    ):
        ApiBackend(stack, "Api", domain_prefix="cdp-shop")
    ServerlessWebApp(stack, "Third", auth_domain_prefix="cdp-shop-two")  # its own prefix is fine


def test_a_zero_access_log_expiry_is_refused() -> None:
    with pytest.raises(ValueError) as raised:
        StaticSite(new_stack(), "Site", access_log_expiry=Duration.days(0))
    assert str(raised.value) == (
        "StaticSite: invalid arguments:\n  - access_log_expiry=Duration.seconds(0): must be longer than zero"
    )
