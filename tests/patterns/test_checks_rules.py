"""Every policy rule: compliant, non-compliant and not-applicable cases for each resource type and each
attribute it reads (A and AAAA, DeletionPolicy and UpdateReplacePolicy, IPv4-mapped addresses, ...), with
the location and the message a finding carries."""

from __future__ import annotations

from typing import Any

import pytest

from patterns.checks import ALL_RULES, Status, Template
from patterns.checks.model import number, refs
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

C, N, NA = Status.COMPLIANT, Status.NON_COMPLIANT, Status.NOT_APPLICABLE


def run(rule: Any, resources: dict[str, dict[str, Any]], target: str = "Target") -> Any:
    template = Template({"Resources": resources})
    return rule.evaluate(target, resources[target], template)


def sg(*ingress: Any) -> dict[str, Any]:
    return {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": list(ingress)}}


def ingress(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": properties}


def tcp(low: Any, high: Any, **extra: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": low, "ToPort": high, **extra}


# ---------------------------------------------------------------- CDP-NoSshIngress
SSH_CASES = [
    ("https only", {"Target": sg(tcp(443, 443, CidrIp="0.0.0.0/0"))}, C),
    ("no ingress", {"Target": sg()}, C),
    ("no properties", {"Target": {"Type": "AWS::EC2::SecurityGroup"}}, C),
    ("port 22", {"Target": sg(tcp(22, 22, CidrIp="10.0.0.0/8"))}, N),
    ("range starting at 22", {"Target": sg(tcp(22, 80, CidrIp="10.0.0.0/8"))}, N),
    ("range ending at 22", {"Target": sg(tcp(0, 22, CidrIp="10.0.0.0/8"))}, N),
    ("range around 22", {"Target": sg(tcp(0, 1024, CidrIp="10.0.0.0/8"))}, N),
    ("ports as strings", {"Target": sg(tcp("22", "22", CidrIp="10.0.0.0/8"))}, N),
    ("protocol 6", {"Target": sg({"IpProtocol": "6", "FromPort": 22, "ToPort": 22})}, N),
    ("protocol TCP upper case", {"Target": sg({"IpProtocol": "TCP", "FromPort": 22, "ToPort": 22})}, N),
    ("21 only", {"Target": sg(tcp(20, 21, CidrIp="0.0.0.0/0"))}, C),
    ("23 and up", {"Target": sg(tcp(23, 25, CidrIp="0.0.0.0/0"))}, C),
    ("all traffic -1", {"Target": sg({"IpProtocol": "-1", "CidrIp": "10.0.0.0/8"})}, N),
    ("all traffic 'all'", {"Target": sg({"IpProtocol": "all", "CidrIp": "10.0.0.0/8"})}, N),
    ("udp 22", {"Target": sg({"IpProtocol": "udp", "FromPort": 22, "ToPort": 22})}, C),
    ("icmp", {"Target": sg({"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1})}, C),
    ("intrinsic ports", {"Target": sg(tcp({"Ref": "P"}, {"Ref": "P"}))}, C),
    ("no ports", {"Target": sg({"IpProtocol": "tcp"})}, C),
    (
        "ingress as intrinsic",
        {"Target": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": {"Ref": "X"}}}},
        NA,
    ),
    ("second rule opens 22", {"Target": sg(tcp(443, 443), tcp(22, 22, CidrIpv6="::/0"))}, N),
    ("standalone ingress 22", {"Target": ingress(IpProtocol="tcp", FromPort=22, ToPort=22)}, N),
    ("standalone ingress 443", {"Target": ingress(IpProtocol="tcp", FromPort=443, ToPort=443)}, C),
    (
        "all traffic within the group (standalone)",
        {
            "Target": ingress(
                IpProtocol="-1",
                GroupId={"Fn::GetAtt": ["Sg", "GroupId"]},
                SourceSecurityGroupId={"Fn::GetAtt": ["Sg", "GroupId"]},
            )
        },
        C,
    ),
    (
        "all traffic within the group (inline, self reference)",
        {"Target": sg({"IpProtocol": "-1", "SourceSecurityGroupId": {"Ref": "Target"}})},
        C,
    ),
    (
        "all traffic from another group",
        {
            "Target": ingress(
                IpProtocol="-1",
                GroupId={"Fn::GetAtt": ["Sg", "GroupId"]},
                SourceSecurityGroupId={"Fn::GetAtt": ["Other", "GroupId"]},
            )
        },
        N,
    ),
    (
        "tcp 22 within the group is still SSH",
        {
            "Target": ingress(
                IpProtocol="tcp",
                FromPort=22,
                ToPort=22,
                GroupId={"Ref": "Sg"},
                SourceSecurityGroupId={"Ref": "Sg"},
            )
        },
        N,
    ),
]

# ---------------------------------------------------------------- CDP-NoKeyPairs
KEY_CASES = [
    (
        "launch template without key",
        {"Target": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {}}}},
        C,
    ),
    ("launch template without data", {"Target": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {}}}, C),
    (
        "launch template with key",
        {
            "Target": {
                "Type": "AWS::EC2::LaunchTemplate",
                "Properties": {"LaunchTemplateData": {"KeyName": "ops"}},
            }
        },
        N,
    ),
    (
        "launch template, key at the wrong level is not a key",
        {"Target": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"KeyName": "ops"}}},
        C,
    ),
    ("instance with key", {"Target": {"Type": "AWS::EC2::Instance", "Properties": {"KeyName": "ops"}}}, N),
    (
        "instance with key from a parameter",
        {"Target": {"Type": "AWS::EC2::Instance", "Properties": {"KeyName": {"Ref": "Key"}}}},
        N,
    ),
    (
        "instance without key",
        {"Target": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-1"}}},
        C,
    ),
    ("instance with empty key", {"Target": {"Type": "AWS::EC2::Instance", "Properties": {"KeyName": ""}}}, C),
    (
        "launch configuration with key",
        {"Target": {"Type": "AWS::AutoScaling::LaunchConfiguration", "Properties": {"KeyName": "ops"}}},
        N,
    ),
    (
        "launch configuration without key",
        {"Target": {"Type": "AWS::AutoScaling::LaunchConfiguration", "Properties": {}}},
        C,
    ),
]


# ---------------------------------------------------------------- CDP-NoPrivateAddressInPublicZone
def zone(private: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {"Name": "example.com."}
    if private:
        properties["VPCs"] = [{"VPCId": "vpc-1", "VPCRegion": "eu-west-1"}]
    return {"Type": "AWS::Route53::HostedZone", "Properties": properties}


def record(kind: str, *values: Any, zone_ref: Any = None) -> dict[str, Any]:
    return {
        "Type": "AWS::Route53::RecordSet",
        "Properties": {
            "HostedZoneId": zone_ref if zone_ref is not None else {"Ref": "Zone"},
            "Name": "db.example.com.",
            "Type": kind,
            "ResourceRecords": list(values),
        },
    }


def group(*records: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::Route53::RecordSetGroup",
        "Properties": {"HostedZoneId": {"Ref": "Zone"}, "RecordSets": list(records)},
    }


ZONE_CASES = [
    ("A private", {"Zone": zone(), "Target": record("A", "10.0.1.5")}, N),
    ("A shared address space", {"Zone": zone(), "Target": record("A", "100.64.0.1")}, N),
    ("A public", {"Zone": zone(), "Target": record("A", "203.0.113.5")}, C),
    ("A public then private", {"Zone": zone(), "Target": record("A", "203.0.113.5", "192.168.0.1")}, N),
    ("AAAA unique local", {"Zone": zone(), "Target": record("AAAA", "fd00::1")}, N),
    ("AAAA link-local", {"Zone": zone(), "Target": record("AAAA", "fe80::1")}, N),
    ("AAAA IPv4-mapped private", {"Zone": zone(), "Target": record("AAAA", "::ffff:10.1.2.3")}, N),
    ("AAAA IPv4-mapped public", {"Zone": zone(), "Target": record("AAAA", "::ffff:8.8.8.8")}, C),
    ("AAAA public", {"Zone": zone(), "Target": record("AAAA", "2001:db8::1")}, C),
    (
        "A value is an intrinsic",
        {"Zone": zone(), "Target": record("A", {"Fn::GetAtt": ["Eip", "PublicIp"]})},
        C,
    ),
    ("A value is not an address", {"Zone": zone(), "Target": record("A", "not-an-ip")}, C),
    ("CNAME only", {"Zone": zone(), "Target": record("CNAME", "10.0.1.5")}, NA),
    ("TXT only", {"Zone": zone(), "Target": record("TXT", '"10.0.1.5"')}, NA),
    ("A in a private zone", {"Zone": zone(private=True), "Target": record("A", "10.0.1.5")}, C),
    ("AAAA in a private zone", {"Zone": zone(private=True), "Target": record("AAAA", "fd00::1")}, C),
    ("imported zone id", {"Target": record("A", "10.0.1.5", zone_ref="Z123")}, NA),
    (
        "zone ref to something else",
        {"Zone": {"Type": "AWS::SSM::Parameter"}, "Target": record("A", "10.0.1.5")},
        NA,
    ),
    (
        "group: A private",
        {"Zone": zone(), "Target": group({"Name": "a.", "Type": "A", "ResourceRecords": ["10.0.0.1"]})},
        N,
    ),
    (
        "group: AAAA private after a CNAME",
        {
            "Zone": zone(),
            "Target": group(
                {"Name": "c.", "Type": "CNAME", "ResourceRecords": ["x.example.com"]},
                {"Name": "a.", "Type": "AAAA", "ResourceRecords": ["::ffff:192.168.0.1"]},
            ),
        },
        N,
    ),
    (
        "group: A public",
        {"Zone": zone(), "Target": group({"Name": "a.", "Type": "A", "ResourceRecords": ["8.8.4.4"]})},
        C,
    ),
    (
        "group: only CNAME",
        {"Zone": zone(), "Target": group({"Name": "c.", "Type": "CNAME", "ResourceRecords": ["x."]})},
        NA,
    ),
    ("group: empty", {"Zone": zone(), "Target": group()}, NA),
]


# ---------------------------------------------------------------- CDP-EdgeHasWaf
def alb(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": properties}


def association(arn: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::WAFv2::WebACLAssociation",
        "Properties": {"ResourceArn": arn, "WebACLArn": "arn:acl"},
    }


EDGE_CASES = [
    (
        "distribution with ACL",
        {
            "Target": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {"DistributionConfig": {"WebACLId": {"Fn::GetAtt": ["Acl", "Arn"]}}},
            }
        },
        C,
    ),
    (
        "distribution without ACL",
        {"Target": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {}}}},
        N,
    ),
    ("distribution without properties", {"Target": {"Type": "AWS::CloudFront::Distribution"}}, N),
    ("ALB internet-facing, no ACL", {"Target": alb(Scheme="internet-facing")}, N),
    ("ALB default scheme, no ACL", {"Target": alb()}, N),
    ("ALB explicit type, no ACL", {"Target": alb(Type="application")}, N),
    (
        "ALB with ACL (Ref)",
        {"Target": alb(Scheme="internet-facing"), "Assoc": association({"Ref": "Target"})},
        C,
    ),
    ("ALB default scheme with ACL", {"Target": alb(), "Assoc": association({"Ref": "Target"})}, C),
    ("ACL on another ALB", {"Target": alb(), "Other": alb(), "Assoc": association({"Ref": "Other"})}, N),
    ("internal ALB", {"Target": alb(Scheme="internal")}, NA),
    ("network LB", {"Target": alb(Type="network", Scheme="internet-facing")}, NA),
    ("gateway LB", {"Target": alb(Type="gateway")}, NA),
]


# ---------------------------------------------------------------- CDP-LambdaFailureDestination
FUNCTION = {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 30}}


def mapping(**properties: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {"FunctionName": {"Ref": "Fn"}, **properties},
    }


def rule(*targets: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "AWS::Events::Rule", "Properties": {"Targets": list(targets)}}


FN_TARGET = {"Id": "T", "Arn": {"Fn::GetAtt": ["Fn", "Arn"]}}
FAILURE_CASES = [
    (
        "SQS with DLQ",
        {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {"maxReceiveCount": 3}}},
            "Fn": FUNCTION,
            "Target": mapping(EventSourceArn={"Fn::GetAtt": ["Q", "Arn"]}),
        },
        C,
    ),
    (
        "SQS without DLQ",
        {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Fn": FUNCTION,
            "Target": mapping(EventSourceArn={"Fn::GetAtt": ["Q", "Arn"]}),
        },
        N,
    ),
    (
        "SQS without properties",
        {
            "Q": {"Type": "AWS::SQS::Queue"},
            "Fn": FUNCTION,
            "Target": mapping(EventSourceArn={"Fn::GetAtt": ["Q", "Arn"]}),
        },
        N,
    ),
    (
        "SQS without DLQ: an on-failure destination does not help (SQS ignores it)",
        {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Fn": FUNCTION,
            "Target": mapping(
                EventSourceArn={"Fn::GetAtt": ["Q", "Arn"]},
                DestinationConfig={"OnFailure": {"Destination": "arn:q"}},
            ),
        },
        N,
    ),
    (
        "stream with on-failure",
        {
            "S": {"Type": "AWS::Kinesis::Stream"},
            "Fn": FUNCTION,
            "Target": mapping(
                EventSourceArn={"Fn::GetAtt": ["S", "Arn"]},
                DestinationConfig={"OnFailure": {"Destination": "arn:q"}},
            ),
        },
        C,
    ),
    (
        "stream without on-failure",
        {
            "S": {"Type": "AWS::Kinesis::Stream"},
            "Fn": FUNCTION,
            "Target": mapping(EventSourceArn={"Fn::GetAtt": ["S", "Arn"]}),
        },
        N,
    ),
    (
        "imported stream without on-failure",
        {"Fn": FUNCTION, "Target": mapping(EventSourceArn="arn:aws:kinesis:eu-west-1:1:stream/s")},
        N,
    ),
    (
        "imported stream with empty destination",
        {
            "Fn": FUNCTION,
            "Target": mapping(EventSourceArn="arn:aws:kinesis:eu-west-1:1:stream/s", DestinationConfig={}),
        },
        N,
    ),
    ("no event source (self-managed Kafka)", {"Fn": FUNCTION, "Target": mapping()}, NA),
    ("rule -> Lambda without DLQ", {"Fn": FUNCTION, "Target": rule(FN_TARGET)}, N),
    (
        "rule -> Lambda with target DLQ",
        {"Fn": FUNCTION, "Target": rule({**FN_TARGET, "DeadLetterConfig": {"Arn": "arn:dlq"}})},
        C,
    ),
    (
        "rule -> Lambda with EventInvokeConfig on-failure",
        {
            "Fn": FUNCTION,
            "Cfg": {
                "Type": "AWS::Lambda::EventInvokeConfig",
                "Properties": {
                    "FunctionName": {"Ref": "Fn"},
                    "Qualifier": "$LATEST",
                    "DestinationConfig": {"OnFailure": {"Destination": "arn:q"}},
                },
            },
            "Target": rule(FN_TARGET),
        },
        C,
    ),
    (
        "rule -> Lambda with EventInvokeConfig on success only",
        {
            "Fn": FUNCTION,
            "Cfg": {
                "Type": "AWS::Lambda::EventInvokeConfig",
                "Properties": {
                    "FunctionName": {"Ref": "Fn"},
                    "DestinationConfig": {"OnSuccess": {"Destination": "arn:q"}},
                },
            },
            "Target": rule(FN_TARGET),
        },
        N,
    ),
    (
        "rule -> Lambda, EventInvokeConfig of another function",
        {
            "Fn": FUNCTION,
            "Other": FUNCTION,
            "Cfg": {
                "Type": "AWS::Lambda::EventInvokeConfig",
                "Properties": {
                    "FunctionName": {"Ref": "Other"},
                    "DestinationConfig": {"OnFailure": {"Destination": "arn:q"}},
                },
            },
            "Target": rule(FN_TARGET),
        },
        N,
    ),
    (
        "rule -> Lambda with function DLQ",
        {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"DeadLetterConfig": {"TargetArn": "arn:q"}},
            },
            "Target": rule(FN_TARGET),
        },
        C,
    ),
    (
        "rule -> SNS topic",
        {"Topic": {"Type": "AWS::SNS::Topic"}, "Target": rule({"Id": "T", "Arn": {"Ref": "Topic"}})},
        NA,
    ),
    (
        "rule -> imported ARN",
        {"Target": rule({"Id": "T", "Arn": "arn:aws:lambda:eu-west-1:1:function:f"})},
        NA,
    ),
    ("rule without targets", {"Target": {"Type": "AWS::Events::Rule", "Properties": {}}}, NA),
    (
        "rule: second Lambda target lacks a DLQ",
        {
            "Fn": FUNCTION,
            "Target": rule(
                {**FN_TARGET, "DeadLetterConfig": {"Arn": "arn:dlq"}},
                {"Id": "U", "Arn": {"Fn::GetAtt": ["Fn", "Arn"]}},
            ),
        },
        N,
    ),
]


