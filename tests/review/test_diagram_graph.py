"""The architecture graph of one hand-made stack written out whole: every node (kind, name, members, category,
what is folded in) and every edge (kind, notes), and its Mermaid text; then the helpers one by one."""

from __future__ import annotations

import pytest

from patterns.review.diagram import (
    Edge,
    Graph,
    Node,
    _external_refs,
    _name_of,
    _plural,
    _words,
    action_kind,
    build_graph,
    category_of,
    mermaid,
)
from tests.review.templates import res, stack_of


def _role_policy(path, role, *statements):
    return res(
        "AWS::IAM::Policy", path, Roles=[{"Ref": role}], PolicyDocument={"Statement": list(statements)}
    )


def graph_stack():
    return stack_of(
        {
            "Alb": res(
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Web/Lb/Resource",
                Type="network",
                LoadBalancerAttributes=[
                    {"Key": "deletion_protection.enabled", "Value": "true"},
                    {"Key": "access_logs.s3.bucket", "Value": {"Ref": "LbLogs"}},
                ],
            ),
            "LbLogs": res(
                "AWS::S3::Bucket",
                "Web/LbLogs/Resource",
                LoggingConfiguration={"DestinationBucketName": {"Ref": "LogsOfLogs"}},
            ),
            "LogsOfLogs": res("AWS::S3::Bucket", "Web/LogsOfLogs/Resource"),
            "Listener": res(
                "AWS::ElasticLoadBalancingV2::Listener",
                "Web/Lb/Listener/Resource",
                LoadBalancerArn={"Ref": "Alb"},
                DefaultActions=[{"TargetGroupArn": {"Ref": "Targets"}}],
            ),
            "Targets": res("AWS::ElasticLoadBalancingV2::TargetGroup", "Web/Targets/Resource"),
            "Service": res(
                "AWS::ECS::Service",
                "Web/Service/Service",
                LoadBalancers=[{"TargetGroupArn": {"Ref": "Targets"}}],
                TaskDefinition={"Ref": "TaskDef"},
                NetworkConfiguration={
                    "AwsvpcConfiguration": {"Subnets": [{"Fn::ImportValue": "Shared:Subnet1"}]}
                },
            ),
            "TaskDef": res(
                "AWS::ECS::TaskDefinition",
                "Web/TaskDef/Resource",
                ContainerDefinitions=[
                    {"Image": {"Ref": "ImageParam"}, "Environment": [{"Value": {"Ref": "Stage"}}]}
                ],
            ),
            "Scaling": res(
                "AWS::ApplicationAutoScaling::ScalableTarget",
                "Web/Service/Scaling/Resource",
                ResourceId={"Fn::GetAtt": ["Service", "Name"]},
            ),
            "ScaleUp": res(
                "AWS::ApplicationAutoScaling::ScalingPolicy",
                "Web/Service/ScaleUp/Resource",
                ScalingTargetId={"Ref": "Scaling"},
            ),
            "CpuHigh": res(
                "AWS::CloudWatch::Alarm",
                "Web/Service/CpuHigh/Resource",
                Dimensions=[{"Value": {"Fn::GetAtt": ["Service", "Name"]}}],
                AlarmActions=[{"Ref": "ScaleUp"}],
                OKActions=[{"Ref": "Alerts"}],
            ),
            "Alerts": res(
                "AWS::SNS::Topic",
                "Ops/Alerts/Resource",
                Subscription=[{"Endpoint": {"Fn::GetAtt": ["Inbox", "Arn"]}}],
            ),
            "Inbox": res(
                "AWS::SQS::Queue",
                "Ops/Inbox/Resource",
                RedrivePolicy={"deadLetterTargetArn": {"Fn::GetAtt": ["SharedDlq", "Arn"]}},
            ),
            "Other": res(
                "AWS::SQS::Queue",
                "Ops/Other/Resource",
                RedrivePolicy={"deadLetterTargetArn": {"Fn::GetAtt": ["SharedDlq", "Arn"]}},
            ),
            "SharedDlq": res("AWS::SQS::Queue", "Ops/SharedDlq/Resource"),
            "Flow": res(
                "AWS::StepFunctions::StateMachine",
                "Jobs/Flow/Resource",
                DefinitionString={
                    "Fn::Join": [
                        "",
                        ['{"a":"', {"Fn::GetAtt": ["Worker", "Arn"]}, '","b":"', {"Ref": "Jobs"}, '"}'],
                    ]
                },
                RoleArn={"Fn::GetAtt": ["FlowRole", "Arn"]},
            ),
            "FlowRole": res("AWS::IAM::Role", "Jobs/Flow/Role/Resource"),
            "FlowPolicy": _role_policy(
                "Jobs/Flow/Role/DefaultPolicy/Resource",
                "FlowRole",
                {"Action": "lambda:InvokeFunction", "Resource": [{"Fn::GetAtt": ["Worker", "Arn"]}]},
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:PutItem", "iam:PassRole"],
                    "Resource": {"Fn::GetAtt": ["Jobs", "Arn"]},
                },
                {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Inbox", "Arn"]}},
            ),
            "Jobs": res("AWS::DynamoDB::Table", "Jobs/Table/Resource"),
            "Worker": res(
                "AWS::Lambda::Function",
                "Jobs/Worker/Resource",
                DeadLetterConfig={"TargetArn": {"Fn::GetAtt": ["Inbox", "Arn"]}},
                Environment={
                    "Variables": {
                        "TABLE": {"Ref": "Jobs"},
                        "KEY": {"Ref": "SsmKey"},
                        "V": {"Ref": "BootstrapVersion"},
                    }
                },
            ),
            "Nightly": res(
                "AWS::Events::Rule",
                "Jobs/Nightly/Resource",
                Targets=[{"Arn": {"Ref": "Flow"}}, {"Arn": {"Ref": "Alerts"}}],
            ),
            "Provider": res("AWS::Lambda::Function", "AWS679f53fac002430cb0da5b7982bd2287/Resource"),
            "Custom": res(
                "Custom::Thing", "Jobs/Custom/Default", ServiceToken={"Fn::GetAtt": ["Provider", "Arn"]}
            ),
            "Resolver": res(
                "AWS::Route53Resolver::ResolverEndpoint", "Dns/Inbound/Resource", Direction="INBOUND"
            ),
            "NoDirection": res("AWS::Route53Resolver::ResolverEndpoint", "Dns/Out/Resource"),
            "Ws": res("AWS::ApiGatewayV2::Api", "Chat/Api/Resource", ProtocolType="WEBSOCKET"),
            "Import": res(
                "AWS::SNS::Subscription",
                "Chat/Sub/Resource",
                TopicArn={"Fn::ImportValue": "TopicArn"},
                Endpoint={"Fn::GetStackOutput": {"StackName": "Mail", "OutputName": "Address"}},
            ),
            "Policy": res("AWS::WAFv2::RuleGroup", "Edge/ResponseHeadersPolicy/Resource"),
            "Orphan": res("AWS::IAM::Role", "Lonely/Role/Resource"),
            "OrphanLogs": res("AWS::Logs::LogGroup", "Lonely/Logs/Resource"),
        },
        Parameters={
            "ImageParam": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/images/web"},
            "Stage": {"Type": "String"},
            "SsmKey": {"Type": "AWS::SSM::Parameter::Value<String>"},
            "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>"},
        },
    )


