"""CDP-EcsCircuitBreakerRollback: an ECS service rolls back a failing deployment by itself (the containers
talk: rolling back is automated too)."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, NOT_APPLICABLE, Result, Severity, Template, non_compliant, props

RULE_ID = "CDP-EcsCircuitBreakerRollback"
SEVERITY = Severity.ERROR
RESOURCE_TYPES = ("AWS::ECS::Service",)
FIX = "Enable the deployment circuit breaker with rollback (circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True))."


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    properties = props(resource)
    controller = (properties.get("DeploymentController") or {}).get("Type", "ECS")
    if controller != "ECS":
        return NOT_APPLICABLE  # CodeDeploy / external controllers roll back their own way
    breaker = (properties.get("DeploymentConfiguration") or {}).get("DeploymentCircuitBreaker") or {}
    if breaker.get("Enable") is True and breaker.get("Rollback") is True:
        return COMPLIANT
    return non_compliant(
        "The service has no deployment circuit breaker with rollback.",
        "Properties.DeploymentConfiguration.DeploymentCircuitBreaker",
    )