# ---------------------------------------------------------------- CDP-SqsVisibilityCoversLambda
def consumer(visibility: Any = None, timeout: Any = None) -> dict[str, dict[str, Any]]:
    queue: dict[str, Any] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    function: dict[str, Any] = {"Type": "AWS::Lambda::Function", "Properties": {}}
    if visibility is not None:
        queue["Properties"]["VisibilityTimeout"] = visibility
    if timeout is not None:
        function["Properties"]["Timeout"] = timeout
    return {"Q": queue, "Fn": function, "Target": mapping(EventSourceArn={"Fn::GetAtt": ["Q", "Arn"]})}


VISIBILITY_CASES = [
    ("6x exactly", consumer(180, 30), C),
    ("more than 6x", consumer(900, 30), C),
    ("just under 6x", consumer(179, 30), N),
    ("queue default 30s, function 30s", consumer(None, 30), N),
    ("queue default 30s, function default 3s", consumer(None, None), C),
    ("queue 17s, function default 3s", consumer(17, None), N),
    ("queue 18s, function default 3s", consumer(18, None), C),
    ("strings", consumer("180", "30"), C),
    ("intrinsic visibility", consumer({"Ref": "V"}, 30), NA),
    ("intrinsic timeout", consumer(180, {"Ref": "T"}), NA),
    (
        "not a queue",
        {
            "S": {"Type": "AWS::Kinesis::Stream"},
            "Fn": FUNCTION,
            "Target": mapping(EventSourceArn={"Fn::GetAtt": ["S", "Arn"]}),
        },
        NA,
    ),
    (
        "imported function",
        {
            "Q": {"Type": "AWS::SQS::Queue"},
            "Target": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {"FunctionName": "arn:fn", "EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}},
            },
        },
        NA,
    ),
]


