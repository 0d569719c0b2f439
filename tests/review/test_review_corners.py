"""Corners the other review tests leave open, each found by a surviving mutant: defaults read from the template,
the first matching scaling target, cost rows of exactly $1.00, Mermaid escaping, every plumbing service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from patterns.review import render_md
from patterns.review.cfn import ref_target, referenced_ids
from patterns.review.cost import estimate
from patterns.review.diagram import Graph, Node, _common, action_kind, mermaid
from patterns.review.document import Flag, _cost_rows
from patterns.review.document import iam as iam_section
from patterns.review.exposure import find_exposure
from patterns.review.load import ReviewError, StackTemplate, load_assembly
from patterns.review.render_html import _anchor, render_html
from patterns.review.render_html import _block as h_block
from patterns.review.report import review
from patterns.review.stateful import stateful_resources
from patterns.review.write import write_report
from tests.review.templates import res, stack_of

X = "\N{MULTIPLICATION SIGN}"


def test_sub_names_stop_at_the_first_dot():
    assert referenced_ids({"Fn::Sub": "${A.B.C}"}) == {"A"}


@pytest.mark.parametrize(
    ("encryption", "shown"),
    [
        ({"EncryptionType": "KMS"}, "KMS key "),
        ({"EncryptionType": "AES256", "KeyId": "k"}, "AES256 key k"),
    ],
)
def test_kinesis_encryption_type_and_key_as_written(encryption, shown):
    (row,) = stateful_resources(stack_of({"S": res("AWS::Kinesis::Stream", StreamEncryption=encryption)}))
    assert row.encryption == shown


def test_fargate_desired_count_resolved_at_deploy_time_with_a_scaling_target():
    resources = {
        "Svc": res("AWS::ECS::Service", LaunchType="FARGATE", DesiredCount={"Ref": "N"}),
        "Target": res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            MinCapacity=1,
            ScalableDimension="ecs:service:DesiredCount",
            ResourceId={"Fn::GetAtt": ["Svc", "Name"]},
        ),
    }
    assert estimate(stack_of(resources)).not_costed == [
        ("Svc", "AWS::ECS::Service", "DesiredCount is resolved at deploy time")
    ]


def test_the_scaling_target_of_the_service_after_one_of_another_dimension():
    resources = {
        "Task": res("AWS::ECS::TaskDefinition", Cpu="256", Memory="512"),
        "Svc": res("AWS::ECS::Service", LaunchType="FARGATE", TaskDefinition={"Ref": "Task"}),
        "Reads": res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            MinCapacity=7,
            ScalableDimension="dynamodb:table:ReadCapacityUnits",
            ResourceId={"Fn::GetAtt": ["Svc", "Name"]},
        ),
        "Tasks": res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            MinCapacity=3,
            ScalableDimension="ecs:service:DesiredCount",
            ResourceId={"Fn::GetAtt": ["Svc", "Name"]},
        ),
    }
    (line,) = estimate(stack_of(resources)).lines
    assert line.basis.startswith("scaling minimum 3 (DesiredCount not set): 3 task(s)")
    assert line.monthly == pytest.approx(3 * (0.25 * 0.04048 + 0.5 * 0.004445) * 730, abs=0.0051)


def test_provisioned_table_read_capacity_defaults_to_zero():
    (line,) = estimate(
        stack_of({"T": res("AWS::DynamoDB::Table", ProvisionedThroughput={"WriteCapacityUnits": 2})})
    ).lines
    assert line.basis == f"provisioned 0 RCU {X} $0.00013/h + 2 WCU {X} $0.00065/h {X} 730 h"
    assert line.monthly == pytest.approx(2 * 0.00065 * 730, abs=0.0051)


def test_small_cost_lines_grouped_per_type_only_below_one_dollar():
    ten_metrics = [{"MetricStat": {}}] * 10  # 10 x $0.10 = $1.00: not small
    stack = stack_of(
        {
            "A1": res("AWS::CloudWatch::Alarm"),
            "A2": res("AWS::CloudWatch::Alarm"),
            "Big": res("AWS::CloudWatch::Alarm", Metrics=ten_metrics),
            "K1": res("AWS::KMS::Key"),
            "K2": res("AWS::KMS::Key"),
            "P": res("AWS::SSM::Parameter", Tier="Advanced"),
        }
    )
    rows = _cost_rows(review(stack))
    assert [[cell if isinstance(cell, str) else cell[0].text for cell in row] for row in rows] == [
        ["Big", "AWS::CloudWatch::Alarm", "$1.00", f"10 metric(s) {X} $0.10"],
        ["K1", "AWS::KMS::Key", "$1.00", "customer managed key $1.00"],
        ["K2", "AWS::KMS::Key", "$1.00", "customer managed key $1.00"],
        ["2 resources", "AWS::CloudWatch::Alarm", "$0.20", f"2 {X} (1 metric(s) {X} $0.10)"],
        ["P", "AWS::SSM::Parameter", "$0.05", "advanced parameter $0.05"],
    ]


def test_markdown_refuses_an_unknown_block():
    block = object()
    with pytest.raises(TypeError) as caught:
        render_md._block(block)
    assert caught.value.args == (block,)


def test_mermaid_escapes_labels_and_classes_other_nodes():
    graph = Graph(
        [
            Node("G", "Glue job", 'say "hi" <b>', [("G", "AWS::Glue::Job")]),
            Node("H", "a > b", "h", [("H", "AWS::Glue::Job"), ("R", "AWS::IAM::Role")]),
        ],
        [],
    )
    lines = mermaid(graph).splitlines()
    assert lines[1:4] == [
        '  n0["<b>Glue job</b><br/>say #quot;hi#quot; #lt;b#gt;"]',
        '  n1["<b>a #gt; b</b><br/>h<br/><small>+ role</small>"]',
        "  class n0,n1 other",
    ]


@pytest.mark.parametrize(
    "action",
    [
        "iam:GetRole",
        "kms:DescribeKey",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "cloudwatch:PutMetricData",
        "sts:GetCallerIdentity",
    ],
)
def test_plumbing_services_draw_no_edge(action):
    assert action_kind(action) is None


def test_action_names_split_at_the_first_colon():
    assert action_kind("s3:GetObject:Version") == "reads"


def test_an_api_path_part_without_a_name():
    resources = {
        "Api": res("AWS::ApiGateway::RestApi"),
        "Part": res("AWS::ApiGateway::Resource", ParentId={"Fn::GetAtt": ["Api", "RootResourceId"]}),
        "Get": res(
            "AWS::ApiGateway::Method", RestApiId={"Ref": "Api"}, HttpMethod="GET", ResourceId={"Ref": "Part"}
        ),
    }
    (found,) = find_exposure(stack_of(resources))
    assert found.detail == "EDGE endpoint, 1 method(s); no authorization on GET /?"


def test_table_of_contents_counts_the_stateful_resources_not_retained():
    keep = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    report = review(
        stack_of(
            {
                "A": res("AWS::SQS::Queue"),
                "B": res("AWS::SQS::Queue"),
                "C": {**res("AWS::SQS::Queue"), **keep},
            }
        )
    )
    page = render_html([report])
    assert '<td class="num">0 / 0</td><td class="num">2 / 3</td>' in page
    assert (
        '<td><a href="https://aws.amazon.com/vpc/pricing/">https://aws.amazon.com/vpc/pricing/</a></td></tr>'
        "<tr><td>public IPv4 address</td>"
    ) in page


def _assembly(root: Path, template: dict, metadata: dict) -> Path:
    root.mkdir(parents=True)
    (root / "S.template.json").write_text(json.dumps(template))
    artifact = {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}
    (root / "manifest.json").write_text(json.dumps({"artifacts": {"S": {**artifact, "metadata": metadata}}}))
    return root


def test_construct_paths_skip_ids_that_are_not_resources_and_odd_resources(tmp_path):
    template = {"Resources": {"Odd": "not a resource", "A": {"Type": "X"}, "B": {"Type": "X"}}}
    metadata = {
        "/S/Gone/Resource": [{"type": "aws:cdk:logicalId", "data": "Gone"}],
        "/S/Api/A/Resource": [{"type": "aws:cdk:logicalId", "data": "A"}],
        "/Elsewhere/Deep/B": [{"type": "aws:cdk:logicalId", "data": "B"}],
    }
    (stack,) = load_assembly(_assembly(tmp_path / "out", template, metadata))
    assert stack.paths == {"A": "Api/A/Resource", "B": "Deep/B"}


def test_report_files_into_new_folders_twice_and_unwritable(tmp_path):
    root = tmp_path / "cdk.out"
    root.mkdir()
    (root / "S.template.json").write_text(json.dumps({"Resources": {}}))
    artifact = {
        "type": "aws:cloudformation:stack",
        "displayName": "Xray/Web",
        "properties": {"templateFile": "S.template.json"},
    }
    (root / "manifest.json").write_text(json.dumps({"artifacts": {"S": artifact}}))
    out = tmp_path / "a" / "b" / "c"
    assert [p.name for p in write_report(root, out)] == ["Xray-Web.md", "index.html"]
    assert [p.name for p in write_report(root, out)] == ["Xray-Web.md", "index.html"]  # again, over the first
    (tmp_path / "file").write_text("x")
    with pytest.raises(ReviewError) as caught:
        write_report(root, tmp_path / "file" / "sub")
    assert str(caught.value) == f"cannot write the report to {tmp_path / 'file' / 'sub'}: Not a directory"


def test_iam_section_lists_every_action_and_finding():
    role = res(
        "AWS::IAM::Role",
        ManagedPolicyArns=[
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/IAMFullAccess",
        ],
        Policies=[
            {
                "PolicyDocument": {
                    "Statement": [
                        {"Effect": "Allow", "Action": ["s3:*", "sqs:*", "s3:GetObject"], "Resource": "arn:x"},
                        {"Effect": "Allow", "NotAction": ["iam:*", "kms:*"], "Resource": "arn:x"},
                        {"Effect": "Allow", "Action": "execute-api:Invoke:Extra", "Resource": "arn:x"},
                    ]
                }
            }
        ],
    )
    (table,) = iam_section(review(stack_of({"R": role}))).blocks
    (row,) = table.rows
    assert row[2] == "execute-api: Invoke:Extra; s3: *, GetObject; sqs: *"
    assert [part.text if isinstance(part, Flag) else part for part in row[4]] == [
        "wildcard actions: s3:*, sqs:*",
        "; ",
        "NotAction: iam:*, kms:*",
        "; ",
        "broad managed policy: AdministratorAccess, IAMFullAccess",
    ]


def test_the_diagram_is_titled_after_the_stack():
    page = render_html([review(stack_of({"Topic": res("AWS::SNS::Topic")}))])
    assert 'aria-label="Test architecture"' in page


@pytest.mark.parametrize(
    ("a", "b", "common"), [("a/b", "a/b/c", 2), ("a/b/c", "a/x", 1), ("", "a", 0), ("a/b", "a/b", 2)]
)
def test_common_path_segments(a, b, common):
    assert _common(a, b) == common


def test_anchor_keeps_a_leading_x():
    assert _anchor("Xray/Web") == "Xray-Web"


def test_a_web_acl_on_the_stage_protects_its_rest_api():
    resources = {
        "Api": res("AWS::ApiGateway::RestApi"),
        "Get": res(
            "AWS::ApiGateway::Method", RestApiId={"Ref": "Api"}, HttpMethod="GET", AuthorizationType="AWS_IAM"
        ),
        "Stage": res("AWS::ApiGateway::Stage", RestApiId={"Ref": "Api"}),
        "Waf": res(
            "AWS::WAFv2::WebACLAssociation",
            ResourceArn={"Fn::Sub": "arn:aws:apigateway:us-east-1::/restapis/abc/stages/${Stage}"},
        ),
    }
    (found,) = find_exposure(stack_of(resources))
    assert (found.auth, found.waf, found.severity) == ("IAM", "yes", "info")


def test_every_open_http_route_is_named():
    resources = {
        "Http": res("AWS::ApiGatewayV2::Api"),
        "A": res("AWS::ApiGatewayV2::Route", ApiId={"Ref": "Http"}, RouteKey="GET /a"),
        "B": res(
            "AWS::ApiGatewayV2::Route", ApiId={"Ref": "Http"}, RouteKey="GET /b", AuthorizationType="NONE"
        ),
    }
    (found,) = find_exposure(stack_of(resources))
    assert found.detail == "2 route(s); no authorization on GET /a, GET /b"


def test_get_att_with_a_dotted_attribute_names_its_resource():
    assert ref_target({"Fn::GetAtt": "A.B.C"}) == "A"


def test_stacks_follow_each_other_on_the_page():
    first = review(stack_of({"Topic": res("AWS::SNS::Topic")}))
    second = review(StackTemplate("B", {"Resources": {}}, display_name="B"))
    page = render_html([first, second])
    assert '</details>\n<h2 id="B">' in page
    with pytest.raises(TypeError) as caught:
        h_block("not a block", "s", [0])
    assert caught.value.args == ("not a block",)
