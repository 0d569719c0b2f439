"""The review diagram: service resources as nodes, what serves them folded in, typed edges, other stacks as
nodes, and an SVG that wraps every label and fits its width."""

from __future__ import annotations

import re

import pytest

from patterns.review.diagram import action_kind, build_graph, mermaid
from patterns.review.svg import render_svg, wrap
from tests.review.templates import res, stack_of

NETWORK_SUBNET = {
    "Fn::GetStackOutput": {"StackName": "Network", "Region": "us-east-1", "OutputName": "PrivateSubnet1"}
}


def _policy(path: str, role: str, *statements: dict) -> dict:
    return res(
        "AWS::IAM::Policy",
        path,
        Roles=[{"Ref": role}],
        PolicyDocument={"Version": "2012-10-17", "Statement": list(statements)},
    )


@pytest.fixture(scope="module")
def app() -> dict:
    """CloudFront -> bucket; API -> function -> table; queue -> worker; alarms -> topic; a service in another
    stack's subnets; a Cognito user pool that only configures the API."""
    return {
        "Acl": res("AWS::WAFv2::WebACL", "Edge/WebAcl"),
        "Site": res("AWS::S3::Bucket", "Site/Content/Resource"),
        "SiteLogs": res("AWS::S3::Bucket", "Site/Logs/Resource"),
        "Cdn": res(
            "AWS::CloudFront::Distribution",
            "Site/Distribution/Resource",
            DistributionConfig={
                "Origins": [{"DomainName": {"Fn::GetAtt": ["Site", "RegionalDomainName"]}}],
                "Logging": {"Bucket": {"Fn::GetAtt": ["SiteLogs", "RegionalDomainName"]}},
                "WebACLId": {"Fn::GetAtt": ["Acl", "Arn"]},
            },
        ),
        "Pool": res("AWS::Cognito::UserPool", "Api/UserPool/Resource"),
        "Api": res("AWS::ApiGateway::RestApi", "Api/Api/Resource"),
        "Authorizer": res(
            "AWS::ApiGateway::Authorizer",
            "Api/Api/Authorizer/Resource",
            RestApiId={"Ref": "Api"},
            ProviderARNs=[{"Fn::GetAtt": ["Pool", "Arn"]}],
        ),
        "Get": res(
            "AWS::ApiGateway::Method",
            "Api/Api/Default/items/GET/Resource",
            RestApiId={"Ref": "Api"},
            AuthorizationType="COGNITO_USER_POOLS",
            Integration={"Uri": {"Fn::Join": ["", ["arn:...", {"Fn::GetAtt": ["ReadFn", "Arn"]}]]}},
        ),
        "ReadRole": res("AWS::IAM::Role", "Api/Read/ServiceRole/Resource"),
        "ReadPolicy": _policy(
            "Api/Read/ServiceRole/DefaultPolicy/Resource",
            "ReadRole",
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": {"Fn::GetAtt": ["Table", "Arn"]},
            },
            {"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
        ),
        "ReadFn": res("AWS::Lambda::Function", "Api/Read/Resource", Role={"Fn::GetAtt": ["ReadRole", "Arn"]}),
        "ReadLogs": res("AWS::Logs::LogGroup", "Api/Read/LogGroup/Resource"),
        "ReadErrors": res(
            "AWS::CloudWatch::Alarm",
            "Api/Read/Errors/Resource",
            Dimensions=[{"Name": "FunctionName", "Value": {"Ref": "ReadFn"}}],
            AlarmActions=[{"Ref": "Topic"}],
        ),
        "Table": res("AWS::DynamoDB::Table", "Api/Table/Resource"),
        "Queue": res(
            "AWS::SQS::Queue",
            "Work/Queue/Resource",
            RedrivePolicy={"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
        ),
        "Dlq": res("AWS::SQS::Queue", "Work/DeadLetters/Resource"),
        "Source": res(
            "AWS::Lambda::EventSourceMapping",
            "Work/Worker/SqsEventSource/Resource",
            EventSourceArn={"Fn::GetAtt": ["Queue", "Arn"]},
            FunctionName={"Ref": "Worker"},
        ),
        "Worker": res("AWS::Lambda::Function", "Work/Worker/Resource"),
        "Topic": res("AWS::SNS::Topic", "Alarms/Resource"),
        "Task": res("AWS::ECS::TaskDefinition", "Fleet/Task/Resource"),
        "Service": res(
            "AWS::ECS::Service",
            "Fleet/Service/Service",
            TaskDefinition={"Ref": "Task"},
            NetworkConfiguration={"AwsvpcConfiguration": {"Subnets": [NETWORK_SUBNET]}},
        ),
        "CDKMetadata": res("AWS::CDK::Metadata", "CDKMetadata/Default"),
    }


@pytest.fixture  # per test, not per module: mutation testing credits a computation to the test that runs it
def graph(app):
    return build_graph(stack_of(app))


def _edges(graph) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.kind) for e in graph.edges}