# ---------------------------------------------------------------- CDP-EcsCircuitBreakerRollback
def service(**properties: Any) -> dict[str, Any]:
    return {"Target": {"Type": "AWS::ECS::Service", "Properties": properties}}


def breaker(enable: Any, rollback: Any) -> dict[str, Any]:
    return {"DeploymentCircuitBreaker": {"Enable": enable, "Rollback": rollback}}


ECS_CASES = [
    ("breaker with rollback", service(DeploymentConfiguration=breaker(True, True)), C),
    (
        "explicit ECS controller",
        service(DeploymentController={"Type": "ECS"}, DeploymentConfiguration=breaker(True, True)),
        C,
    ),
    ("no rollback", service(DeploymentConfiguration=breaker(True, False)), N),
    ("breaker disabled", service(DeploymentConfiguration=breaker(False, True)), N),
    ("strings are not booleans", service(DeploymentConfiguration=breaker("true", "true")), N),
    ("no breaker", service(DeploymentConfiguration={"MaximumPercent": 200}), N),
    ("no configuration", service(), N),
    ("explicit ECS controller without breaker", service(DeploymentController={"Type": "ECS"}), N),
    ("CodeDeploy", service(DeploymentController={"Type": "CODE_DEPLOY"}), NA),
    ("external", service(DeploymentController={"Type": "EXTERNAL"}), NA),
]


