"""Shared secure defaults and helpers used by more than one pattern."""

from .alarms import alarm, alarm_topic
from .compat import renamed_arguments
from .functions import PYTHON_RUNTIME, python_function
from .keys import service_key
from .logs import DEFAULT_LOG_RETENTION, allow_cloudwatch_logs, encrypt_log_groups, log_group
from .nag import acknowledge, acknowledge_wildcard_resources, nag_ref
from .storage import access_logs_bucket, allow_log_delivery, logging_target, secure_bucket
from .validation import PRIVATE_NETWORKS, Problems, is_domain_name, is_token, private_network_of

__all__ = [
    "DEFAULT_LOG_RETENTION",
    "PRIVATE_NETWORKS",
    "PYTHON_RUNTIME",
    "Problems",
    "access_logs_bucket",
    "acknowledge",
    "acknowledge_wildcard_resources",
    "alarm",
    "alarm_topic",
    "allow_cloudwatch_logs",
    "allow_log_delivery",
    "encrypt_log_groups",
    "is_domain_name",
    "is_token",
    "log_group",
    "logging_target",
    "nag_ref",
    "private_network_of",
    "python_function",
    "renamed_arguments",
    "secure_bucket",
    "service_key",
]