def test_every_service_resource_is_a_node_named_by_what_it_is(graph):
    kinds = {node.key: (node.kind, node.name) for node in graph.nodes}
    assert kinds == {
        "Acl": ("WAF web ACL", "Edge/WebAcl"),
        "Site": ("S3 bucket", "Site/Content"),
        "Cdn": ("CloudFront distribution", "Site/Distribution"),
        "Pool": ("Cognito user pool", "Api/UserPool"),
        "Api": ("REST API", "Api/Api"),
        "ReadFn": ("Lambda function", "Api/Read"),
        "Table": ("DynamoDB table", "Api/Table"),
        "Queue": ("SQS queue", "Work/Queue"),
        "Worker": ("Lambda function", "Work/Worker"),
        "Topic": ("SNS topic", "Alarms"),
        "Service": ("ECS service", "Fleet/Service/Service"),
        "stack:Network": ("stack", "Network"),
    }


def test_roles_alarms_logs_methods_dlqs_and_log_buckets_are_folded_into_their_owner(graph):
    members = {node.key: sorted(lid for lid, _ in node.members) for node in graph.nodes}
    assert members["ReadFn"] == ["ReadErrors", "ReadFn", "ReadLogs", "ReadPolicy", "ReadRole"]
    assert members["Api"] == ["Api", "Authorizer", "Get"]
    assert members["Queue"] == ["Dlq", "Queue"]
    assert members["Cdn"] == ["Cdn", "SiteLogs"]
    assert members["Service"] == ["Service", "Task"]
    assert members["Worker"] == ["Source", "Worker"]
    assert graph.node("ReadFn").folded() == "alarm, log group, policy, role"
    assert graph.node("Queue").folded() == "dead-letter queue"


def test_edges_are_typed_by_what_flows(graph):
    edges = _edges(graph)
    assert {
        ("Cdn", "Site", "invokes"),  # an origin
        ("Api", "ReadFn", "invokes"),  # an integration
        ("ReadFn", "Table", "reads"),  # dynamodb:GetItem, Query from its role's policy
        ("Queue", "Worker", "invokes"),  # an event source mapping
        ("ReadFn", "Topic", "sends"),  # its alarm's action
        ("Cdn", "Acl", "configures"),  # WebACLId
        ("Api", "Pool", "configures"),  # the authorizer's provider
        ("Service", "stack:Network", "uses"),  # another stack's output
    } <= edges
    assert not any(kind == "configures" and {s, t} == {"ReadFn", "Table"} for s, t, kind in edges)
    assert [e.data for e in graph.edges] == sorted((e.data for e in graph.edges), reverse=True), (
        "data-flow edges come first"
    )


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        ("lambda:InvokeFunction", "invokes"),
        ("states:StartExecution", "invokes"),
        ("sqs:SendMessage", "sends"),
        ("sns:Publish", "sends"),
        ("sqs:ReceiveMessage", "reads"),
        ("sqs:DeleteMessage", "reads"),
        ("s3:GetObject", "reads"),
        ("dynamodb:Query", "reads"),
        ("s3:PutObject", "writes"),
        ("dynamodb:BatchWriteItem", "writes"),
        ("kms:Decrypt", None),
        ("logs:PutLogEvents", None),
        ("iam:PassRole", None),
        ("s3:*", None),
    ],
)
def test_action_kind(action, kind):
    assert action_kind(action) == kind