NODES = [
    (
        "Alb",
        "network load balancer",
        "Web/Lb",
        ["Alb", "LbLogs", "LogsOfLogs", "Listener"],
        False,
        "network",
        "2 access-log buckets, listener",
    ),
    (
        "Service",
        "ECS service",
        "Web/Service/Service",
        ["Service", "Targets", "TaskDef", "Scaling", "ScaleUp", "CpuHigh"],
        False,
        "compute",
        "alarm, scaling policy, scaling target, target group, task definition",
    ),
    ("Alerts", "SNS topic", "Ops/Alerts", ["Alerts"], False, "monitoring", ""),
    ("Inbox", "SQS queue", "Ops/Inbox", ["Inbox"], False, "storage", ""),
    ("Other", "SQS queue", "Ops/Other", ["Other"], False, "storage", ""),
    ("SharedDlq", "SQS queue", "Ops/SharedDlq", ["SharedDlq"], False, "storage", ""),
    (
        "Flow",
        "state machine",
        "Jobs/Flow",
        ["Flow", "FlowRole", "FlowPolicy", "Provider", "Custom"],
        False,
        "compute",
        "Custom::Thing, function, policy, role",
    ),
    ("Jobs", "DynamoDB table", "Jobs/Table", ["Jobs"], False, "storage", ""),
    ("Worker", "Lambda function", "Jobs/Worker", ["Worker"], False, "compute", ""),
    ("Nightly", "EventBridge rule", "Jobs/Nightly", ["Nightly"], False, "monitoring", ""),
    ("Resolver", "inbound Resolver endpoint", "Dns/Inbound", ["Resolver"], False, "network", ""),
    ("NoDirection", "Resolver endpoint", "Dns/Out", ["NoDirection"], False, "network", ""),
    ("Ws", "WebSocket API", "Chat/Api", ["Ws", "Import"], False, "network", "subscription"),
    ("Policy", "WAFv2 rule group", "Edge/ResponseHeadersPolicy", ["Policy"], False, "security", ""),
    ("Orphan", "IAM role", "Lonely/Role", ["Orphan", "OrphanLogs"], False, "security", "log group"),
    ("stack:Shared", "stack", "Shared", [], True, "external", ""),
    ("param:ImageParam", "SSM parameter", "/images/web", [], True, "external", ""),
    ("param:Stage", "parameter", "Stage", [], True, "external", ""),
    ("param:SsmKey", "SSM parameter", "SsmKey", [], True, "external", ""),
    ("stack:another stack", "stack", "another stack", [], True, "external", ""),
    ("stack:Mail", "stack", "Mail", [], True, "external", ""),
]
EDGES = [
    ("Alb", "Service", "invokes", ["routes requests"]),
    ("Flow", "Worker", "invokes", ["lambda:InvokeFunction", "task"]),
    ("Nightly", "Flow", "invokes", ["rule target"]),
    ("Flow", "Jobs", "writes", ["dynamodb:PutItem"]),
    ("Service", "Alerts", "sends", ["alarm notification"]),
    ("Alerts", "Inbox", "sends", ["subscription"]),
    ("Worker", "Inbox", "sends", ["dead letters"]),
    ("Nightly", "Alerts", "sends", ["rule target"]),
    ("Inbox", "SharedDlq", "configures", []),
    ("Other", "SharedDlq", "configures", []),
    ("Worker", "Jobs", "configures", []),
    ("Service", "stack:Shared", "uses", ["Shared:Subnet1"]),
    ("Service", "param:ImageParam", "uses", ["ImageParam"]),
    ("Service", "param:Stage", "uses", ["Stage"]),
    ("Worker", "param:SsmKey", "uses", ["SsmKey"]),
    ("Ws", "stack:another stack", "uses", ["TopicArn"]),
    ("Ws", "stack:Mail", "uses", ["Address"]),
]
MERMAID = """\
flowchart TB
  n0["<b>network load balancer</b><br/>Web/Lb<br/><small>+ 2 access-log buckets, listener</small>"]
  n1["<b>ECS service</b><br/>Web/Service/Service<br/><small>+ alarm, scaling policy, scaling target, target group, task definition</small>"]
  n2["<b>SNS topic</b><br/>Ops/Alerts"]
  n3["<b>SQS queue</b><br/>Ops/Inbox"]
  n4["<b>SQS queue</b><br/>Ops/Other"]
  n5["<b>SQS queue</b><br/>Ops/SharedDlq"]
  n6["<b>state machine</b><br/>Jobs/Flow<br/><small>+ Custom::Thing, function, policy, role</small>"]
  n7["<b>DynamoDB table</b><br/>Jobs/Table"]
  n8["<b>Lambda function</b><br/>Jobs/Worker"]
  n9["<b>EventBridge rule</b><br/>Jobs/Nightly"]
  n10["<b>inbound Resolver endpoint</b><br/>Dns/Inbound"]
  n11["<b>Resolver endpoint</b><br/>Dns/Out"]
  n12["<b>WebSocket API</b><br/>Chat/Api<br/><small>+ subscription</small>"]
  n13["<b>WAFv2 rule group</b><br/>Edge/ResponseHeadersPolicy"]
  n14["<b>IAM role</b><br/>Lonely/Role<br/><small>+ log group</small>"]
  n15["<b>stack</b><br/>Shared"]
  n16["<b>SSM parameter</b><br/>/images/web"]
  n17["<b>parameter</b><br/>Stage"]
  n18["<b>SSM parameter</b><br/>SsmKey"]
  n19["<b>stack</b><br/>another stack"]
  n20["<b>stack</b><br/>Mail"]
  n0 -->|invokes| n1
  n6 -->|invokes| n8
  n9 -->|invokes| n6
  n6 -->|writes| n7
  n1 -->|sends| n2
  n2 -->|sends| n3
  n8 -->|sends| n3
  n9 -->|sends| n2
  n3 -.->|configures| n5
  n4 -.->|configures| n5
  n8 -.->|configures| n7
  n1 -.->|uses| n15
  n1 -.->|uses| n16
  n1 -.->|uses| n17
  n8 -.->|uses| n18
  n12 -.->|uses| n19
  n12 -.->|uses| n20
  class n0,n10,n11,n12 network
  class n1,n6,n8 compute
  class n3,n4,n5,n7 storage
  class n13,n14 security
  class n2,n9 monitoring
  class n15,n16,n17,n18,n19,n20 external
  classDef network fill:#e8f1fb,stroke:#2f6eb5
  classDef compute fill:#fdf0e3,stroke:#c86a12
  classDef storage fill:#e9f6ec,stroke:#2e8b47
  classDef security fill:#fbeaea,stroke:#b83b3b
  classDef monitoring fill:#f2ecfa,stroke:#7248b5
  classDef other fill:#f1f1f1,stroke:#666666
  classDef external fill:#ffffff,stroke:#444444,stroke-dasharray:4 3"""


