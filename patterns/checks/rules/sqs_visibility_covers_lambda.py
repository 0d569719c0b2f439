"""CDP-SqsVisibilityCoversLambda: a queue consumed by Lambda has a visibility timeout of at least six times
the function's timeout (AWS's advice), or messages reappear while still being processed."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, NOT_APPLICABLE, Result, Severity, Template, non_compliant, number, props, refs

RULE_ID = "CDP-SqsVisibilityCoversLambda"
SEVERITY = Severity.ERROR
RESOURCE_TYPES = ("AWS::Lambda::EventSourceMapping",)
FIX = "Set the queue's visibility timeout to at least 6x the function timeout (plus the batching window)."
SQS_DEFAULT_VISIBILITY = 30
LAMBDA_DEFAULT_TIMEOUT = 3


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    properties = props(resource)
    queues = [template.resource(i) for i in refs(properties.get("EventSourceArn"))]
    queue = next((q for q in queues if q and q.get("Type") == "AWS::SQS::Queue"), None)
    functions = [template.resource(i) for i in refs(properties.get("FunctionName"))]
    function = next((f for f in functions if f and f.get("Type") == "AWS::Lambda::Function"), None)
    if queue is None or function is None:
        return NOT_APPLICABLE
    visibility = number(props(queue).get("VisibilityTimeout"), SQS_DEFAULT_VISIBILITY)
    timeout = number(props(function).get("Timeout"), LAMBDA_DEFAULT_TIMEOUT)
    if visibility is None or timeout is None:
        return NOT_APPLICABLE
    if visibility >= 6 * timeout:
        return COMPLIANT
    return non_compliant(
        f"Queue visibility timeout {visibility:g}s is under 6 x the function timeout {timeout:g}s "
        f"(needs at least {6 * timeout:g}s).",
    )