def test_parameters_and_imports_are_nodes_outside_the_stack():
    stack = stack_of(
        {
            "Fn": res(
                "AWS::Lambda::Function",
                "Fn/Resource",
                Environment={"Variables": {"A": {"Fn::ImportValue": "Shared:ExportsOutputRefTopic"}}},
                ImageUri={"Ref": "Image"},
            )
        },
        Parameters={
            "Image": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/app/image"},
            "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>"},
        },
    )
    graph = build_graph(stack)
    assert [(n.key, n.kind, n.name, n.external) for n in graph.nodes[1:]] == [
        ("stack:Shared", "stack", "Shared", True),
        ("param:Image", "SSM parameter", "/app/image", True),
    ]
    assert _edges(graph) == {("Fn", "stack:Shared", "uses"), ("Fn", "param:Image", "uses")}


def test_cdk_plumbing_folds_into_what_uses_it():
    stack = stack_of(
        {
            "Vpc": res("AWS::EC2::VPC", "Net/Vpc/Resource"),
            "Restrict": res(
                "Custom::VpcRestrictDefaultSG",
                "Net/Vpc/RestrictDefaultSG/Default",
                VpcId={"Ref": "Vpc"},
                ServiceToken={"Fn::GetAtt": ["Handler", "Arn"]},
            ),
            "Handler": res(
                "AWS::Lambda::Function", "Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler"
            ),
            "Lonely": res("AWS::IAM::Role", "Backups/Role/Resource"),
            "Dlm": res(
                "AWS::DLM::LifecyclePolicy",
                "Backups/Policy",
                ExecutionRoleArn={"Fn::GetAtt": ["Lonely", "Arn"]},
            ),
        }
    )
    graph = build_graph(stack)
    assert [(n.key, sorted(lid for lid, _ in n.members)) for n in graph.nodes] == [
        ("Vpc", ["Handler", "Restrict", "Vpc"]),
        ("Dlm", ["Dlm", "Lonely"]),
    ], "a service resource becomes the node before the role that serves it"


def test_mermaid_labels_nodes_and_edges(graph):
    text = mermaid(graph)
    assert text.startswith("flowchart TB\n")
    assert re.search(
        r'n\d+\["<b>Lambda function</b><br/>Api/Read<br/><small>\+ alarm, log group, policy, role</small>"\]',
        text,
    )
    assert re.search(r"n\d+ -->\|reads\| n\d+", text)
    assert re.search(r"n\d+ -\.->\|uses\| n\d+", text)
    assert "stroke-dasharray" in text  # the external node's style


def test_wrap_keeps_every_character():
    text = "Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler/Resource"
    lines = wrap(text, 100, 8)
    assert "".join(lines) == text and all(len(line) <= 12 for line in lines)
    assert wrap("one two three", 1000, 8) == ["one two three"]
    assert wrap("+ alarm, log group, policy", 80, 8, " ,") == ["+ alarm,", "log group,", "policy"]