@pytest.fixture  # per test, not per module: mutation testing credits a computation to the test that runs it
def graph():
    return build_graph(graph_stack())


def test_nodes(graph):
    assert [
        (n.key, n.kind, n.name, [lid for lid, _ in n.members], n.external, n.category, n.folded())
        for n in graph.nodes
    ] == NODES


def test_edges(graph):
    assert [(e.source, e.target, e.kind, e.notes) for e in graph.edges] == EDGES


def test_mermaid(graph):
    assert mermaid(graph) == MERMAID


@pytest.mark.parametrize(
    ("name", "plural"),
    [
        ("policy", "policies"),
        ("gateway", "gateways"),
        ("key", "keys"),
        ("alloy", "alloys"),
        ("class", "classes"),
        ("box", "boxes"),
        ("alias", "alias"),
        ("role", "roles"),
    ],
)
def test_plural(name, plural):
    assert _plural(name) == plural


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ResponseHeadersPolicy", "response headers policy"),
        ("VPCEndpoint", "VPC endpoint"),
        ("DBSubnetGroup", "DB subnet group"),
        ("S3Bucket", "S3 bucket"),
        ("Custom::Thing", "Custom::Thing"),
        ("Topic", "topic"),
    ],
)
def test_words(name, words):
    assert _words(name) == words


