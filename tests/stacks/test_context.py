"""Context validation: every mistake in ``-c key=value`` is one line naming the key, never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App

from stacks import ContextError, context, create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("given", "line"),
    [
        ({"web_domain": "www.example.com"}, "-c web_domain needs -c web_zone_id and -c web_zone_name"),
        (
            {"web_domain": "www.example.com", "web_zone_id": "Z0123456789ABCDEFGHIJ"},
            "-c web_domain needs -c web_zone_name",
        ),
        ({"web_zone_id": "Z0123456789ABCDEFGHIJ"}, "-c web_zone_id needs -c web_domain"),
        (
            {
                "web_zone_name": "example.com",
                "web_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/a",
            },
            "-c web_zone_name and -c web_certificate_arn need -c web_domain",
        ),
        (
            {
                "web_domain": "www.other.org",
                "web_zone_id": "Z0123456789ABCDEFGHIJ",
                "web_zone_name": "example.com",
            },
            "-c web_domain=www.other.org: is not inside -c web_zone_name=example.com",
        ),
        (
            {"web_domain": "www.example.com", "web_zone_id": "zone-1", "web_zone_name": "example.com"},
            "-c web_zone_id=zone-1: must be a Route 53 hosted zone id (Z0123456789ABC)",
        ),
        (
            {
                "web_domain": "www.example.com",
                "web_zone_id": "Z0123456789ABCDEFGHIJ",
                "web_zone_name": "example.com",
                "web_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/a",
            },
            "-c web_certificate_arn=arn:aws:acm:eu-west-1:123456789012:certificate/a: must be an ACM "
            "certificate ARN in us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>)",
        ),
        (
            {"web_acl_arn": "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/a/b"},
            "-c web_acl_arn=arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/a/b: must be the ARN of a "
            "CLOUDFRONT-scope web ACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)",
        ),
        ({"vpn": "flase"}, "-c vpn=flase: must be true or false (or 1/0, yes/no)"),
        (
            {"config_recorder": "existing"},
            "-c config_recorder=existing: must be true or false (or 1/0, yes/no)",
        ),
        ({"hpc_slurm": "on"}, "-c hpc_slurm=on: must be true or false (or 1/0, yes/no)"),
        ({"container_endpoints": "2"}, "-c container_endpoints=2: must be true or false (or 1/0, yes/no)"),
        (
            {"region": "eu-wset-1"},
            "-c region=eu-wset-1: not a region of the AWS commercial partition (did you mean eu-west-1?)",
        ),
        ({"region": "mars-1"}, "-c region=mars-1: not a region of the AWS commercial partition"),
        ({"fleet_size": "two"}, "-c fleet_size=two: must be a whole number"),
        ({"fleet_size": "1.5"}, "-c fleet_size=1.5: must be a whole number"),
        ({"fleet_size": "0"}, "-c fleet_size=0: must be at least 1"),
        ({"waf_rate_limit": "5"}, "-c waf_rate_limit=5: must be at least 10"),
        ({"customer_gateway_asn": "-1"}, "-c customer_gateway_asn=-1: must be at least 0"),
        ({"hpc_max_vcpus": True}, "-c hpc_max_vcpus=True: must be a whole number"),
        (
            {"customer_gateway_ip": "300.1.1.1"},
            "-c customer_gateway_ip=300.1.1.1: must be an IPv4 address (203.0.113.10)",
        ),
        (
            {"onprem_cidrs": "192.168.0.0/16,10.0.0.1/8"},
            "-c onprem_cidrs=10.0.0.1/8: must be a CIDR block with no host bits set (192.168.0.0/16)",
        ),
        (
            {"onprem_dns_servers": "dns.corp"},
            "-c onprem_dns_servers=dns.corp: must be an IP address (192.168.10.53)",
        ),
        ({"ci_account": "1234"}, "-c ci_account=1234: must be a 12-digit AWS account id"),
        (
            {"cloud_domain": "not a domain"},
            "-c cloud_domain=not a domain: must be a domain name (example.com)",
        ),
        (
            {"auth_domain_prefix": "my-aws-app"},
            "-c auth_domain_prefix=my-aws-app: must not contain aws, amazon or cognito",
        ),
        (
            {"vpn": "flase", "fleet_size": "0", "web_domain": "www.example.com"},
            "-c vpn=flase: must be true or false (or 1/0, yes/no); -c fleet_size=0: must be at least 1; "
            "-c web_domain needs -c web_zone_id and -c web_zone_name",
        ),
    ],
)
def test_each_mistake_is_one_line_naming_the_key(given: dict[str, object], line: str) -> None:
    with pytest.raises(ContextError, match=f"^{re.escape(line)}$"):
        create_app(context=given)


def test_a_context_error_is_a_value_error() -> None:
    assert issubclass(ContextError, ValueError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        (True, True),
        ("false", False),
        ("False", False),
        ("0", False),
        ("no", False),
        (False, False),
    ],
)
def test_booleans_are_strict_but_forgiving_about_case(value: object, expected: bool) -> None:
    assert context.flag(App(context={"vpn": value}), "vpn", default=not expected) is expected


def test_readers_parse_strictly_and_default_when_unset() -> None:
    app = App(context={"fleet_size": " 3 ", "waf_rate_limit": 500, "onprem_cidrs": ["10.0.0.0/8", " "]})
    assert context.number(app, "fleet_size", 2) == 3
    assert context.number(app, "waf_rate_limit", 2000) == 500
    assert context.number(app, "hpc_node_count", 2) == 2
    assert context.text_list(app, "onprem_cidrs", []) == ["10.0.0.0/8"]
    assert context.text(app, "ami_name", "web") == "web"
    assert context.region(app) == "us-east-1"
    assert context.region(App(context={"region": "ap-northeast-1"})) == "ap-northeast-1"
    context.validate(app)  # no error


def test_regions_come_from_botocore_commercial_partition() -> None:
    regions = context.commercial_regions()
    assert {"us-east-1", "eu-west-1", "ap-northeast-1", "sa-east-1"} <= regions
    assert not {"cn-north-1", "us-gov-west-1", "us-iso-east-1"} & regions


def test_every_key_the_stacks_read_is_declared() -> None:
    """A key read by a stack but missing from KEYS would escape validation."""
    read = set()
    for module in (ROOT / "stacks").glob("*.py"):
        read |= set(re.findall(r"context\.\w+\(\s*self,\s*\"(\w+)\"", module.read_text()))
    assert read, "the pattern found no context read"
    assert read - set(context.KEYS) == set()


def test_app_py_prints_one_line_and_exits_non_zero() -> None:
    environment = {**os.environ, "CDK_CONTEXT_JSON": json.dumps({"vpn": "flase"})}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stderr == "-c vpn=flase: must be true or false (or 1/0, yes/no)\n"
