"""Reading example-stack settings from CDK context (``cdk synth -c key=value``) with documented defaults.

Every key an example stack reads is declared in ``KEYS`` with its kind. ``validate(app)`` checks all of
them (and the rules between keys) before any stack is built, and raises one ``ContextError`` whose
message is a single line naming each bad key: ``app.py`` prints it and exits non-zero, with no
traceback. The readers (``text``, ``number``, ``flag``, ...) parse just as strictly, so a stack built
on its own reports the same line.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from constructs import Construct


class ContextError(ValueError):
    """A context value the example app cannot use; the message is one line naming the key(s)."""


@dataclass(frozen=True)
class Key:
    """One context key: its kind (``text``, ``list``, ``number``, ``flag``, ``region``), the smallest and
    largest number it allows, and an optional check of each text value (returns a problem or ``None``)."""

    kind: str
    minimum: int | None = None
    maximum: int | None = None
    check: Callable[[str], str | None] | None = None


TRUE = ("true", "1", "yes")
FALSE = ("false", "0", "no")
"""The spellings a boolean context value may take (any case); anything else is an error."""

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CERTIFICATE_ARN = re.compile(r"^arn:aws:acm:us-east-1:[0-9]{12}:certificate/[A-Za-z0-9-]+$")
_GLOBAL_WEB_ACL_ARN = re.compile(r"^arn:aws:wafv2:us-east-1:[0-9]{12}:global/webacl/[^/]+/[^/]+$")
_COGNITO_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _account(value: str) -> str | None:
    return None if _ACCOUNT.match(value) else "must be a 12-digit AWS account id"


def _domain(value: str) -> str | None:
    return None if _DOMAIN.match(value.rstrip(".").lower()) else "must be a domain name (example.com)"


def _zone_id(value: str) -> str | None:
    return None if _HOSTED_ZONE_ID.match(value) else "must be a Route 53 hosted zone id (Z0123456789ABC)"


def _certificate_arn(value: str) -> str | None:
    return (
        None
        if _CERTIFICATE_ARN.match(value)
        else "must be an ACM certificate ARN in us-east-1 (arn:aws:acm:us-east-1:<account>:certificate/<id>)"
    )


def _web_acl_arn(value: str) -> str | None:
    return (
        None
        if _GLOBAL_WEB_ACL_ARN.match(value)
        else "must be the ARN of a CLOUDFRONT-scope web ACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/...)"
    )


def _cognito_prefix(value: str) -> str | None:
    if "aws" in value or "amazon" in value or "cognito" in value:
        return "must not contain aws, amazon or cognito"
    return None if _COGNITO_PREFIX.match(value) else "must be lower-case letters, digits and '-' (1-63)"


_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


def _twitter_key(value: str) -> str | None:
    return (
        None
        if value.strip() and not any(c in value for c in " ;")
        else "must be the X app's API key (no spaces or ';')"
    )


def _secret_name(value: str) -> str | None:
    return (
        None
        if _SECRET_NAME.match(value)
        else "must be a Secrets Manager secret name (letters, digits and /_+=.@-)"
    )


def _ipv4(value: str) -> str | None:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return "must be an IPv4 address (203.0.113.10)"
    return None


def _ip(value: str) -> str | None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return "must be an IP address (192.168.10.53)"
    return None


def _cidr(value: str) -> str | None:
    try:
        ipaddress.ip_network(value)
    except ValueError:
        return "must be a CIDR block with no host bits set (192.168.0.0/16)"
    return None


KEYS: dict[str, Key] = {
    # every example stack
    "region": Key("region"),
    # CdpNetwork
    "onprem_cidrs": Key("list", check=_cidr),
    "vpn": Key("flag"),
    "customer_gateway_ip": Key("text", check=_ipv4),
    "customer_gateway_asn": Key("number", minimum=0, maximum=4_294_967_295),
    "container_endpoints": Key("flag"),
    # CdpSecurityBaseline
    "waf_blocked_cidrs": Key("list", check=_cidr),
    "waf_rate_limit": Key("number", minimum=10, maximum=2_000_000_000),
    "config_recorder": Key("flag"),
    "session_manager_preferences": Key("flag"),
    # CdpHybridDns
    "onprem_domains": Key("list", check=_domain),
    "onprem_dns_servers": Key("list", check=_ip),
    "cloud_domain": Key("text", check=_domain),
    # CdpAmiMaintenance
    "ami_name": Key("text"),
    "ami_schedule": Key("text"),
    "fleet_size": Key("number", minimum=1, maximum=1000),
    # CdpHpcTraining
    "hpc_fsx_deployment_type": Key("text"),
    "hpc_fsx_capacity_gib": Key("number", minimum=1),
    "hpc_instance_types": Key("list"),
    "hpc_max_vcpus": Key("number", minimum=1),
    "hpc_node_count": Key("number", minimum=1),
    "hpc_training_image": Key("text"),
    "hpc_preprocess_image": Key("text"),
    "hpc_slurm": Key("flag"),
    "hpc_slurm_cluster_name": Key("text"),
    # CdpServerlessWeb (and its us-east-1 companions)
    "web_domain": Key("text", check=_domain),
    "web_zone_id": Key("text", check=_zone_id),
    "web_zone_name": Key("text", check=_domain),
    "web_certificate_arn": Key("text", check=_certificate_arn),
    "web_acl_arn": Key("text", check=_web_acl_arn),
    "auth_domain_prefix": Key("text", check=_cognito_prefix),
    "twitter": Key("flag"),
    "twitter_consumer_key": Key("text", check=_twitter_key),
    "twitter_secret_name": Key("text", check=_secret_name),
    # CdpAsyncWork
    "poll_interval_seconds": Key("number", minimum=1),
    "max_attempts": Key("number", minimum=1),
    "fleet_max_tasks": Key("number", minimum=1),
    "beanstalk_instance_type": Key("text"),
    "beanstalk_solution_stack": Key("text"),
    # CdpContainers
    "ci_account": Key("text", check=_account),
    "container_image": Key("text"),
    "instance_type": Key("text"),
    "max_instances": Key("number", minimum=1, maximum=1000),
}
"""Every context key the example stacks read, by name. A key not listed here is not read."""


@cache
def commercial_regions() -> frozenset[str]:
    """The regions of the ``aws`` partition, from botocore's endpoint data (installed with the tests'
    boto3; maintained by AWS with every release)."""
    from botocore.loaders import create_loader

    endpoints = create_loader().load_data("endpoints")
    return frozenset(
        region
        for partition in endpoints["partitions"]
        if partition["partition"] == "aws"
        for region in partition["regions"]
    )


_CONTEXT: weakref.WeakKeyDictionary[Construct, dict[str, Any]] = weakref.WeakKeyDictionary()


def _raw(scope: Construct, key: str) -> Any:
    """``scope``'s context value for ``key`` (None if unset). The whole context a scope sees is read once,
    in one call across the jsii bridge, instead of once per key: CDK refuses context set on a scope after
    it has children, and a scope is read only while its children are being built."""
    seen = _CONTEXT.get(scope)
    if seen is None:
        seen = _CONTEXT[scope] = dict(scope.node.get_all_context() or {})
    return seen.get(key)


def _text_value(key: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a number in cdk.json where text goes (an account id)
    if not isinstance(value, str):
        raise ContextError(f"-c {key}={value!r}: must be text")
    return value.strip()


def _checked(key: str, value: str, spec: Key | None) -> str:
    if value and spec is not None and spec.check is not None:
        problem = spec.check(value)
        if problem:
            raise ContextError(f"-c {key}={value}: {problem}")
    return value


def _parse_number(key: str, value: Any, spec: Key | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ContextError(f"-c {key}={value!r}: must be a whole number")
    if isinstance(value, str):
        if not _INTEGER.match(value.strip()):
            raise ContextError(f"-c {key}={value}: must be a whole number")
        value = int(value.strip())
    if spec is not None and spec.minimum is not None and value < spec.minimum:
        raise ContextError(f"-c {key}={value}: must be at least {spec.minimum}")
    if spec is not None and spec.maximum is not None and value > spec.maximum:
        raise ContextError(f"-c {key}={value}: must be at most {spec.maximum}")
    return int(value)


def _parse_flag(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    spelled = str(value).strip().lower()
    if spelled in TRUE:
        return True
    if spelled in FALSE:
        return False
    raise ContextError(f"-c {key}={value}: must be true or false (or 1/0, yes/no)")


def _parse_list(key: str, value: Any, spec: Key | None) -> list[str]:
    if isinstance(value, list):
        items = [_text_value(key, item) for item in value]
    else:
        items = [part.strip() for part in _text_value(key, value).split(",")]
    items = [item for item in items if item]
    for item in items:
        _checked(key, item, spec)
    return items


def _parse_region(key: str, value: Any) -> str:
    region = _text_value(key, value)
    regions = commercial_regions()
    if region not in regions:
        close = difflib.get_close_matches(region, sorted(regions), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ContextError(f"-c {key}={region}: not a region of the AWS commercial partition{hint}")
    return region


def text(scope: Construct, key: str, default: str) -> str:
    """A text value; an empty value (``-c key=``) means the default."""
    value = _raw(scope, key)
    if value is None:
        return default
    return _checked(key, _text_value(key, value), KEYS.get(key)) or default


def text_list(scope: Construct, key: str, default: list[str]) -> list[str]:
    """A list from context: a JSON list in cdk.json, or comma-separated on the command line."""
    value = _raw(scope, key)
    if value is None:
        return list(default)
    return _parse_list(key, value, KEYS.get(key))


def number(scope: Construct, key: str, default: int) -> int:
    """A whole number (``-c key=3``); anything else, or a value outside the key's range, is an error."""
    value = _raw(scope, key)
    return default if value is None else _parse_number(key, value, KEYS.get(key))


