"""The review report (`python -m patterns.review`): each section on small hand-made templates, bad input, and
the report of the example app."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from patterns.review import ReviewError, load_assembly, review
from patterns.review.__main__ import main
from patterns.review.cfn import referenced_ids
from patterns.review.cost import estimate
from patterns.review.diagram import build_graph, group_name, mermaid
from patterns.review.exposure import find_exposure
from patterns.review.iam import summarize_roles
from patterns.review.load import StackTemplate
from patterns.review.render_html import render_html
from patterns.review.render_md import render_markdown
from patterns.review.stateful import stateful_resources
from patterns.review.svg import render_svg


def res(resource_type: str, path: str | None = None, **props: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": resource_type, "Properties": props}
    if path:
        resource["Metadata"] = {"aws:cdk:path": f"Test/{path}"}
    return resource


def stack_of(resources: dict[str, dict[str, Any]], **extra: Any) -> StackTemplate:
    """A StackTemplate as the loader builds it (construct paths from the resources' metadata)."""
    template = {"Resources": resources, **extra}
    paths = {
        lid: r["Metadata"]["aws:cdk:path"].split("/", 1)[1] for lid, r in resources.items() if "Metadata" in r
    }
    return StackTemplate(name="Test", template=template, paths=paths, display_name="Test")


def write_assembly(root: Path, templates: dict[str, Any]) -> Path:
    """A minimal cloud assembly: manifest.json and one template file per stack (text written as is)."""
    root.mkdir(parents=True, exist_ok=True)
    artifacts = {}
    for name, template in templates.items():
        text = template if isinstance(template, str) else json.dumps(template)
        (root / f"{name}.template.json").write_text(text)
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{name}.template.json"},
        }
    artifacts["Tree"] = {"type": "cdk:tree", "properties": {"file": "tree.json"}}
    (root / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))
    return root


# --- references and diagram -------------------------------------------------------------------------------


