"""patterns.checks: each rule has a compliant and a non-compliant case; the plugin gates synthesis and
honours acknowledgments like cdk-nag."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_ec2 as ec2

from patterns.checks import ALL_RULES, CloudDesignPatternChecks, Status, Template
from patterns.checks.rules import (
    batch_min_vcpus_zero,
    ecs_circuit_breaker_rollback,
    edge_has_waf,
    lambda_failure_destination,
    no_key_pairs,
    no_private_address_in_public_zone,
    no_ssh_ingress,
    sqs_visibility_covers_lambda,
    stateful_resource_retained,
    waf_logging_enabled,
)
from stacks import feature_flags


def status(rule: Any, resources: dict[str, dict[str, Any]], target: str = "Target") -> Status:
    template = Template({"Resources": resources})
    return rule.evaluate(target, resources[target], template).status


def sg(*ingress: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": list(ingress)}}


FUNCTION = {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 30}}

CASES: list[tuple[Any, dict[str, dict[str, Any]], Status]] = [
    # SSH ingress
    (
        no_ssh_ingress,
        {"Target": sg({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"})},
        Status.COMPLIANT,
    ),
    (
        no_ssh_ingress,
        {"Target": sg({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"})},
        Status.NON_COMPLIANT,
    ),
    (
        no_ssh_ingress,
        {"Target": sg({"IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024, "CidrIp": "10.0.0.0/8"})},
        Status.NON_COMPLIANT,
    ),
    (no_ssh_ingress, {"Target": sg({"IpProtocol": "-1", "CidrIp": "10.0.0.0/8"})}, Status.NON_COMPLIANT),
    (
        no_ssh_ingress,
        {
            "Target": {
                "Type": "AWS::EC2::SecurityGroupIngress",
                "Properties": {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22},
            }
        },
        Status.NON_COMPLIANT,
    ),
    (no_ssh_ingress, {"Target": sg({"IpProtocol": "udp", "FromPort": 22, "ToPort": 22})}, Status.COMPLIANT),
    # all traffic among members of the same group (EFA / MPI) is cluster-internal, not an SSH path...
    (
        no_ssh_ingress,
        {
            "Target": {
                "Type": "AWS::EC2::SecurityGroupIngress",
                "Properties": {
                    "IpProtocol": "-1",
                    "GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]},
                    "SourceSecurityGroupId": {"Fn::GetAtt": ["Sg", "GroupId"]},
                },
            }
        },
        Status.COMPLIANT,
    ),
    # ...but from another group it is
    (
        no_ssh_ingress,
        {
            "Target": {
                "Type": "AWS::EC2::SecurityGroupIngress",
                "Properties": {
                    "IpProtocol": "-1",
                    "GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]},
                    "SourceSecurityGroupId": {"Fn::GetAtt": ["Other", "GroupId"]},
                },
            }
        },
        Status.NON_COMPLIANT,
    ),
    # key pairs
    (
        no_key_pairs,
        {"Target": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {}}}},
        Status.COMPLIANT,
    ),
    (
        no_key_pairs,
        {
            "Target": {
                "Type": "AWS::EC2::LaunchTemplate",
                "Properties": {"LaunchTemplateData": {"KeyName": "ops"}},
            }
        },
        Status.NON_COMPLIANT,
    ),
    (
        no_key_pairs,
        {"Target": {"Type": "AWS::EC2::Instance", "Properties": {"KeyName": "ops"}}},
        Status.NON_COMPLIANT,
    ),
    # private address in public zone
    (
        no_private_address_in_public_zone,
        {
            "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "example.com."}},
            "Target": {
                "Type": "AWS::Route53::RecordSet",
                "Properties": {
                    "HostedZoneId": {"Ref": "Zone"},
                    "Name": "db.example.com.",
                    "Type": "A",
                    "ResourceRecords": ["10.0.1.5"],
                },
            },
        },
        Status.NON_COMPLIANT,
    ),
    (
        no_private_address_in_public_zone,
        {
            "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "example.com."}},
            "Target": {
                "Type": "AWS::Route53::RecordSet",
                "Properties": {
                    "HostedZoneId": {"Ref": "Zone"},
                    "Name": "www.example.com.",
                    "Type": "A",
                    "ResourceRecords": ["203.0.113.5"],
                },
            },
        },
        Status.COMPLIANT,
    ),
    (
        no_private_address_in_public_zone,
        {
            "Zone": {
                "Type": "AWS::Route53::HostedZone",
                "Properties": {"Name": "example.com.", "VPCs": [{"VPCId": "vpc-1"}]},
            },
            "Target": {
                "Type": "AWS::Route53::RecordSet",
                "Properties": {
                    "HostedZoneId": {"Ref": "Zone"},
                    "Name": "db.example.com.",
                    "Type": "A",
                    "ResourceRecords": ["10.0.1.5"],
                },
            },
        },
        Status.COMPLIANT,
    ),
    (
        no_private_address_in_public_zone,
        {
            "Target": {
                "Type": "AWS::Route53::RecordSet",
                "Properties": {
                    "HostedZoneId": "Z123",
                    "Name": "db.example.com.",
                    "Type": "A",
                    "ResourceRecords": ["10.0.1.5"],
                },
            }
        },
        Status.NOT_APPLICABLE,
    ),
    # WAF on the edge
    (
        edge_has_waf,
        {
            "Target": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {
                    "DistributionConfig": {"WebACLId": "arn:aws:wafv2:us-east-1:1:global/webacl/x/y"}
                },
            }
        },
        Status.COMPLIANT,
    ),
    (
        edge_has_waf,
        {"Target": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {}}}},
        Status.NON_COMPLIANT,
    ),
    (
        edge_has_waf,
        {
            "Target": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Scheme": "internet-facing"},
            }
        },
        Status.NON_COMPLIANT,
    ),
    (
        edge_has_waf,
        {
            "Target": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Scheme": "internet-facing"},
            },
            "Assoc": {
                "Type": "AWS::WAFv2::WebACLAssociation",
                "Properties": {"ResourceArn": {"Ref": "Target"}},
            },
        },
        Status.COMPLIANT,
    ),
    (
        edge_has_waf,
        {
            "Target": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Scheme": "internal"},
            }
        },
        Status.NOT_APPLICABLE,
    ),
    # Lambda failure destinations
    (
        lambda_failure_destination,
        {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {"maxReceiveCount": 3}}},
            "Fn": FUNCTION,
            "Target": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {"EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}, "FunctionName": {"Ref": "Fn"}},
            },
        },
        Status.COMPLIANT,
    ),
    (
        lambda_failure_destination,
        {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Fn": FUNCTION,
            "Target": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {"EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}, "FunctionName": {"Ref": "Fn"}},
            },
        },
        Status.NON_COMPLIANT,
    ),
    (
        lambda_failure_destination,
        {
            "Fn": FUNCTION,
            "Target": {
                "Type": "AWS::Events::Rule",
                "Properties": {"Targets": [{"Id": "T", "Arn": {"Fn::GetAtt": ["Fn", "Arn"]}}]},
            },
        },
        Status.NON_COMPLIANT,
    ),
    (
        lambda_failure_destination,
        {
            "Fn": FUNCTION,
            "Target": {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "Targets": [
                        {
                            "Id": "T",
                            "Arn": {"Fn::GetAtt": ["Fn", "Arn"]},
                            "DeadLetterConfig": {"Arn": "arn:dlq"},
                        }
                    ]
                },
            },
        },
        Status.COMPLIANT,
    ),
    # SQS visibility vs Lambda timeout
    (
        sqs_visibility_covers_lambda,
        {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 180}},
            "Fn": FUNCTION,
            "Target": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {"EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}, "FunctionName": {"Ref": "Fn"}},
            },
        },
        Status.COMPLIANT,
    ),
    (
        sqs_visibility_covers_lambda,
        {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Fn": FUNCTION,
            "Target": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {"EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}, "FunctionName": {"Ref": "Fn"}},
            },
        },
        Status.NON_COMPLIANT,
    ),
    # ECS circuit breaker
    (
        ecs_circuit_breaker_rollback,
        {
            "Target": {
                "Type": "AWS::ECS::Service",
                "Properties": {
                    "DeploymentConfiguration": {
                        "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True}
                    }
                },
            }
        },
        Status.COMPLIANT,
    ),
    (
        ecs_circuit_breaker_rollback,
        {
            "Target": {
                "Type": "AWS::ECS::Service",
                "Properties": {
                    "DeploymentConfiguration": {
                        "DeploymentCircuitBreaker": {"Enable": True, "Rollback": False}
                    }
                },
            }
        },
        Status.NON_COMPLIANT,
    ),
    (
        ecs_circuit_breaker_rollback,
        {
            "Target": {
                "Type": "AWS::ECS::Service",
                "Properties": {"DeploymentController": {"Type": "CODE_DEPLOY"}},
            }
        },
        Status.NOT_APPLICABLE,
    ),
    # Batch min vCPUs
    (
        batch_min_vcpus_zero,
        {
            "Target": {
                "Type": "AWS::Batch::ComputeEnvironment",
                "Properties": {"ComputeResources": {"Type": "EC2", "MinvCpus": 0, "MaxvCpus": 256}},
            }
        },
        Status.COMPLIANT,
    ),
    (
        batch_min_vcpus_zero,
        {
            "Target": {
                "Type": "AWS::Batch::ComputeEnvironment",
                "Properties": {"ComputeResources": {"Type": "SPOT", "MinvCpus": 8, "MaxvCpus": 256}},
            }
        },
        Status.NON_COMPLIANT,
    ),
    # stateful resources retained
    (
        stateful_resource_retained,
        {
            "Target": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
            }
        },
        Status.COMPLIANT,
    ),
    (
        stateful_resource_retained,
        {"Target": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete"}},
        Status.NON_COMPLIANT,
    ),
    (stateful_resource_retained, {"Target": {"Type": "AWS::EFS::FileSystem"}}, Status.NON_COMPLIANT),
    # WAF logging
    (
        waf_logging_enabled,
        {
            "Target": {"Type": "AWS::WAFv2::WebACL"},
            "Log": {
                "Type": "AWS::WAFv2::LoggingConfiguration",
                "Properties": {"ResourceArn": {"Fn::GetAtt": ["Target", "Arn"]}},
            },
        },
        Status.COMPLIANT,
    ),
    (waf_logging_enabled, {"Target": {"Type": "AWS::WAFv2::WebACL"}}, Status.NON_COMPLIANT),
]


@pytest.mark.parametrize(
    ("rule", "resources", "expected"),
    CASES,
    ids=[f"{c[0].RULE_ID}-{i}-{c[2].value}" for i, c in enumerate(CASES)],
)
def test_rule(rule: Any, resources: dict[str, dict[str, Any]], expected: Status) -> None:
    assert status(rule, resources) is expected


def test_every_rule_has_both_outcomes_tested() -> None:
    for rule in ALL_RULES:
        outcomes = {expected for r, _, expected in CASES if r is rule}
        assert {Status.COMPLIANT, Status.NON_COMPLIANT} <= outcomes, rule.RULE_ID
        assert rule.FIX and rule.RULE_ID.startswith("CDP-")


def test_non_compliant_results_say_what_is_wrong() -> None:
    resources = {"Target": sg({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"})}
    result = no_ssh_ingress.evaluate("Target", resources["Target"], Template({"Resources": resources}))
    assert "0.0.0.0/0" in result.message


def _ssh_app(outdir: Path, acknowledgment: str | None, on: str = "sg", path_metadata: bool = False) -> App:
    # Without path metadata (a bare App) the plugin places findings by walking the construct tree;
    # with it (the CDK CLI's default) it reads aws:cdk:path from the template.
    app = App(outdir=str(outdir), context={**feature_flags(), "aws:cdk:enable-path-metadata": path_metadata})
    stack = Stack(app, "Checked")
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        restrict_default_security_group=False,
        subnet_configuration=[ec2.SubnetConfiguration(name="i", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)],
    )
    group = ec2.SecurityGroup(stack, "Sg", vpc=vpc)
    group.add_ingress_rule(ec2.Peer.ipv4("10.0.0.0/8"), ec2.Port.tcp(22), "ssh")
    if acknowledgment:
        target = group if on == "sg" else stack
        Validations.of(target).acknowledge(
            Acknowledgment(id=acknowledgment, reason="a bastion network, audited")
        )
    Validations.of(app).add_plugins(CloudDesignPatternChecks())
    return app


def _ssh_ports(assembly: Any) -> list[int]:
    template = assembly.get_stack_by_name("Checked").template
    return [
        rule["FromPort"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::EC2::SecurityGroup"
        for rule in resource["Properties"].get("SecurityGroupIngress", [])
    ]


class TestPlugin:
    def test_error_fails_synthesis_with_the_fix(self, tmp_path: Path) -> None:
        with pytest.raises(RuntimeError, match="CDP-NoSshIngress") as error:
            _ssh_app(tmp_path, None).synth()
        assert "Session Manager" in str(error.value)

    @pytest.mark.parametrize("path_metadata", [False, True])
    @pytest.mark.parametrize("ack", ["CDP-NoSshIngress", "CloudDesignPatterns::CDP-NoSshIngress"])
    def test_acknowledgment_like_cdk_nag(self, tmp_path: Path, ack: str, path_metadata: bool) -> None:
        assembly = _ssh_app(tmp_path, ack, path_metadata=path_metadata).synth()
        assert _ssh_ports(assembly) == [22]  # the finding is acknowledged, the rule still there

    @pytest.mark.parametrize("path_metadata", [False, True])
    def test_acknowledgment_on_a_parent_covers_children(self, tmp_path: Path, path_metadata: bool) -> None:
        assembly = _ssh_app(tmp_path, "CDP-NoSshIngress", on="stack", path_metadata=path_metadata).synth()
        assert _ssh_ports(assembly) == [22]

    def test_error_with_path_metadata(self, tmp_path: Path) -> None:
        with pytest.raises(RuntimeError, match="CDP-NoSshIngress"):
            _ssh_app(tmp_path, None, path_metadata=True).synth()

    def test_acknowledging_another_rule_does_not_help(self, tmp_path: Path) -> None:
        with pytest.raises(RuntimeError, match="CDP-NoSshIngress"):
            _ssh_app(tmp_path, "CDP-NoKeyPairs").synth()
