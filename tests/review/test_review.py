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
from patterns.review.iam import summarize_roles
from patterns.review.load import StackTemplate
from patterns.review.render_html import render_html
from patterns.review.render_md import render_markdown
from patterns.review.stateful import stateful_resources
from tests.review.templates import res, stack_of, write_assembly

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


# --- renderers --------------------------------------------------------------------------------------------


def test_markdown_has_every_section(web_stack):
    text = render_markdown(review(web_stack))
    for heading in (
        "# Review of stack `Test`",
        "## Architecture",
        "```mermaid\nflowchart TB",
        "## Resources by service",
        "## Public exposure",
        "## IAM roles",
        "## Stateful resources",
        "## Estimated fixed monthly cost",
    ):
        assert heading in text
    assert "| **Total** | **6** |" in text
    assert "| **⚠ high** | API Gateway REST API | `ApiRoot` (Api/Resource) | **⚠ none** | **⚠ no** |" in text
    assert "no authorization on GET /" in text


def test_html_is_self_contained(web_stack):
    page = render_html([review(web_stack)])
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "<svg" in page
    assert '<a href="#Test">Test</a>' in page and 'id="Test"' in page
    assert not re.search(r"<script|<link|src=\"http|@import", page), (
        "no script, nothing loaded from elsewhere"
    )


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
    assert page.count('role="img"') == 2 and 'href="#One"' in page and 'href="#Two"' in page


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
    assert page.count('role="img"') == len(stacks)


def test_command_without_igraph_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "igraph" else real(name))
    assert main([str(write_assembly(tmp_path / "cdk.out", {"One": {"Resources": {}}}))]) == 2
    assert "pip install 'cdp-patterns[review]'" in capsys.readouterr().err


def test_the_report_runs_with_aws_cdk_unimportable(tmp_path):
    """`python -m patterns.review` needs only the `review` extra: aws-cdk-lib, constructs and cdk-nag blocked."""
    cdk_out = write_assembly(
        tmp_path / "cdk.out",
        {
            "One": {
                "Resources": {
                    "Fn": res("AWS::Lambda::Function"),
                    "Url": res("AWS::Lambda::Url", AuthType="NONE"),
                }
            }
        },
    )
    code = (
        "import sys\n"
        "for name in ('aws_cdk', 'constructs', 'cdk_nag', 'jsii'): sys.modules[name] = None\n"
        "from patterns.review.__main__ import main\n"
        f"sys.exit(main([{str(cdk_out)!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert "Lambda function URL" in (cdk_out / "review" / "One.md").read_text()