# ---------------------------------------------------------------- CDP-BatchMinVcpusZero
def compute(**resources: Any) -> dict[str, Any]:
    return {
        "Target": {"Type": "AWS::Batch::ComputeEnvironment", "Properties": {"ComputeResources": resources}}
    }


BATCH_CASES = [
    ("EC2 min 0", compute(Type="EC2", MinvCpus=0, MaxvCpus=256), C),
    ("SPOT min 0", compute(Type="SPOT", MinvCpus=0), C),
    ("EC2 min '0'", compute(Type="EC2", MinvCpus="0"), C),
    ("EC2 min absent (0)", compute(Type="EC2", MaxvCpus=16), C),
    ("EC2 min 1", compute(Type="EC2", MinvCpus=1), N),
    ("SPOT min 8", compute(Type="SPOT", MinvCpus=8), N),
    ("EC2 min from a parameter", compute(Type="EC2", MinvCpus={"Ref": "Min"}), NA),
    ("Fargate", compute(Type="FARGATE", MaxvCpus=16), NA),
    ("Fargate Spot", compute(Type="FARGATE_SPOT", MaxvCpus=16), NA),
    (
        "unmanaged (no compute resources)",
        {"Target": {"Type": "AWS::Batch::ComputeEnvironment", "Properties": {"Type": "UNMANAGED"}}},
        NA,
    ),
]