@pytest.mark.parametrize(
    ("path", "logical_id", "name"),
    [
        ("", "Fn", "Fn"),
        ("Api/Handler/Resource", "Fn", "Api/Handler"),
        ("Api/Handler/Default", "Fn", "Api/Handler"),
        ("Resource", "Fn", "Resource"),
        ("/Api//Handler/", "Fn", "Api/Handler"),
        ("Api/Resources", "Fn", "Api/Resources"),
        ("//", "Fn", "Fn"),
    ],
)
def test_name_of(path, logical_id, name):
    assert _name_of(path, logical_id) == name


@pytest.mark.parametrize(
    ("service", "category"),
    [
        ("EC2", "network"),
        ("Lambda", "compute"),
        ("SQS", "storage"),
        ("SSM", "security"),
        ("IoT", "monitoring"),
        ("Glue", "other"),
        ("", "other"),
    ],
)
def test_category_of(service, category):
    assert category_of(service) == category


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        ("Lambda:InvokeFunction", "invokes"),
        ("states:StartSyncExecution", "invokes"),
        ("glue:StartJobRun", "invokes"),
        ("sqs:ChangeMessageVisibility", "reads"),
        ("kinesis:PutRecords", "sends"),
        ("firehose:PutRecordBatch", "sends"),
        ("firehose:DescribeDeliveryStream", "reads"),
        ("sts:AssumeRole", None),
        ("cloudwatch:PutMetricData", None),
        ("s3:Get*", None),
        ("s3:*", None),
        ("*", None),
        ("dynamodb:ConditionCheckItem", "reads"),
        ("s3:HeadObject", "reads"),
        ("s3:AbortMultipartUpload", "writes"),
        ("ec2:Untag", "writes"),
        ("sns:Subscribe", None),
        ("justaname", None),
    ],
)
def test_action_kind(action, kind):
    assert action_kind(action) == kind