def test_svg_fits_its_width_and_wraps_labels(graph):
    svg = render_svg(graph, uid="t")
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    assert width <= 1280 and 'width="100%"' in svg and f"max-width:{width:.0f}px" in svg
    assert "…" not in svg and "min-width" not in svg
    boxes = [
        (float(x), float(w)) for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    ]
    assert all(x >= 0 and x + w <= width for x, w in boxes)
    tops = {
        key: float(y)
        for y, key in re.findall(r'<rect x="[\d.]+" y="([\d.]+)".*?class="n">([^<]+)</text>', svg)
    }
    # data flows down: distribution above its bucket, API above the function above the table
    assert tops["Site/Distribution"] < tops["Site/Content"]
    assert tops["Api/Api"] < tops["Api/Read"] < tops["Api/Table"]
    assert tops["Network"] == max(tops.values()), "other stacks in the last row"
    for kind in ("invokes", "reads", "sends", "configures", "uses"):
        assert f'marker-end="url(#t-{kind})"' in svg


def test_svg_wraps_a_wide_layer_onto_rows():
    resources = {"Topic": res("AWS::SNS::Topic", "Topic/Resource")}
    for i in range(12):
        resources[f"Fn{i}"] = res("AWS::Lambda::Function", f"Fn{i}/Resource")
        resources[f"Alarm{i}"] = res(
            "AWS::CloudWatch::Alarm",
            f"Fn{i}/Errors/Resource",
            Dimensions=[{"Value": {"Ref": f"Fn{i}"}}],
            AlarmActions=[{"Ref": "Topic"}],
        )
    svg = render_svg(build_graph(stack_of(resources)))
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    rows = {float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', svg)}
    assert width <= 1280 and len(rows) == 4  # 12 functions in rows of 5, then the topic


def test_svg_of_an_empty_stack_says_so():
    assert "No resources" in render_svg(build_graph(stack_of({})))


def test_svg_lays_out_several_components_with_long_edges():
    """This graph (several components, edges spanning layers) made igraph 1.0.0's layout_sugiyama crash when
    laid out whole; each component is laid out on its own."""
    edges = [(0, 24), (1, 21), (2, 7), (2, 19), (3, 16), (4, 8), (5, 24), (6, 14), (9, 20), (10, 18),
             (11, 22), (12, 18), (13, 17), (14, 23), (15, 22), (17, 19)]  # fmt: skip
    resources = {f"R{i}": res("AWS::Lambda::Function", f"C{i}/Resource") for i in range(28)}
    for source, target in edges:
        resources[f"R{source}"]["Properties"].setdefault("DeadLetterConfig", []).append(
            {"TargetArn": {"Fn::GetAtt": [f"R{target}", "Arn"]}}
        )
    graph = build_graph(stack_of(resources))
    assert len(graph.nodes) == 28 and len(graph.edges) == 16
    svg = render_svg(graph)
    assert svg.count("<rect") == 28


def test_a_long_edge_passes_between_the_boxes_of_the_rows_it_crosses():
    def fn(name: str, *targets: str) -> dict:
        return res(
            "AWS::Lambda::Function",
            f"{name}/Resource",
            DeadLetterConfig=[{"TargetArn": {"Fn::GetAtt": [t, "Arn"]}} for t in targets],
        )

    graph = build_graph(stack_of({"A": fn("A", "B", "C"), "B": fn("B", "C"), "C": fn("C")}))
    svg = render_svg(graph)
    box = {
        name: (float(x), float(y), float(w), float(h))
        for x, y, w, h, name in re.findall(
            r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)".*?class="n">([^<]+)</text>',
            svg,
        )
    }
    assert box["A"][1] < box["B"][1] < box["C"][1]
    (long_edge,) = [
        d
        for d, title in re.findall(r'<path d="([^"]+)".*?<title>([^<]+)</title>', svg)
        if title.startswith("A sends C")
    ]
    (through,) = re.findall(r"L([\d.]+),([\d.]+)", long_edge)
    x_b, y_b, w_b, h_b = box["B"]
    assert not x_b <= float(through[0]) <= x_b + w_b, "the straight part beside B's box"
    assert y_b <= float(through[1]) <= y_b + h_b + 1