# ---------------------------------------------------------------- CDP-StatefulResourceRetained
STATEFUL_TYPES = [
    "AWS::S3::Bucket",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::EFS::FileSystem",
    "AWS::FSx::FileSystem",
    "AWS::Cognito::UserPool",
    "AWS::ECR::Repository",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Logs::LogGroup",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::SQS::Queue",
    "AWS::Kinesis::Stream",
]


def stateful(kind: str, deletion: str | None, replace: str | None) -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": kind, "Properties": {}}
    if deletion is not None:
        resource["DeletionPolicy"] = deletion
    if replace is not None:
        resource["UpdateReplacePolicy"] = replace
    return {"Target": resource}


STATEFUL_CASES = [
    (f"{kind} {deletion}/{replace}", stateful(kind, deletion, replace), expected)
    for kind in STATEFUL_TYPES
    for deletion, replace, expected in (
        ("Retain", "Retain", C),
        ("Retain", "Delete", N),
        ("Delete", "Retain", N),
        ("Retain", None, N),
        (None, "Retain", N),
        (None, None, N),
    )
] + [
    ("snapshot both", stateful("AWS::RDS::DBCluster", "Snapshot", "Snapshot"), C),
    ("retain except on create", stateful("AWS::S3::Bucket", "RetainExceptOnCreate", "Retain"), C),
    ("retain, replace snapshot", stateful("AWS::RDS::DBInstance", "Retain", "Snapshot"), C),
    ("snapshot, replace delete", stateful("AWS::RDS::DBInstance", "Snapshot", "Delete"), N),
]