def test_referenced_ids_follow_ref_getatt_and_sub_but_not_pseudo_parameters():
    value = {
        "A": {"Ref": "Vpc"},
        "B": {"Fn::GetAtt": ["Role", "Arn"]},
        "C": {"Fn::GetAtt": "Bucket.Arn"},
        "D": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Data}/*${Table.Arn}"},
        "E": {"Fn::Sub": ["${X}-${Y}", {"Y": {"Ref": "Queue"}}]},
        "F": [{"Ref": "AWS::Region"}, "plain ${NotSub}"],
    }
    assert referenced_ids(value) == {"Vpc", "Role", "Bucket", "Data", "Table", "X", "Queue"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Network/Vpc/PublicSubnet1/Subnet", "Network/Vpc"),
        ("Network/Vpc/Resource", "Network/Vpc"),
        ("Network/VpnGateway", "Network"),
        ("Alarms/Resource", "Alarms"),
        ("Alarms/Policy/Resource", "Alarms"),
        (
            "Custom::VpcRestrictDefaultSGCustomResourceProvider/Role",
            "Custom::VpcRestrictDefaultSGCustomResourceProvider",
        ),
        (
            "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/Resource",
            "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
        ),
        ("Bucket", "Bucket"),
        (None, "MyLogicalId"),
    ],
)
def test_group_name(path, expected):
    assert group_name(path, "MyLogicalId", frozenset({"Alarms"})) == expected


@pytest.fixture(scope="module")
def web_stack() -> StackTemplate:
    """An API -> function -> table app with the CDK's metadata resource and a resource with no path."""
    return stack_of(
        {
            "ApiRoot": res("AWS::ApiGateway::RestApi", "Api/Resource"),
            "ApiGet": res(
                "AWS::ApiGateway::Method",
                "Api/Default/GET/Resource",
                HttpMethod="GET",
                AuthorizationType="NONE",
                ResourceId={"Fn::GetAtt": ["ApiRoot", "RootResourceId"]},
                RestApiId={"Ref": "ApiRoot"},
                Integration={"Uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:...${Fn.Arn}"}},
            ),
            "FnRole": res("AWS::IAM::Role", "Fn/ServiceRole/Resource"),
            "Fn": res(
                "AWS::Lambda::Function",
                "Fn/Resource",
                Role={"Fn::GetAtt": ["FnRole", "Arn"]},
                Environment={"Variables": {"TABLE": {"Ref": "Table"}}},
            ),
            "Table": res("AWS::DynamoDB::Table", "Data/Table/Resource", BillingMode="PAY_PER_REQUEST"),
            "Orphan": res("AWS::SNS::Topic"),
            "CDKMetadata": res("AWS::CDK::Metadata", "CDKMetadata/Default"),
        }
    )


def test_graph_groups_by_construct_and_drops_noise(web_stack):
    graph = build_graph(web_stack)
    names = [g.name for g in graph.groups]
    assert names == ["Api", "Fn", "Data/Table", "Orphan"]
    assert graph.group("Fn").members == [("FnRole", "AWS::IAM::Role"), ("Fn", "AWS::Lambda::Function")]
    assert graph.group("Fn").main_type == "AWS::Lambda::Function"
    assert graph.group("Orphan").members == [("Orphan", "AWS::SNS::Topic")]


def test_graph_edges_cross_groups_only(web_stack):
    graph = build_graph(web_stack)
    assert graph.edges == {("Api", "Fn"): 1, ("Fn", "Data/Table"): 1}


def test_mermaid_has_a_node_per_group_and_an_arrow_per_edge(web_stack):
    text = mermaid(build_graph(web_stack))
    assert text.startswith("flowchart LR\n")
    assert '  g0["Api<br/>Method, RestApi"]' in text
    assert '  g1["Fn<br/>Function, Role"]' in text
    assert "  g0 --> g1" in text and "  g1 --> g2" in text
    assert len(re.findall("-->", text)) == 2
    assert "class g1 compute" in text


def test_svg_is_laid_out_in_layers_by_igraph(web_stack):
    svg = render_svg(build_graph(web_stack), uid="t")
    assert svg.startswith("<svg") and 'width="100%"' in svg and "viewBox" in svg
    xs = {label: float(x) for x, label in re.findall(r'<rect x="([\d.]+)".*?class="t">([^<]+)</text>', svg)}
    # Api -> Fn -> Data/Table: three successive columns, left to right
    assert xs["Api"] < xs["Fn"] < xs["Data/Table"]
    assert svg.count('marker-end="url(#t-arrow)"') == 2
    assert "Orphan" in svg


def test_svg_of_an_empty_stack_says_so():
    assert "No resources" in render_svg(build_graph(stack_of({})))


# --- public exposure --------------------------------------------------------------------------------------


def test_exposure():
    block = {
        flag: True
        for flag in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
    }
    stack = stack_of(
        {
            "PublicAlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="application"),
            "InternalAlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Scheme="internal"),
            "Acl": res("AWS::WAFv2::WebACL"),
            "Sg": res(
                "AWS::EC2::SecurityGroup",
                SecurityGroupIngress=[
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
                    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"},
                ],
            ),
            "V6": res(
                "AWS::EC2::SecurityGroupIngress", IpProtocol="-1", CidrIpv6="::/0", GroupId={"Ref": "Sg"}
            ),
            "NoBlock": res("AWS::S3::Bucket"),
            "Partial": res(
                "AWS::S3::Bucket", PublicAccessBlockConfiguration={**block, "BlockPublicPolicy": False}
            ),
            "Private": res("AWS::S3::Bucket", PublicAccessBlockConfiguration=block),
            "OpenPolicy": res(
                "AWS::S3::BucketPolicy",
                Bucket={"Ref": "Private"},
                PolicyDocument={
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "*"},
                            "Action": "s3:GetObject",
                            "Resource": "*",
                        },
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "s3:GetObject",
                            "Resource": "*",
                            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
                        },
                        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"},
                    ]
                },
            ),
            "Items": res(
                "AWS::ApiGateway::Resource",
                PathPart="items",
                ParentId={"Fn::GetAtt": ["Api", "RootResourceId"]},
            ),
            "ItemId": res("AWS::ApiGateway::Resource", PathPart="{id}", ParentId={"Ref": "Items"}),
            "Get": res(
                "AWS::ApiGateway::Method",
                HttpMethod="GET",
                AuthorizationType="NONE",
                ResourceId={"Ref": "ItemId"},
            ),
            "Options": res("AWS::ApiGateway::Method", HttpMethod="OPTIONS", AuthorizationType="NONE"),
            "Post": res("AWS::ApiGateway::Method", HttpMethod="POST", AuthorizationType="COGNITO_USER_POOLS"),
            "Route": res("AWS::ApiGatewayV2::Route", RouteKey="GET /health", AuthorizationType="NONE"),
            "JwtRoute": res("AWS::ApiGatewayV2::Route", RouteKey="GET /me", AuthorizationType="JWT"),
            "Url": res("AWS::Lambda::Url", AuthType="NONE", TargetFunctionArn={"Fn::GetAtt": ["Fn", "Arn"]}),
            "IamUrl": res("AWS::Lambda::Url", AuthType="AWS_IAM"),
            "Cdn": res("AWS::CloudFront::Distribution", DistributionConfig={"Enabled": True}),
            "WafCdn": res(
                "AWS::CloudFront::Distribution",
                DistributionConfig={"WebACLId": {"Fn::GetAtt": ["Acl", "Arn"]}},
            ),
        }
    )
    found = {(e.kind, e.logical_id): e.detail for e in find_exposure(stack)}
    assert found == {
        (
            "Internet-facing load balancer",
            "PublicAlb",
        ): "internet-facing application load balancer, no WAF web ACL",
        ("World-open ingress", "Sg"): "tcp 443 from 0.0.0.0/0",
        ("World-open ingress", "V6"): "all traffic from ::/0 into Sg",
        ("Public bucket", "NoBlock"): found[("Public bucket", "NoBlock")],
        ("Public bucket", "Partial"): "public-access block partial: BlockPublicPolicy not set",
        (
            "Public bucket",
            "OpenPolicy",
        ): "bucket policy allows anyone (s3:GetObject) on Private with no condition",
        ("Unauthenticated API", "Get"): "GET /items/{id}: AuthorizationType NONE",
        ("Unauthenticated API", "Route"): "route GET /health: AuthorizationType NONE",
        ("Unauthenticated API", "Url"): "function URL of Fn: AuthType NONE",
        ("CloudFront distribution", "Cdn"): "public by design; no WAF web ACL",
        ("CloudFront distribution", "WafCdn"): "public by design; WAF web ACL attached",
    }
    assert "no public-access block" in found[("Public bucket", "NoBlock")]


def test_alb_with_a_web_acl_association_says_so():
    stack = stack_of(
        {
            "Alb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Scheme="internet-facing"),
            "Assoc": res("AWS::WAFv2::WebACLAssociation", ResourceArn={"Ref": "Alb"}, WebACLArn="arn"),
        }
    )
    assert [e.detail for e in find_exposure(stack)] == [
        "internet-facing application load balancer, WAF web ACL attached"
    ]


# --- IAM --------------------------------------------------------------------------------------------------


def test_iam_summary_combines_inline_attached_and_managed_policies():
    lambda_trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]
    }
    stack = stack_of(
        {
            "Role": res(
                "AWS::IAM::Role",
                AssumeRolePolicyDocument=lambda_trust,
                Policies=[
                    {
                        "PolicyName": "inline",
                        "PolicyDocument": {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["s3:*", "sqs:SendMessage"],
                                    "Resource": "arn:aws:s3:::b",
                                },
                            ]
                        },
                    },
                ],
                ManagedPolicyArns=[
                    {
                        "Fn::Join": [
                            "",
                            [
                                "arn:",
                                {"Ref": "AWS::Partition"},
                                ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                            ],
                        ]
                    },
                    {"Ref": "Managed"},
                ],
            ),
            "Default": res(
                "AWS::IAM::Policy",
                Roles=[{"Ref": "Role"}],
                PolicyDocument={
                    "Statement": [
                        {"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
                        {"Effect": "Deny", "Action": "*", "Resource": "*"},
                    ]
                },
            ),
            "Managed": res(
                "AWS::IAM::ManagedPolicy",
                PolicyDocument={
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "dynamodb:GetItem",
                            "Resource": {"Fn::GetAtt": ["T", "Arn"]},
                        },
                    ]
                },
            ),
            "Admin": res(
                "AWS::IAM::Role",
                ManagedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"],
                Policies=[
                    {
                        "PolicyName": "all",
                        "PolicyDocument": {
                            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
                        },
                    }
                ],
            ),
            "Clean": res(
                "AWS::IAM::Role",
                Policies=[
                    {
                        "PolicyName": "p",
                        "PolicyDocument": {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "sqs:ReceiveMessage",
                                    "Resource": {"Fn::GetAtt": ["Q", "Arn"]},
                                }
                            ]
                        },
                    }
                ],
            ),
        }
    )
    roles = {r.logical_id: r for r in summarize_roles(stack)}
    role = roles["Role"]
    assert role.assumed_by == ["lambda.amazonaws.com"]
    assert role.services == {
        "dynamodb": ["dynamodb:GetItem"],
        "s3": ["s3:*"],
        "sqs": ["sqs:SendMessage"],
        "xray": ["xray:PutTraceSegments"],
    }
    assert role.managed_policies == ["AWSLambdaBasicExecutionRole"]
    assert role.wildcard_actions == ["s3:*"]
    assert role.star_resource_actions == ["xray:PutTraceSegments"]
    assert role.flagged
    admin = roles["Admin"]
    assert admin.wildcard_actions == ["*"] and admin.star_resource_actions == ["*"]
    assert admin.broad_managed == ["AdministratorAccess"]
    assert not roles["Clean"].flagged


# --- stateful resources -----------------------------------------------------------------------------------


def test_stateful_encryption_and_retention():
    retain = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    stack = stack_of(
        {
            "Bucket": res("AWS::S3::Bucket"),
            "KmsBucket": {
                **res(
                    "AWS::S3::Bucket",
                    BucketEncryption={
                        "ServerSideEncryptionConfiguration": [
                            {
                                "ServerSideEncryptionByDefault": {
                                    "SSEAlgorithm": "aws:kms",
                                    "KMSMasterKeyID": {"Ref": "Key"},
                                }
                            }
                        ]
                    },
                ),
                **retain,
            },
            "Table": {
                **res(
                    "AWS::DynamoDB::Table",
                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
                    SSESpecification={"SSEEnabled": True},
                ),
                **retain,
            },
            "NoPitr": res("AWS::DynamoDB::Table"),
            "Logs": {**res("AWS::Logs::LogGroup", RetentionInDays=30), **retain},
            "ForeverLogs": res("AWS::Logs::LogGroup"),
            "Key": {**res("AWS::KMS::Key", EnableKeyRotation=True), "DeletionPolicy": "Retain"},
            "Files": res("AWS::EFS::FileSystem"),
            "Queue": res("AWS::SQS::Queue"),
            "Topic": res("AWS::SNS::Topic", KmsMasterKeyId="alias/aws/sns"),
            "Repo": res("AWS::ECR::Repository"),
            "Users": res("AWS::Cognito::UserPool"),
            "Secret": res("AWS::SecretsManager::Secret"),
            "Lustre": res(
                "AWS::FSx::FileSystem",
                FileSystemType="LUSTRE",
                LustreConfiguration={"DeploymentType": "SCRATCH_2"},
            ),
            "Fn": res("AWS::Lambda::Function"),
        }
    )
    rows = {r.logical_id: r for r in stateful_resources(stack)}
    # topics and functions hold no data: not listed
    assert "Fn" not in rows and "Topic" not in rows and len(rows) == 13
    assert rows["Bucket"].encryption.startswith("SSE-S3 (S3 default")
    assert rows["Bucket"].deletion_policy == "Delete (default)" and not rows["Bucket"].retained
    assert rows["KmsBucket"].encryption == "aws:kms key {Key}" and rows["KmsBucket"].retained
    assert (rows["Table"].encryption, rows["Table"].notes) == ("KMS (aws/dynamodb)", "PITR on")
    assert (rows["NoPitr"].encryption, rows["NoPitr"].notes) == ("AWS owned key (default)", "PITR off")
    assert (
        rows["Logs"].notes == "retention 30 days" and rows["ForeverLogs"].notes == "retention: never expire"
    )
    assert rows["Key"].notes == "rotation on, pending window 30 days"
    assert rows["Key"].update_replace_policy == "Delete (default)" and not rows["Key"].retained
    assert rows["Files"].encryption == "none"
    assert rows["Queue"].encryption == "SSE-SQS (default)"
    assert rows["Repo"].encryption == "AES256 (default)"
    assert rows["Users"].encryption.startswith("AWS managed")
    assert rows["Secret"].encryption == "KMS (aws/secretsmanager)"
    assert "scratch" in rows["Lustre"].notes


# --- idle cost --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def costly() -> StackTemplate:
    return stack_of(
        {
            "Nat": res("AWS::EC2::NatGateway"),
            "Alb": res("AWS::ElasticLoadBalancingV2::LoadBalancer"),
            "Nlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network"),
            "Ssm": res(
                "AWS::EC2::VPCEndpoint",
                VpcEndpointType="Interface",
                ServiceName="com.amazonaws.us-east-1.ssm",
                SubnetIds=[{"Ref": "A"}, {"Ref": "B"}, {"Ref": "C"}],
            ),
            "S3": res("AWS::EC2::VPCEndpoint", ServiceName="com.amazonaws.us-east-1.s3"),
            "Inbound": res(
                "AWS::Route53Resolver::ResolverEndpoint",
                Direction="INBOUND",
                IpAddresses=[{"SubnetId": "a"}, {"SubnetId": "b"}],
            ),
            "Lustre": res(
                "AWS::FSx::FileSystem",
                FileSystemType="LUSTRE",
                StorageCapacity=1200,
                LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 125},
            ),
            "Template": res("AWS::EC2::LaunchTemplate", LaunchTemplateData={"InstanceType": "t3.micro"}),
            "Asg": res(
                "AWS::AutoScaling::AutoScalingGroup",
                MinSize="2",
                MaxSize="4",
                LaunchTemplate={"LaunchTemplateId": {"Ref": "Template"}, "Version": "1"},
            ),
            "ZeroAsg": res("AWS::AutoScaling::AutoScalingGroup", MinSize="0", MaxSize="4"),
            "Batch": res(
                "AWS::Batch::ComputeEnvironment",
                Type="MANAGED",
                ComputeResources={
                    "Type": "EC2",
                    "MinvCpus": 4,
                    "MaxvCpus": 64,
                    "InstanceTypes": ["c5.large"],
                },
            ),
            "Task": res(
                "AWS::ECS::TaskDefinition", Cpu="512", Memory="1024", RequiresCompatibilities=["FARGATE"]
            ),
            "Service": res(
                "AWS::ECS::Service", LaunchType="FARGATE", DesiredCount=2, TaskDefinition={"Ref": "Task"}
            ),
            "Acl": res("AWS::WAFv2::WebACL", Rules=[{"Name": "a"}, {"Name": "b"}, {"Name": "managed-group"}]),
            "Protection": res("AWS::Shield::Protection"),
            "Key": res("AWS::KMS::Key"),
            "Zone": res("AWS::Route53::HostedZone"),
            "Rule": res("AWS::Config::ConfigRule"),
            "Alarm": res("AWS::CloudWatch::Alarm", Period=300),
            "Board": res("AWS::CloudWatch::Dashboard"),
            "Secret": res("AWS::SecretsManager::Secret"),
            "Vpn": res("AWS::EC2::VPNConnection"),
            "QueryLogs": res("AWS::Route53Resolver::ResolverQueryLoggingConfig"),
            "Vpc": res("AWS::EC2::VPC"),
            "Fn": res("AWS::Lambda::Function"),
            "Custom": res("Custom::Thing"),
            "Cache": res("AWS::ElastiCache::CacheCluster"),
            "Dynamic": res("AWS::AutoScaling::AutoScalingGroup", MinSize={"Ref": "Min"}),
        }
    )


def test_cost_prices_what_bills_while_idle(costly):
    report = estimate(costly)
    monthly = {line.logical_id: line.monthly for line in report.lines}
    assert monthly == {
        "Nat": 32.85,  # 0.045 * 730
        "Alb": 16.43,
        "Nlb": 16.43,
        "Ssm": 21.90,  # 3 AZ * 0.01 * 730
        "Inbound": 182.50,  # 2 IPs * 0.125 * 730
        "Lustre": 174.00,  # 1200 GiB * 0.145
        "Asg": 15.18,  # 2 * t3.micro 0.0104 * 730
        "Batch": 124.10,  # 4 vCPU * (c5.large 0.085 / 2) * 730
        "Service": 36.04,  # 2 * (0.5 * 0.04048 + 1 * 0.004445) * 730
        "Acl": 8.00,  # 5 + 3 rules
        "Key": 1.00,
        "Zone": 0.50,
        "Alarm": 0.10,
        "Board": 3.00,
        "Secret": 0.40,
        "Vpn": 36.50,
    }
    assert report.total == pytest.approx(sum(monthly.values()), abs=0.01)


def test_cost_lists_zero_idle_types_with_the_reason(costly):
    idle = estimate(costly).idle_free
    assert idle["AWS::Config::ConfigRule"][1].startswith("usage only ($0.001 per rule evaluation")
    assert idle["AWS::EC2::VPCEndpoint"] == (1, "gateway endpoint: free")
    assert idle["AWS::AutoScaling::AutoScalingGroup"] == (1, "minimum capacity 0: none while idle")
    assert idle["AWS::Shield::Protection"][0] == 1
    assert idle["AWS::Route53Resolver::ResolverQueryLoggingConfig"][1] == "usage only"
    assert {"AWS::EC2::VPC", "AWS::Lambda::Function", "Custom::Thing", "AWS::EC2::LaunchTemplate"} <= set(
        idle
    )


def test_cost_never_fails_on_what_it_does_not_know(costly):
    report = estimate(costly)
    not_costed = {lid: why for lid, _, why in report.not_costed}
    assert not_costed == {
        "Cache": "type not in the price table",
        "Dynamic": "MinSize is resolved at deploy time",
    }
    assert any("$3,000/month" in note for note in report.notes)


def test_cost_of_unpriced_instance_type_and_fsx_type():
    stack = stack_of(
        {
            "Asg": res(
                "AWS::AutoScaling::AutoScalingGroup",
                MinSize=1,
                MixedInstancesPolicy={"LaunchTemplate": {"Overrides": [{"InstanceType": "x9.huge"}]}},
            ),
            "Ontap": res("AWS::FSx::FileSystem", FileSystemType="ONTAP", StorageCapacity=1024),
            "Bad": "not a resource",
        }
    )
    report = estimate(stack)
    assert report.lines == []
    assert [(lid, why) for lid, _, why in report.not_costed] == [
        ("Asg", "minimum capacity 1: instance type x9.huge not in the price table"),
        ("Ontap", "FSx ONTAP not in the price table"),
        ("Bad", "type not in the price table"),
    ]


# --- renderers --------------------------------------------------------------------------------------------


def test_markdown_has_every_section(web_stack):
    text = render_markdown(review(web_stack))
    for heading in (
        "# Review of stack `Test`",
        "## Architecture",
        "```mermaid\nflowchart LR",
        "## Resources by service",
        "## Public exposure",
        "## IAM roles",
        "## Stateful resources",
        "## Estimated fixed monthly cost",
    ):
        assert heading in text
    assert "| **Total** | **6** |" in text
    assert "**⚠ Unauthenticated API**" in text and "GET /: AuthorizationType NONE" in text


def test_html_is_self_contained(web_stack):
    page = render_html([review(web_stack)])
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "<svg" in page
    assert '<a href="#Test">Test</a>' in page and 'id="Test"' in page
    assert not re.search(r"<script|<link|src=\"http|href=\"http|@import", page)


# --- the command and bad input ----------------------------------------------------------------------------


def test_command_writes_markdown_per_stack_and_one_html(tmp_path, capsys):
    cdk_out = write_assembly(
        tmp_path / "cdk.out",
        {
            "One": {"Resources": {"Nat": res("AWS::EC2::NatGateway")}},
            "Two": {"Resources": {"Thing": res("AWS::Made::Up")}},
        },
    )
    assert main([str(cdk_out)]) == 0
    out = cdk_out / "review"
    assert capsys.readouterr().out.split() == [
        str(out / "One.md"),
        str(out / "Two.md"),
        str(out / "index.html"),
    ]
    assert "$32.85" in (out / "One.md").read_text()
    assert "AWS::Made::Up: type not in the price table" in (out / "Two.md").read_text()
    page = (out / "index.html").read_text()
    assert page.count("<svg") == 2 and 'href="#One"' in page and 'href="#Two"' in page


def test_command_out_option(tmp_path, capsys):
    cdk_out = write_assembly(tmp_path / "cdk.out", {"One": {"Resources": {}}})
    assert main([str(cdk_out), "--out", str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere" / "One.md").exists() and (tmp_path / "elsewhere" / "index.html").exists()


def _bad(tmp_path: Path, setup: Any) -> Path:
    root = tmp_path / "cdk.out"
    setup(root)
    return root


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda root: None, "no such directory; run `make synth`"),
        (lambda root: root.mkdir(), "is empty; run `make synth`"),
        (lambda root: (root.mkdir(), (root / "x.txt").write_text("x")), "has no manifest.json"),
        (lambda root: write_assembly(root, {}), "lists no CloudFormation stack"),
        (
            lambda root: write_assembly(root, {"Broken": "{not json"}),
            "Broken.template.json is not valid JSON (line 1",
        ),
        (lambda root: write_assembly(root, {"List": "[]"}), "is not a JSON object"),
        (
            lambda root: (root.mkdir(), (root / "manifest.json").write_text("{")),
            "manifest.json is not valid JSON",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, setup, message):
    root = _bad(tmp_path, setup)
    assert main([str(root)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("review: ")


def test_load_assembly_raises_review_error(tmp_path):
    with pytest.raises(ReviewError, match="no such directory"):
        load_assembly(tmp_path / "missing")


def test_python_dash_m_entry_point(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "patterns.review", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("review: ")


# --- the example app ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_report(example_assembly: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review")
    assert main([str(example_assembly), "--out", str(out)]) == 0
    return out


def test_example_report_covers_every_stack(example_assembly, example_report):
    manifest = json.loads((example_assembly / "manifest.json").read_text())
    stacks = [name for name, a in manifest["artifacts"].items() if a["type"] == "aws:cloudformation:stack"]
    assert "CdpSecurityBaseline" in stacks
    page = (example_report / "index.html").read_text()
    for name in stacks:
        assert (example_report / f"{name}.md").exists()
        assert f'href="#{name}"' in page
    # One diagram per stack; a stack of alarms only (CdpServerlessWebAlarms) has nothing to draw.
    assert page.count("<svg") + page.count('<p class="empty">No resources to draw.</p>') == len(stacks)
    assert page.count("<svg") >= len(stacks) - 1


def test_example_network_report(example_report):
    text = (example_report / "CdpNetwork.md").read_text()
    assert "```mermaid\nflowchart LR" in text
    assert re.search(r'g\d+\["Network/Vpc<br/>', text), "resources grouped by construct path"
    assert re.search(r"\| `\w*NATGateway\w*`.*\| AWS::EC2::NatGateway \| \$32\.85 \|", text)
    assert "Interface endpoint ssm: 2 AZ" in text
    assert "AWS::EC2::VPNConnection | $36.50" in text
    assert "| vpc-flow-logs |" in text  # the flow-log role, by the service that assumes it


def test_example_security_baseline_report(example_report):
    text = (example_report / "CdpSecurityBaseline.md").read_text()
    assert "```mermaid\nflowchart LR" in text
    assert re.search(r'g\d+\["Compliance/VpcFlowLogsEnabled<br/>ConfigRule"\]', text)
    assert re.search(r"AWS::Logs::LogGroup \| .* \| Retain \| Retain \| retention \d+ days", text)


def test_svg_lays_out_each_component_on_its_own():
    """Groups of separate components never share a row; lone groups go last. This graph (several
    components, edges spanning layers) made igraph 1.0.0's layout_sugiyama crash when laid out whole."""
    edges = [(0, 24), (1, 21), (2, 7), (2, 19), (3, 16), (4, 8), (5, 24), (6, 14), (9, 20), (10, 18),
             (11, 22), (12, 18), (13, 17), (14, 23), (15, 22), (17, 19)]  # fmt: skip
    resources = {f"R{i}": res("AWS::SQS::Queue", f"C{i}/Resource") for i in range(28)}
    for source, target in edges:
        resources[f"R{source}"]["Properties"].setdefault("Refs", []).append({"Ref": f"R{target}"})
    graph = build_graph(stack_of(resources))
    assert len(graph.groups) == 28 and len(graph.edges) == 16
    svg = render_svg(graph)
    tops = {
        label: float(y)
        for y, label in re.findall(r'<rect x="[\d.]+" y="([\d.]+)".*?class="t">([^<]+)</text>', svg)
    }
    component = {"C2", "C7", "C13", "C17", "C19"}
    rows = {tops[name] for name in component}
    others = {tops[name] for name in tops if name not in component}
    assert not rows & others
    assert tops["C25"] == tops["C27"] > max(tops[f"C{i}"] for i in range(25)), (
        "lone groups share the last rows"
    )


def test_command_without_igraph_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "igraph" else real(name))
    assert main([str(write_assembly(tmp_path / "cdk.out", {"One": {"Resources": {}}}))]) == 2
    assert "pip install 'cdp-patterns[review]'" in capsys.readouterr().err
