"""One module per rule. Each module defines RULE_ID, SEVERITY, RESOURCE_TYPES, FIX and ``evaluate``."""

from . import (
    batch_min_vcpus_zero,
    ecs_circuit_breaker_rollback,
    edge_has_waf,
    lambda_failure_destination,
    no_key_pairs,
    no_private_address_in_public_zone,
    no_ssh_ingress,
    sqs_visibility_covers_lambda,
    stateful_resource_retained,
    waf_logging_enabled,
)

ALL_RULES = (
    no_ssh_ingress,
    no_key_pairs,
    no_private_address_in_public_zone,
    edge_has_waf,
    lambda_failure_destination,
    sqs_visibility_covers_lambda,
    ecs_circuit_breaker_rollback,
    batch_min_vcpus_zero,
    stateful_resource_retained,
    waf_logging_enabled,
)