def test_external_references():
    value = {
        "A": [{"Fn::ImportValue": "Net:Vpc"}, {"Fn::ImportValue": {"Fn::Sub": "${Prefix}-x"}}],
        "B": {"Fn::GetStackOutput": {"StackName": "Data", "OutputName": "Table"}},
        "C": {"Fn::GetStackOutput": {"OutputName": "Nameless"}},
        "D": {"Fn::GetStackOutput": "not an object"},
        "E": {"Nested": {"Deeper": {"Fn::ImportValue": "Plain"}}},
    }
    assert list(_external_refs(value)) == [
        ("stack:Net", "stack", "Net", "Net:Vpc"),
        ("stack:another stack", "stack", "another stack", "${Prefix}-x"),
        ("stack:Data", "stack", "Data", "Table"),
        ("stack:?", "stack", "?", "Nameless"),
        ("stack:another stack", "stack", "another stack", "Plain"),
    ]


def test_graph_lookups_and_node_properties():
    fn = Node(
        "Fn", "Lambda function", "Api/Fn", [("Fn", "AWS::Lambda::Function"), ("Role", "AWS::IAM::Role")]
    )
    outside = Node("stack:Net", "stack", "Net", external=True)
    graph = Graph([fn, outside], [Edge("Fn", "stack:Net", "uses"), Edge("Fn", "Fn", "reads")])
    assert graph.node("stack:Net") is outside
    assert graph.edge("Fn", "stack:Net") is graph.edges[0] and graph.edge("stack:Net", "Fn") is None
    assert (fn.resource_type, fn.service, fn.category, fn.folded()) == (
        "AWS::Lambda::Function",
        "Lambda",
        "compute",
        "role",
    )
    assert (outside.resource_type, outside.service, outside.category, outside.folded()) == (
        "",
        "",
        "external",
        "",
    )
    assert [e.data for e in graph.edges] == [False, True]
    with pytest.raises(StopIteration):
        graph.node("Missing")


def test_folded_counts_most_common_first_then_by_name():
    node = Node(
        "Q",
        "SQS queue",
        "Q",
        [
            ("Q", "AWS::SQS::Queue"),
            ("P1", "AWS::SQS::QueuePolicy"),
            ("A1", "AWS::CloudWatch::Alarm"),
            ("A2", "AWS::CloudWatch::Alarm"),
            ("K", "AWS::KMS::Key"),
            ("D", "AWS::SQS::Queue"),
            ("X", "Custom::Thing"),
            ("W", "AWS::Glue::Workflow"),
        ],
    )
    assert node.folded() == "2 alarms, Custom::Thing, dead-letter queue, key, queue policy, workflow"