def flag(scope: Construct, key: str, *, default: bool) -> bool:
    """A boolean: true/false, 1/0 or yes/no (any case); anything else is an error naming the key."""
    value = _raw(scope, key)
    return default if value is None else _parse_flag(key, value)


def region(scope: Construct, default: str = "us-east-1") -> str:
    """``-c region=...``: a region of the AWS commercial partition. Default us-east-1."""
    value = _raw(scope, "region")
    return default if value is None else _parse_region("region", value)


def _parse(scope: Construct, key: str, spec: Key) -> None:
    value = _raw(scope, key)
    if value is None:
        return
    if spec.kind == "region":
        _parse_region(key, value)
    elif spec.kind == "number":
        _parse_number(key, value, spec)
    elif spec.kind == "flag":
        _parse_flag(key, value)
    elif spec.kind == "list":
        _parse_list(key, value, spec)
    else:
        _checked(key, _text_value(key, value), spec)


def _given(scope: Construct, key: str) -> bool:
    value = _raw(scope, key)
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _web_domain_rules(scope: Construct) -> list[str]:
    problems: list[str] = []
    zone_keys = ("web_zone_id", "web_zone_name")
    if _given(scope, "web_domain"):
        missing = [f"-c {key}" for key in zone_keys if not _given(scope, key)]
        if missing:
            problems.append(f"-c web_domain needs {' and '.join(missing)}")
        elif _DOMAIN.match(str(_raw(scope, "web_zone_name")).strip().rstrip(".").lower()):
            name = str(_raw(scope, "web_domain")).strip().rstrip(".").lower()
            zone = str(_raw(scope, "web_zone_name")).strip().rstrip(".").lower()
            if name != zone and not name.endswith("." + zone):
                problems.append(f"-c web_domain={name}: is not inside -c web_zone_name={zone}")
    else:
        extra = [f"-c {key}" for key in (*zone_keys, "web_certificate_arn") if _given(scope, key)]
        if extra:
            verb = "needs" if len(extra) == 1 else "need"
            problems.append(f"{' and '.join(extra)} {verb} -c web_domain")
    return problems


def validate(scope: Construct) -> None:
    """Check every key of ``KEYS`` that is set, and the rules between keys; raise one ``ContextError``
    (one line, each problem separated by ``; ``) if anything is wrong."""
    _CONTEXT.pop(scope, None)  # read afresh: context may have been set since an earlier read
    problems: list[str] = []
    for key, spec in KEYS.items():
        try:
            _parse(scope, key, spec)
        except ContextError as error:
            problems.append(str(error))
    problems += _web_domain_rules(scope)
    if problems:
        raise ContextError("; ".join(problems))
