"""HPC fixes found by trying the example in an account (issue 14): the Batch ``.sync`` policy of the
workflow, the API's StartExecution template for bodies with an apostrophe, and the Slurm cluster waiting
for the Lustre security-group rules that ParallelCluster's file-system check reads."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from patterns.hpc import SlurmCluster, SlurmQueue, TrainingStorage
from tests.conftest import new_stack, template_of
from tests.deploy.cfn import join, resources

# -- the Batch .sync policy -------------------------------------------------------------------------


def workflow_statements(templates: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    template = templates["CdpHpcTraining"]
    machines = [p for _, _, p in resources({"x": template}, "AWS::StepFunctions::StateMachine")]
    assert len(machines) == 1
    role = machines[0]["RoleArn"]["Fn::GetAtt"][0]
    statements = []
    for _, _, policy in resources({"x": template}, "AWS::IAM::Policy"):
        if {"Ref": role} in policy["Roles"]:
            statements += policy["PolicyDocument"]["Statement"]
    return statements


def actions_of(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else action


def granted(statements: list[dict[str, Any]], action: str) -> list[Any]:
    return [s["Resource"] for s in statements if action in actions_of(s) and s["Effect"] == "Allow"]


def test_sync_role_may_follow_and_cancel_the_job(example_templates) -> None:
    statements = workflow_statements(example_templates)
    assert granted(statements, "batch:DescribeJobs") == ["*"]  # no resource-level permissions
    (terminate,) = granted(statements, "batch:TerminateJob")
    assert join(terminate).endswith(":job/*")
    assert join(terminate).startswith("arn:")
    assert ":batch:" in json.dumps(terminate)


def test_sync_role_may_manage_the_managed_batch_rule(example_templates) -> None:
    statements = workflow_statements(example_templates)
    for action in ("events:PutTargets", "events:PutRule", "events:DescribeRule"):
        (resource,) = granted(statements, action)
        assert join(resource).endswith(":rule/StepFunctionsGetEventsForBatchJobsRule"), action


# -- the StartExecution request template ------------------------------------------------------------


def escape_java_script(text: str) -> str:
    """``$util.escapeJavaScript``: Apache Commons Lang 2 ``StringEscapeUtils.escapeJavaScript`` (what API
    Gateway documents), over UTF-16 code units as Java sees them."""
    units = text.encode("utf-16-be")
    out = []
    for i in range(0, len(units), 2):
        code = int.from_bytes(units[i : i + 2], "big")
        char = chr(code) if not 0xD800 <= code <= 0xDFFF else ""
        if code > 0x7F:
            out.append(f"\\u{code:04X}")
        elif code < 32:
            out.append({8: "\\b", 10: "\\n", 9: "\\t", 12: "\\f", 13: "\\r"}.get(code, f"\\u{code:04X}"))
        else:
            out.append({"'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/"}.get(char, char))
    return "".join(out)


CALL = re.compile(
    r"""\$util\.escapeJavaScript\(\$input\.json\('\$'\)\)((?:\.replaceAll\("[^"]*", ?"[^"]*"\))*)"""
)
REPLACE = re.compile(r"""\.replaceAll\("([^"]*)", ?"([^"]*)"\)""")


def render(template: str, body: Any) -> str:
    """API Gateway's rendering of this one template shape: ``$input.json('$')`` is the body as JSON,
    escaped, then each ``.replaceAll(regex, replacement)`` (Java regular expressions, which for these
    patterns read as Python's). Velocity string literals keep their backslashes."""
    match = CALL.search(template)
    assert match is not None, template
    value = escape_java_script(json.dumps(body, separators=(",", ":"), ensure_ascii=False))
    for pattern, replacement in REPLACE.findall(match.group(1)):
        value = re.sub(pattern, lambda _m, r=replacement: r, value)
    return template[: match.start()] + value + template[match.end() :]


@pytest.fixture(scope="module")
def request_template(example_templates) -> str:
    templates = [
        join(p["Integration"]["RequestTemplates"]["application/json"])
        for _, _, p in resources({"x": example_templates["CdpHpcTraining"]}, "AWS::ApiGateway::Method")
        if p.get("Integration", {}).get("RequestTemplates")
    ]
    assert len(templates) == 1
    return templates[0]


BODIES = [
    {"comment": "Alice's first run", "dataSet": "imagenet/2024"},
    {"comment": 'quotes " and \\ backslash / slash, tab\t, newline\n and émoji 🚀'},
    {},
]


@pytest.mark.parametrize("body", BODIES)
def test_any_body_becomes_the_execution_input(request_template, body) -> None:
    request = json.loads(render(request_template, body))
    assert request["stateMachineArn"] == "placeholder"  # the Ref to the state machine (its ARN)
    assert json.loads(request["input"]) == body


def test_the_rendering_catches_the_apostrophe_bug() -> None:
    """The old template (no replaceAll) must fail here, or the test above proves nothing."""
    old = '{"stateMachineArn": "x", "input": "$util.escapeJavaScript($input.json(\'$\'))"}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(render(old, BODIES[0]))
    assert json.loads(json.loads(render(old, BODIES[1]))["input"]) == BODIES[1]


def test_template_text(request_template) -> None:
    assert request_template == (
        '{"stateMachineArn": "placeholder", '
        '"input": "$util.escapeJavaScript($input.json(\'$\')).replaceAll("\\\\\'", "\'")"}'
    )


# -- the Slurm cluster waits for the Lustre rules ---------------------------------------------------


@pytest.fixture(scope="module")
def slurm_on_training_storage() -> tuple[Stack, Template, SlurmCluster, TrainingStorage]:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    storage = TrainingStorage(stack, "Storage", vpc=vpc)
    cluster = SlurmCluster(
        stack,
        "Slurm",
        vpc=vpc,
        cluster_name="training",
        queues=[SlurmQueue(name="gpu")],
        training_storage=storage,
    )
    return stack, template_of(stack), cluster, storage


def rule_ids(template: Template, type_: str, group: Any, peer_key: str, peer: Any, port: int) -> set[str]:
    return {
        logical_id
        for logical_id, r in template.find_resources(type_).items()
        if r["Properties"]["GroupId"] == group
        and r["Properties"][peer_key] == peer
        and r["Properties"]["FromPort"] == port
    }


@pytest.mark.parametrize("port", [988, 1018])
def test_cluster_depends_on_the_lustre_rules(slurm_on_training_storage, port) -> None:
    stack, template, cluster, storage = slurm_on_training_storage
    lustre = stack.resolve(storage.security_group.security_group_id)
    nodes = stack.resolve(cluster.security_group.security_group_id)
    needed = (
        rule_ids(template, "AWS::EC2::SecurityGroupIngress", lustre, "SourceSecurityGroupId", nodes, port)
        | rule_ids(
            template, "AWS::EC2::SecurityGroupEgress", nodes, "DestinationSecurityGroupId", lustre, port
        )
        | rule_ids(template, "AWS::EC2::SecurityGroupIngress", nodes, "SourceSecurityGroupId", lustre, port)
        | rule_ids(
            template, "AWS::EC2::SecurityGroupEgress", lustre, "DestinationSecurityGroupId", nodes, port
        )
    )
    assert len(needed) == 4
    (resource,) = template.find_resources("Custom::PclusterCluster").values()
    assert needed <= set(resource["DependsOn"])


def test_a_cluster_with_its_own_lustre_adds_no_dependency() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    SlurmCluster(stack, "Slurm", vpc=vpc, cluster_name="training", queues=[SlurmQueue(name="gpu")])
    (resource,) = template_of(stack).find_resources("Custom::PclusterCluster").values()
    assert "DependsOn" not in resource