def iam_stack():
    doc = lambda *statements: {"Statement": list(statements)}  # noqa: E731
    return stack_of(
        {
            "Fn": res("AWS::Lambda::Function", "App/Fn/Resource", Role={"Fn::GetAtt": ["FnRole", "Arn"]}),
            "FnRole": res(
                "AWS::IAM::Role",
                "App/FnRole/Resource",
                Policies=[
                    {
                        "PolicyName": "p",
                        "PolicyDocument": doc(
                            {
                                "Effect": "Allow",
                                "Action": "s3:GetObject",
                                "Resource": {"Fn::Sub": "${Bucket.Arn}/*"},
                            }
                        ),
                    },
                    "junk",
                ],
            ),
            "Managed": res(
                "AWS::IAM::ManagedPolicy",
                "Shared/Managed/Resource",
                Roles=[{"Ref": "FnRole"}],
                PolicyDocument=doc(
                    {
                        "Effect": "Allow",
                        "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
                        "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
                    }
                ),
            ),
            "Bucket": res("AWS::S3::Bucket", "Data/Bucket/Resource"),
            "Queue": res("AWS::SQS::Queue", "Data/Queue/Resource"),
            "Team": res("AWS::IAM::Group", "People/Team/Resource"),
            "TeamPolicy": res(
                "AWS::IAM::Policy",
                "Perms/TeamPolicy/Resource",
                Groups=[{"Ref": "Team"}],
                PolicyDocument=doc(
                    {
                        "Effect": "Allow",
                        "Action": "s3:PutObject",
                        "Resource": {"Fn::GetAtt": ["Bucket", "Arn"]},
                    }
                ),
            ),
            "Alice": res("AWS::IAM::User", "People/Alice/Resource"),
            "AlicePolicy": res("AWS::IAM::Policy", "Perms/AlicePolicy/Resource", Users=[{"Ref": "Alice"}]),
            "Errors": res(
                "AWS::CloudWatch::Alarm", "App/Errors/Resource", Dimensions=[{"Value": {"Ref": "Fn"}}]
            ),
            "Both": res(
                "AWS::CloudWatch::CompositeAlarm",
                "Ops/Both/Resource",
                AlarmRule={"Fn::Sub": "ALARM(${Errors})"},
                AlarmActions=[{"Ref": "Pager"}],
            ),
            "Pager": res("AWS::SNS::Topic", "Ops/Pager/Resource"),
            "Spare": res(
                "AWS::IAM::Role",
                "Spare/Role/Resource",
                Policies=[
                    {
                        "PolicyDocument": doc(
                            {
                                "Effect": "Allow",
                                "Action": "dynamodb:Query",
                                "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
                            }
                        )
                    }
                ],
            ),
            "Http": res("AWS::ApiGatewayV2::Api", "Web/Http/Resource", ProtocolType="HTTP"),
            "Alb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", "Web/Alb/Resource"),
            "Thing": res("Custom::Thing", "Odd/Thing/Default"),
            "Job": res("AWS::Glue::Job", "Etl/Job/Resource"),
        }
    )


def test_policies_of_roles_users_and_groups_composite_alarms_and_node_kinds():
    graph = build_graph(iam_stack())
    assert [(n.key, n.kind, n.name, [lid for lid, _ in n.members]) for n in graph.nodes] == [
        ("Fn", "Lambda function", "App/Fn", ["Fn", "FnRole", "Managed", "Errors", "Both"]),
        ("Bucket", "S3 bucket", "Data/Bucket", ["Bucket"]),
        ("Queue", "SQS queue", "Data/Queue", ["Queue"]),
        ("Team", "IAM group", "People/Team", ["Team", "TeamPolicy", "Alice", "AlicePolicy"]),
        ("Pager", "SNS topic", "Ops/Pager", ["Pager"]),
        ("Spare", "IAM role", "Spare/Role", ["Spare"]),
        ("Http", "HTTP API", "Web/Http", ["Http"]),
        ("Alb", "application load balancer", "Web/Alb", ["Alb"]),
        ("Thing", "Custom::Thing", "Odd/Thing", ["Thing"]),
        ("Job", "Glue job", "Etl/Job", ["Job"]),
    ]
    assert [(e.source, e.target, e.kind, e.notes) for e in graph.edges] == [
        ("Fn", "Queue", "sends", ["sqs:SendMessage", "reads", "sqs:GetQueueUrl"]),
        ("Fn", "Pager", "sends", ["alarm notification"]),
        ("Fn", "Bucket", "reads", ["s3:GetObject"]),
        ("Spare", "Queue", "reads", ["dynamodb:Query"]),
    ]


