"""CDP-LambdaFailureDestination: a Lambda invoked asynchronously or by an event source has somewhere for
failed events to go (a DLQ or an on-failure destination), so that nothing is lost silently."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, NOT_APPLICABLE, Result, Severity, Template, non_compliant, props, refs

RULE_ID = "CDP-LambdaFailureDestination"
SEVERITY = Severity.ERROR
RESOURCE_TYPES = ("AWS::Lambda::EventSourceMapping", "AWS::Events::Rule")
FIX = "Give the queue a redrive policy (DLQ), the mapping a DestinationConfig.OnFailure, or the rule target a DeadLetterConfig."


def _is_function(logical_ids: set[str], template: Template) -> bool:
    return any((template.resource(i) or {}).get("Type") == "AWS::Lambda::Function" for i in logical_ids)


def _has_event_invoke_failure(function_ids: set[str], template: Template) -> bool:
    for _, config in template.of_type("AWS::Lambda::EventInvokeConfig"):
        properties = props(config)
        if refs(properties.get("FunctionName")) & function_ids and (
            (properties.get("DestinationConfig") or {}).get("OnFailure")
        ):
            return True
    return any(props(template.resource(i) or {}).get("DeadLetterConfig") for i in function_ids)


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    properties = props(resource)
    if resource["Type"] == "AWS::Lambda::EventSourceMapping":
        sources = refs(properties.get("EventSourceArn"))
        queue = next(
            (
                template.resource(i)
                for i in sources
                if (template.resource(i) or {}).get("Type") == "AWS::SQS::Queue"
            ),
            None,
        )
        if queue is not None:
            if props(queue).get("RedrivePolicy"):
                return COMPLIANT
            return non_compliant(
                "The SQS event source has no dead-letter queue: poison messages retry forever."
            )
        if (properties.get("DestinationConfig") or {}).get("OnFailure"):
            return COMPLIANT
        if sources or properties.get("EventSourceArn"):
            return non_compliant(
                "The stream event source mapping has no on-failure destination.",
                "Properties.DestinationConfig",
            )
        return NOT_APPLICABLE
    # EventBridge rule: each Lambda target is an asynchronous invocation.
    applicable = False
    for index, target in enumerate(properties.get("Targets") or []):
        function_ids = {i for i in refs(target.get("Arn")) if _is_function({i}, template)}
        if not function_ids:
            continue
        applicable = True
        if not target.get("DeadLetterConfig") and not _has_event_invoke_failure(function_ids, template):
            return non_compliant(
                f"Target {target.get('Id')!r} invokes a Lambda asynchronously with no DLQ or on-failure destination.",
                f"Properties.Targets.{index}",
            )
    return COMPLIANT if applicable else NOT_APPLICABLE