# ---------------------------------------------------------------- CDP-WafLoggingEnabled
def waf_log(arn: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::WAFv2::LoggingConfiguration",
        "Properties": {"ResourceArn": arn, "LogDestinationConfigs": ["arn:log"]},
    }


WAF_CASES = [
    (
        "logged (GetAtt)",
        {"Target": {"Type": "AWS::WAFv2::WebACL"}, "Log": waf_log({"Fn::GetAtt": ["Target", "Arn"]})},
        C,
    ),
    (
        "logged (GetAtt string form)",
        {"Target": {"Type": "AWS::WAFv2::WebACL"}, "Log": waf_log({"Fn::GetAtt": "Target.Arn"})},
        C,
    ),
    ("not logged", {"Target": {"Type": "AWS::WAFv2::WebACL"}}, N),
    (
        "logging of another ACL",
        {
            "Target": {"Type": "AWS::WAFv2::WebACL"},
            "Other": {"Type": "AWS::WAFv2::WebACL"},
            "Log": waf_log({"Fn::GetAtt": ["Other", "Arn"]}),
        },
        N,
    ),
    (
        "logging with an imported ARN",
        {"Target": {"Type": "AWS::WAFv2::WebACL"}, "Log": waf_log("arn:aws:wafv2:...")},
        N,
    ),
]

ALL_CASES = [
    *((no_ssh_ingress, *case) for case in SSH_CASES),
    *((no_key_pairs, *case) for case in KEY_CASES),
    *((no_private_address_in_public_zone, *case) for case in ZONE_CASES),
    *((edge_has_waf, *case) for case in EDGE_CASES),
    *((lambda_failure_destination, *case) for case in FAILURE_CASES),
    *((sqs_visibility_covers_lambda, *case) for case in VISIBILITY_CASES),
    *((ecs_circuit_breaker_rollback, *case) for case in ECS_CASES),
    *((batch_min_vcpus_zero, *case) for case in BATCH_CASES),
    *((stateful_resource_retained, *case) for case in STATEFUL_CASES),
    *((waf_logging_enabled, *case) for case in WAF_CASES),
]


@pytest.mark.parametrize(
    ("rule", "name", "resources", "expected"), ALL_CASES, ids=[f"{c[0].RULE_ID}: {c[1]}" for c in ALL_CASES]
)
def test_rule_case(rule: Any, name: str, resources: dict[str, dict[str, Any]], expected: Status) -> None:
    result = run(rule, resources)
    assert result.status is expected
    if expected is N:
        assert result.message  # a finding says what is wrong
    else:
        assert result.message == ""