def third_stack():
    return stack_of(
        {
            "Lonely": res(
                "AWS::IAM::Role",
                "Alone/Role/Resource",
                Policies=[
                    {
                        "PolicyDocument": {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "kms:Decrypt",
                                    "Resource": {"Fn::GetAtt": ["Bucket", "Arn"]},
                                }
                            ]
                        }
                    }
                ],
            ),
            "Loose": res(
                "AWS::IAM::ManagedPolicy",
                "Free/Policy/Resource",
                PolicyDocument={
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "kms:Decrypt",
                            "Resource": {"Fn::GetAtt": ["Bucket", "Arn"]},
                        }
                    ]
                },
            ),
            "Bucket": res(
                "AWS::S3::Bucket", "Data/Bucket/Resource", Tags=[{"Key": "q", "Value": {"Ref": "Queue"}}]
            ),
            "Queue": res(
                "AWS::SQS::Queue", "Work/Queue/Resource", Tags=[{"Key": "b", "Value": {"Ref": "Bucket"}}]
            ),
            "Depth": res(
                "AWS::CloudWatch::Alarm",
                "Work/Depth/Resource",
                Dimensions=[{"Value": {"Fn::GetAtt": ["Queue", "QueueName"]}}],
                AlarmActions=[{"Ref": "ScaleOut"}],
            ),
            "Service": res(
                "AWS::ECS::Service",
                "Fleet/Service/Service",
                Image={"Fn::GetStackOutput": {"StackName": "Images"}},
            ),
            "ScaleOut": res(
                "AWS::ApplicationAutoScaling::ScalingPolicy",
                "Fleet/Service/ScaleOut/Resource",
                Target={"Ref": "Service"},
            ),
            "Api": res("AWS::ApiGateway::RestApi", "Api/Resource"),
            "Get": res(
                "AWS::ApiGateway::Method",
                "Api/Default/GET/Resource",
                RestApiId={"Ref": "Api"},
                Integration={
                    "Uri": {
                        "Fn::Sub": "arn:aws:apigateway:us-east-1:lambda:path/functions/${Handler.Arn}/invocations"
                    }
                },
            ),
            "Handler": res(
                "AWS::Lambda::Function",
                "Handler/Resource",
                Environment={
                    "Variables": {"STAGE": {"Ref": "Stage"}, "VPC": {"Fn::ImportValue": "Net:Vpc:Id"}}
                },
            ),
            "Flow": res(
                "AWS::StepFunctions::StateMachine",
                "Flow/Resource",
                DefinitionString={"Fn::Join": ["", ['{"t":"', {"Ref": "Ledger"}, '"}']]},
            ),
            "Ledger": res("AWS::DynamoDB::Table", "Ledger/Resource"),
        },
        Parameters={"Stage": {"Type": "String", "Default": "prod"}},
    )


def test_scaling_on_alarm_dedupe_of_configures_and_what_draws_no_edge():
    """An alarm on a queue that scales a service draws queue -> service; a role or managed policy of its own
    draws no configuration edge; two resources naming each other configure once; a state machine's task on
    a table is no edge; a parameter is named by its name, not its default."""
    graph = build_graph(third_stack())
    assert [(n.key, n.kind, n.name, [lid for lid, _ in n.members]) for n in graph.nodes] == [
        ("Lonely", "IAM role", "Alone/Role", ["Lonely"]),
        ("Loose", "IAM managed policy", "Free/Policy", ["Loose"]),
        ("Bucket", "S3 bucket", "Data/Bucket", ["Bucket"]),
        ("Queue", "SQS queue", "Work/Queue", ["Queue", "Depth"]),
        ("Service", "ECS service", "Fleet/Service/Service", ["Service", "ScaleOut"]),
        ("Api", "REST API", "Api", ["Api", "Get"]),
        ("Handler", "Lambda function", "Handler", ["Handler"]),
        ("Flow", "state machine", "Flow", ["Flow"]),
        ("Ledger", "DynamoDB table", "Ledger", ["Ledger"]),
        ("stack:Images", "stack", "Images", []),
        ("stack:Net", "stack", "Net", []),
        ("param:Stage", "parameter", "Stage", []),
    ]
    assert [(e.source, e.target, e.kind, e.notes) for e in graph.edges] == [
        ("Queue", "Service", "invokes", ["scales on alarm"]),
        ("Api", "Handler", "invokes", ["integration"]),
        ("Bucket", "Queue", "configures", []),
        ("Service", "stack:Images", "uses", [""]),
        ("Handler", "stack:Net", "uses", ["Net:Vpc:Id"]),
        ("Handler", "param:Stage", "uses", ["Stage"]),
    ]
