"""IAM summary per role: principals, policy sources, actions by service, and each kind of wildcard finding."""

from __future__ import annotations

import pytest

from patterns.review.iam import RoleSummary, is_wildcard_action, managed_policy_name, summarize_roles
from tests.review.templates import res, stack_of


def _allow(action, resource="arn:aws:s3:::b", key="Action"):
    return {"Effect": "Allow", key: action, "Resource": resource}


@pytest.fixture  # per test, not per module: mutation testing credits a computation to the test that runs it
def roles():
    stack = stack_of(
        {
            "R": res(
                "AWS::IAM::Role",
                AssumeRolePolicyDocument={
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {
                                "Service": ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"],
                                "AWS": {"Fn::GetAtt": ["Other", "Arn"]},
                            },
                        },
                        {"Effect": "Allow", "Principal": "*"},
                        {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}},
                        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}},
                        "junk",
                    ]
                },
                Policies=[
                    {
                        "PolicyName": "p1",
                        "PolicyDocument": {"Statement": _allow(["iam:*", "s3:Get*"], "*", "NotAction")},
                    },
                    "junk",
                    {"PolicyDocument": {"Statement": [_allow("ec2:Describe*", ["*"])]}},
                ],
                ManagedPolicyArns=[
                    "arn:aws:iam::aws:policy/AmazonS3FullAccess",
                    "arn:aws:iam::aws:policy/PowerUserAccess",
                    "arn:aws:iam::aws:policy/IAMFullAccess",
                    "ReadOnly",
                    {"Ref": "Mp"},
                    {"Ref": "Loose"},
                    {"Ref": "ArnParameter"},
                ],
            ),
            "Mp": res(
                "AWS::IAM::ManagedPolicy",
                Roles=[{"Ref": "R"}],
                PolicyDocument={"Statement": [_allow("sqs:SendMessage")]},
            ),
            "Loose": res(
                "AWS::IAM::ManagedPolicy", PolicyDocument={"Statement": [_allow(["kms:Decrypt", "*"], "*")]}
            ),
            "Pol": res(
                "AWS::IAM::Policy",
                Roles=["plain-name", {"Ref": "R"}, {"Ref": "Nobody"}],
                PolicyDocument={
                    "Statement": [
                        {"Effect": "Deny", "Action": "*", "Resource": "*"},
                        {"Action": "s3:PutObject", "Resource": "*"},
                        _allow({"Fn::Join": ["", ["dynamodb:", "GetItem"]]}),
                    ]
                },
            ),
            "Bare": res("AWS::IAM::Role", AssumeRolePolicyDocument="not a document"),
            "NotAPolicy": res("AWS::IAM::Role", Policies=[{"PolicyName": "x", "PolicyDocument": "nope"}]),
        }
    )
    return {r.logical_id: r for r in summarize_roles(stack)}


def test_principals_sorted_and_named(roles):
    assert roles["R"].assumed_by == [
        "AWS: {Other.Arn}",
        "Federated: cognito-identity.amazonaws.com",
        "anyone (*)",
        "ecs-tasks.amazonaws.com",
        "lambda.amazonaws.com",
    ]
    assert roles["Bare"].assumed_by == []


def test_every_policy_source_once_and_only_allow_statements(roles):
    role = roles["R"]
    assert role.policy_sources == ["inline p1", "inline ?", "Mp", "Pol", "Loose"]
    assert role.services == {
        "*": ["*"],
        "dynamodb": ["dynamodb:GetItem"],
        "ec2": ["ec2:Describe*"],
        "kms": ["kms:Decrypt"],
        "sqs": ["sqs:SendMessage"],
    }
    assert role.wildcard_actions == ["*"]
    assert role.star_resource_actions == ["*", "ec2:Describe*", "kms:Decrypt"]
    assert role.not_actions == ["iam:*", "s3:Get*"]


def test_managed_policies_by_name_and_the_broad_ones(roles):
    role = roles["R"]
    assert role.managed_policies == [
        "AmazonS3FullAccess",
        "PowerUserAccess",
        "IAMFullAccess",
        "ReadOnly",
        "{ArnParameter}",
    ]
    assert role.broad_managed == ["AmazonS3FullAccess", "PowerUserAccess", "IAMFullAccess"]


def test_a_role_with_nothing(roles):
    assert roles["Bare"] == RoleSummary("Bare")
    assert roles["NotAPolicy"] == RoleSummary("NotAPolicy", policy_sources=["inline x"])
    assert not roles["Bare"].flagged


@pytest.mark.parametrize(
    "finding",
    [
        {"wildcard_actions": ["s3:*"]},
        {"star_resource_actions": ["s3:GetObject"]},
        {"not_actions": ["iam:*"]},
        {"broad_managed": ["AdministratorAccess"]},
    ],
)
def test_each_finding_alone_flags_the_role(finding):
    assert RoleSummary("R", **finding).flagged
    assert not RoleSummary(
        "R", managed_policies=["ReadOnlyAccess"], services={"s3": ["s3:GetObject"]}
    ).flagged


@pytest.mark.parametrize(
    ("action", "wildcard"),
    [("*", True), ("s3:*", True), ("s3:Get*", False), ("s3:GetObject", False), ("**", False)],
)
def test_wildcard_action(action, wildcard):
    assert is_wildcard_action(action) is wildcard


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole"),
        ("ReadOnlyAccess", "ReadOnlyAccess"),
        ({"Ref": "X"}, "{X}"),
        ({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/a/b/C"]]}, "C"),
    ],
)
def test_managed_policy_name(arn, name):
    assert managed_policy_name(arn) == name