def test_rule_ids_severities_and_types() -> None:
    table = {rule.RULE_ID: (rule.SEVERITY.value, tuple(rule.RESOURCE_TYPES)) for rule in ALL_RULES}
    assert table == {
        "CDP-NoSshIngress": ("error", ("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress")),
        "CDP-NoKeyPairs": (
            "error",
            ("AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration"),
        ),
        "CDP-NoPrivateAddressInPublicZone": (
            "error",
            ("AWS::Route53::RecordSet", "AWS::Route53::RecordSetGroup"),
        ),
        "CDP-EdgeHasWaf": (
            "warning",
            ("AWS::CloudFront::Distribution", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
        ),
        "CDP-LambdaFailureDestination": ("error", ("AWS::Lambda::EventSourceMapping", "AWS::Events::Rule")),
        "CDP-SqsVisibilityCoversLambda": ("error", ("AWS::Lambda::EventSourceMapping",)),
        "CDP-EcsCircuitBreakerRollback": ("error", ("AWS::ECS::Service",)),
        "CDP-BatchMinVcpusZero": ("warning", ("AWS::Batch::ComputeEnvironment",)),
        "CDP-StatefulResourceRetained": ("error", tuple(STATEFUL_TYPES)),
        "CDP-WafLoggingEnabled": ("error", ("AWS::WAFv2::WebACL",)),
    }
    for rule in ALL_RULES:
        assert rule.FIX.endswith(".") and len(rule.FIX) > 30, rule.RULE_ID


def test_every_rule_has_all_three_outcomes_or_says_why_not() -> None:
    always_applicable = {"CDP-NoKeyPairs", "CDP-StatefulResourceRetained", "CDP-WafLoggingEnabled"}
    for rule in ALL_RULES:
        outcomes = {expected for r, _, _, expected in ALL_CASES if r is rule}
        wanted = {C, N} if rule.RULE_ID in always_applicable else {C, N, NA}
        assert outcomes == wanted, rule.RULE_ID


# ------------------------------------------------ messages and locations: literal, per finding
def test_ssh_message_names_the_source_and_location() -> None:
    result = run(no_ssh_ingress, {"Target": sg(tcp(22, 22, CidrIp="0.0.0.0/0"))})
    assert result.message == "Security group admits SSH (port 22) from 0.0.0.0/0."
    assert result.locations == ("Properties.SecurityGroupIngress",)
    result = run(no_ssh_ingress, {"Target": sg(tcp(22, 22, CidrIpv6="::/0"))})
    assert result.message == "Security group admits SSH (port 22) from ::/0."
    result = run(no_ssh_ingress, {"Target": sg(tcp(22, 22))})
    assert result.message == "Security group admits SSH (port 22) from a peer."
    result = run(
        no_ssh_ingress, {"Target": ingress(IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="1.2.3.4/32")}
    )
    assert result.message == "Security group admits SSH (port 22) from 1.2.3.4/32."
    assert result.locations == ("Properties",)


def test_key_pair_locations() -> None:
    lt = run(no_key_pairs, KEY_CASES[2][1])
    assert lt.locations == ("Properties.LaunchTemplateData.KeyName",)
    assert "SSH key pair" in lt.message
    assert run(no_key_pairs, KEY_CASES[4][1]).locations == ("Properties.KeyName",)
    assert run(no_key_pairs, KEY_CASES[8][1]).locations == ("Properties.KeyName",)


def test_public_zone_message_names_record_type_and_address() -> None:
    result = run(
        no_private_address_in_public_zone,
        {"Zone": zone(), "Target": record("AAAA", "2001:db8::1", "::ffff:10.1.2.3")},
    )
    assert result.message.startswith(
        "AAAA record 'db.example.com.' in a public hosted zone points at private address(es) ::ffff:10.1.2.3:"
    )
    assert result.locations == ("Properties.ResourceRecords",)
    result = run(no_private_address_in_public_zone, ZONE_CASES[18][1])
    assert result.message.startswith("AAAA record 'a.' ")
    assert result.locations == ("Properties.RecordSets.1.ResourceRecords",)


def test_edge_locations() -> None:
    result = run(edge_has_waf, EDGE_CASES[1][1])
    assert result.message == "The distribution has no WAF web ACL."
    assert result.locations == ("Properties.DistributionConfig.WebACLId",)
    assert (
        run(edge_has_waf, EDGE_CASES[3][1]).message
        == "The internet-facing load balancer has no WAF web ACL associated."
    )


def test_failure_destination_messages() -> None:
    assert run(lambda_failure_destination, FAILURE_CASES[1][1]).message.startswith(
        "The SQS event source has no dead-letter queue"
    )
    stream = run(lambda_failure_destination, FAILURE_CASES[5][1])
    assert stream.message == "The stream event source mapping has no on-failure destination."
    assert stream.locations == ("Properties.DestinationConfig",)
    second = run(lambda_failure_destination, FAILURE_CASES[-1][1])
    assert second.message.startswith("Target 'U' invokes a Lambda asynchronously")
    assert second.locations == ("Properties.Targets.1",)


def test_visibility_message_gives_the_numbers() -> None:
    result = run(sqs_visibility_covers_lambda, consumer(179, 30))
    assert result.message == (
        "Queue visibility timeout 179s is under 6 x the function timeout 30s (needs at least 180s)."
    )


def test_ecs_and_batch_messages() -> None:
    ecs = run(ecs_circuit_breaker_rollback, ECS_CASES[2][1])
    assert ecs.message == "The service has no deployment circuit breaker with rollback."
    assert ecs.locations == ("Properties.DeploymentConfiguration.DeploymentCircuitBreaker",)
    batch = run(batch_min_vcpus_zero, compute(Type="EC2", MinvCpus=8))
    assert batch.message == "Minimum vCPUs is 8: instances run and bill while no job does."
    assert batch.locations == ("Properties.ComputeResources.MinvCpus",)


@pytest.mark.parametrize(
    ("deletion", "replace", "locations"),
    [
        ("Delete", "Retain", ("DeletionPolicy",)),
        ("Retain", "Delete", ("UpdateReplacePolicy",)),
        (None, None, ("DeletionPolicy", "UpdateReplacePolicy")),
    ],
)
def test_stateful_finding_points_at_the_policy_that_loses_data(
    deletion: str | None, replace: str | None, locations: tuple[str, ...]
) -> None:
    result = run(stateful_resource_retained, stateful("AWS::S3::Bucket", deletion, replace))
    assert result.locations == locations
    assert result.message == (
        "AWS::S3::Bucket loses its data with the stack or on replacement "
        f"(DeletionPolicy={deletion or 'Delete'}, UpdateReplacePolicy={replace or 'Delete'})."
    )


def test_waf_logging_message() -> None:
    assert run(waf_logging_enabled, WAF_CASES[2][1]).message == "The web ACL has no logging configuration."


# ------------------------------------------------ the template model the rules stand on
def test_refs_follow_ref_getatt_and_nesting() -> None:
    assert refs({"Ref": "A"}) == {"A"}
    assert refs({"Fn::GetAtt": ["B", "Arn"]}) == {"B"}
    assert refs({"Fn::GetAtt": "C.Arn"}) == {"C"}
    assert refs({"Fn::Join": ["", [{"Ref": "D"}, ":", {"Fn::GetAtt": ["E", "Arn"]}]]}) == {"D", "E"}
    assert refs({"Fn::Sub": ["${X}", {"X": {"Ref": "F"}}]}) == {"F"}
    assert refs({"Ref": {"Not": "a string"}}) == set()
    assert refs("plain") == set()
    assert refs(None) == set()


def test_number_reads_literals_only() -> None:
    assert number(5) == 5.0
    assert number("30") == 30.0
    assert number(None) is None
    assert number(None, 3) == 3
    assert number({"Ref": "P"}) is None
    assert number({"Ref": "P"}, 3) is None
    assert number("abc") is None


def test_template_of_type_and_resource() -> None:
    template = Template({"Resources": {"A": {"Type": "X"}, "B": {"Type": "Y"}, "C": {"Type": "X"}}})
    assert [i for i, _ in template.of_type("X")] == ["A", "C"]
    assert [i for i, _ in template.of_type("X", "Y")] == ["A", "B", "C"]
    assert template.resource("B") == {"Type": "Y"}
    assert template.resource("Z") is None
    assert Template({}).resources == {}


def test_more_cases_that_pin_the_details() -> None:
    # "all" spelled out, among the members of one group: cluster-internal
    assert (
        run(
            no_ssh_ingress, {"Target": sg({"IpProtocol": "all", "SourceSecurityGroupId": {"Ref": "Target"}})}
        ).status
        is C
    )
    # a source group named by id
    found = run(no_ssh_ingress, {"Target": sg(tcp(22, 22, SourceSecurityGroupId="sg-0123"))})
    assert found.message == "Security group admits SSH (port 22) from sg-0123."
    # a value that is not an address does not hide the private one after it
    record_set = {"Zone": zone(), "Target": record("A", "not-an-ip", "10.0.0.1")}
    assert run(no_private_address_in_public_zone, record_set).status is N
    # a finding without a more precise location points at the properties
    assert run(waf_logging_enabled, {"Target": {"Type": "AWS::WAFv2::WebACL"}}).locations == ("Properties",)
    assert run(no_key_pairs, KEY_CASES[4][1]).message == (
        "An SSH key pair is attached: someone will log in and change the server by hand."
    )
