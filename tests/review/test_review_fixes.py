"""Defects of the review report fixed together: what the template says is what the report states (Batch
MinvCpus on Fargate, FSx for Windows storage type, the service of a VPC endpoint), booleans written as strings
(CloudFormation accepts "true"/"false"), and the Transfer Family wording."""

from __future__ import annotations

from typing import Any

import pytest

from patterns.review import exposure as x
from patterns.review.cfn import endpoint_service, is_false
from patterns.review.cost import estimate
from patterns.review.stateful import stateful_resources
from tests.review.templates import res, stack_of

X = "\N{MULTIPLICATION SIGN}"
H = 730


# --- Batch compute environments: the basis states the template's MinvCpus -------------------------------------


@pytest.mark.parametrize(
    ("resources", "basis"),
    [
        pytest.param(
            {"Type": "FARGATE", "MinvCpus": 4},
            "FARGATE compute environment (MinvCpus 4 does not apply to Fargate): tasks only while jobs run",
            id="fargate-minvcpus-4",
        ),
        pytest.param(
            {"Type": "FARGATE_SPOT", "MaxvCpus": 16},
            "FARGATE_SPOT compute environment: tasks only while jobs run",
            id="fargate-spot-no-minimum",
        ),
        pytest.param(
            {"Type": "FARGATE", "MinvCpus": {"Ref": "MinV"}},
            "FARGATE compute environment (MinvCpus {MinV} does not apply to Fargate): tasks only while jobs run",
            id="fargate-minimum-resolved-at-deploy-time-is-not-an-error",
        ),
        pytest.param(
            {"Type": "EC2", "MaxvCpus": 16},
            "MinvCpus not set (0 by default): instances only while jobs run",
            id="ec2-no-minimum",
        ),
        pytest.param(
            {"Type": "EC2", "MinvCpus": "0"},
            "MinvCpus 0: instances only while jobs run",
            id="ec2-minimum-0-as-a-string",
        ),
    ],
)
def test_batch_idle_basis_says_what_the_template_says(resources, basis):
    env = res("AWS::Batch::ComputeEnvironment", Type="MANAGED", ComputeResources=resources)
    report = estimate(stack_of({"Env": env}))
    assert report.idle_free == {"AWS::Batch::ComputeEnvironment": (1, basis)}
    assert report.lines == [] and report.not_costed == []


def test_batch_on_ec2_with_a_minimum_is_still_priced():
    env = res(
        "AWS::Batch::ComputeEnvironment",
        Type="MANAGED",
        ComputeResources={"Type": "EC2", "MinvCpus": 4, "InstanceTypes": ["m5.large"]},
    )
    (line,) = estimate(stack_of({"Env": env})).lines
    assert line.basis == f"MinvCpus 4 {X} $0.0480/vCPU-h (m5.large per vCPU) {X} 730 h"
    assert line.monthly == pytest.approx(4 * 0.048 * H, abs=0.0051)


# --- FSx for Windows: SSD when StorageType is absent -----------------------------------------------------------


def _windows(**props: Any) -> dict[str, Any]:
    return res("AWS::FSx::FileSystem", FileSystemType="WINDOWS", StorageCapacity=100, **props)


def test_windows_without_storage_type_is_priced_as_ssd_and_says_so():
    fs = _windows(WindowsConfiguration={"DeploymentType": "MULTI_AZ_1", "ThroughputCapacity": 32})
    (line,) = estimate(stack_of({"Fs": fs})).lines
    assert line.basis == (
        f"Windows MULTI_AZ_1 SSD (StorageType not set: SSD by default): 100 GiB {X} $0.230 + 32 MBps {X} $4.50 per month"
    )
    assert line.monthly == pytest.approx(100 * 0.230 + 32 * 4.50, abs=0.0051)


def test_windows_with_explicit_ssd_keeps_the_short_basis():
    fs = _windows(
        StorageType="SSD", WindowsConfiguration={"DeploymentType": "SINGLE_AZ_2", "ThroughputCapacity": 32}
    )
    (line,) = estimate(stack_of({"Fs": fs})).lines
    assert line.basis == f"Windows SINGLE_AZ_2: 100 GiB {X} $0.130 + 32 MBps {X} $2.20 per month"


@pytest.mark.parametrize(
    ("props", "why"),
    [
        pytest.param(
            {"WindowsConfiguration": {"DeploymentType": "SINGLE_AZ_9", "ThroughputCapacity": 8}},
            "FSx for Windows SINGLE_AZ_9 SSD (StorageType not set: SSD by default) not in the price table",
            id="unknown-deployment-no-storage-type-never-says-None",
        ),
        pytest.param(
            {"StorageType": {"Ref": "Kind"}, "WindowsConfiguration": {"ThroughputCapacity": 8}},
            "FSx for Windows SINGLE_AZ_1 {Kind} not in the price table",
            id="storage-type-resolved-at-deploy-time",
        ),
    ],
)
def test_windows_not_costed_names_the_storage_type(props, why):
    report = estimate(stack_of({"Fs": _windows(**props)}))
    assert report.not_costed == [("Fs", "AWS::FSx::FileSystem", why)]


# --- VPC endpoints: labelled by the service after the region --------------------------------------------------


@pytest.mark.parametrize(
    ("service_name", "label"),
    [
        ("com.amazonaws.us-east-1.ecr.api", "ecr.api"),
        ("com.amazonaws.eu-west-3.ecr.dkr", "ecr.dkr"),
        ("com.amazonaws.us-gov-west-1.ssm", "ssm"),
        ({"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".execute-api"]]}, "execute-api"),
        ({"Fn::Sub": "com.amazonaws.${AWS::Region}.ecr.api"}, "ecr.api"),
        (
            {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "Region"}, ".s3-global.accesspoint"]]},
            "s3-global.accesspoint",
        ),
        ("com.amazonaws.vpce.ap-southeast-2.vpce-svc-0123456789abcdef0", "vpce-svc-0123456789abcdef0"),
        ("aws.sagemaker.us-east-1.notebook", "notebook"),
        ("my-service", "my-service"),
        ("", ""),
    ],
)
def test_endpoint_service_is_what_follows_the_region(service_name, label):
    assert endpoint_service(service_name) == label


@pytest.mark.parametrize(
    ("service_name", "basis"),
    [
        ("com.amazonaws.us-east-1.ecr.api", f"Interface endpoint ecr.api: 2 AZ {X} $0.01/h {X} 730 h"),
        ("com.amazonaws.us-east-1.ecr.dkr", f"Interface endpoint ecr.dkr: 2 AZ {X} $0.01/h {X} 730 h"),
        (
            {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".execute-api"]]},
            f"Interface endpoint execute-api: 2 AZ {X} $0.01/h {X} 730 h",
        ),
    ],
)
def test_interface_endpoint_cost_basis_names_the_whole_service(service_name, basis):
    endpoint = res(
        "AWS::EC2::VPCEndpoint", VpcEndpointType="Interface", ServiceName=service_name, SubnetIds=["a", "b"]
    )
    (line,) = estimate(stack_of({"E": endpoint})).lines
    assert line.basis == basis


# --- booleans written as strings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (False, True),
        ("false", True),
        ("False", True),
        (True, False),
        ("true", False),
        (None, False),
        (0, False),
    ],
)
def test_is_false_reads_an_explicit_false_only(value, expected):
    assert is_false(value) is expected


def test_global_accelerator_disabled_by_a_string_is_not_exposed():
    resources = {
        "Off": res("AWS::GlobalAccelerator::Accelerator", Enabled="false"),
        "OffCapital": res("AWS::GlobalAccelerator::Accelerator", Enabled="False"),
        "OffBool": res("AWS::GlobalAccelerator::Accelerator", Enabled=False),
        "On": res("AWS::GlobalAccelerator::Accelerator", Enabled="true"),
        "Default": res("AWS::GlobalAccelerator::Accelerator"),
    }
    assert [e.logical_id for e in x.accelerators(stack_of(resources))] == ["On", "Default"]


@pytest.mark.parametrize(
    ("value", "encryption"),
    [("false", "none"), ("FALSE", "none"), (False, "none"), ("true", "SSE-SQS (default)")],
)
def test_queue_with_sse_sqs_turned_off_by_a_string_is_unencrypted(value, encryption):
    (row,) = stateful_resources(stack_of({"Q": res("AWS::SQS::Queue", SqsManagedSseEnabled=value)}))
    assert (row.encryption, row.notes) == (encryption, "message retention 4 days")


# --- Transfer Family wording ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "detail"),
    [
        pytest.param(
            {
                "EndpointType": "VPC",
                "EndpointDetails": {"AddressAllocationIds": ["eipalloc-1"]},
                "Protocols": ["SFTP"],
            },
            "SFTP on a VPC endpoint with Elastic IPs",
            id="vpc-with-elastic-ips",
        ),
        pytest.param({"Protocols": ["FTPS"]}, "FTPS on a public endpoint", id="public"),
    ],
)
def test_transfer_detail_reads_as_one_phrase(props, detail):
    (found,) = x.transfer_servers(stack_of({"T": res("AWS::Transfer::Server", **props)}))
    assert found.detail == detail


# --- the same bug class elsewhere: defaults read from the template, numbers written as strings -----------------


@pytest.mark.parametrize(
    ("resource", "encryption", "notes"),
    [
        pytest.param(
            res("AWS::FSx::FileSystem", FileSystemType="LUSTRE", StorageCapacity=1200),
            "AWS managed key (always encrypted)",
            "LUSTRE SCRATCH_1 by default (scratch: no replication)",
            id="lustre-without-deployment-type-is-scratch-1",
        ),
        pytest.param(
            res(
                "AWS::FSx::FileSystem",
                FileSystemType="LUSTRE",
                KmsKeyId={"Ref": "Key"},
                LustreConfiguration={},
            ),
            "KMS key {Key}",
            "LUSTRE SCRATCH_1 by default (scratch: no replication)",
            id="lustre-empty-configuration-with-a-key",
        ),
        pytest.param(
            res("AWS::FSx::FileSystem", FileSystemType="WINDOWS"),
            "AWS managed key (always encrypted)",
            "WINDOWS",
            id="windows-has-no-deployment-note",
        ),
        pytest.param(
            res("AWS::RDS::DBInstance", DBClusterIdentifier={"Ref": "Cluster"}, Engine="aurora-postgresql"),
            "set by its DB cluster {Cluster}",
            "",
            id="aurora-instance-is-encrypted-by-its-cluster",
        ),
        pytest.param(
            res("AWS::RDS::DBInstance", DBClusterIdentifier="c", StorageEncrypted=False),
            "none",
            "",
            id="cluster-member-that-says-unencrypted",
        ),
        pytest.param(
            res("AWS::RDS::DBInstance", StorageEncrypted="true", BackupRetentionPeriod="0"),
            "KMS (aws/rds)",
            "",
            id="backups-off-written-as-a-string",
        ),
        pytest.param(
            res("AWS::RDS::DBInstance", StorageEncrypted="true", BackupRetentionPeriod="14"),
            "KMS (aws/rds)",
            "backups 14 days",
            id="backups-written-as-a-string",
        ),
    ],
)
def test_stateful_rows_read_what_the_template_leaves_to_a_default(resource, encryption, notes):
    (row,) = stateful_resources(stack_of({"R": resource}))
    assert (row.encryption, row.notes) == (encryption, notes)


WORLD4 = {"CidrIp": "0.0.0.0/0"}


@pytest.mark.parametrize(
    ("rule", "detail", "severity"),
    [
        pytest.param(
            {"IpProtocol": "tcp", "FromPort": "443", "ToPort": "443", **WORLD4},
            "tcp 443 from 0.0.0.0/0",
            "medium",
            id="web-port-as-a-string-is-a-web-port",
        ),
        pytest.param(
            {"IpProtocol": "6", "FromPort": "80", "ToPort": 80, **WORLD4},
            "tcp 80 from 0.0.0.0/0",
            "medium",
            id="mixed-string-and-number",
        ),
        pytest.param(
            {"IpProtocol": "tcp", "FromPort": "0", "ToPort": "65535", **WORLD4},
            "tcp all ports from 0.0.0.0/0",
            "high",
            id="all-ports-as-strings",
        ),
        pytest.param(
            {"IpProtocol": "udp", "FromPort": "-1", "ToPort": "-1", **WORLD4},
            "udp all ports from 0.0.0.0/0",
            "high",
            id="minus-one-as-strings",
        ),
        pytest.param(
            {"IpProtocol": "tcp", "FromPort": "22", "ToPort": "22", **WORLD4},
            "tcp 22 from 0.0.0.0/0",
            "high",
            id="ssh-as-a-string",
        ),
        pytest.param(
            {"IpProtocol": "tcp", "FromPort": {"Ref": "P"}, "ToPort": {"Ref": "P"}, **WORLD4},
            "tcp {P} from 0.0.0.0/0",
            "high",
            id="port-resolved-at-deploy-time-does-not-crash",
        ),
    ],
)
def test_world_ingress_reads_ports_written_as_strings(rule, detail, severity):
    group = res("AWS::EC2::SecurityGroup", SecurityGroupIngress=[rule])
    (found,) = x.world_ingress(stack_of({"Sg": group}))
    assert (found.detail, found.severity) == (detail, severity)


def test_launch_configuration_with_public_addresses_is_exposed_as_its_cost_counts_it():
    resources = {
        "Public": res("AWS::AutoScaling::LaunchConfiguration", AssociatePublicIpAddress="true"),
        "PublicBool": res("AWS::AutoScaling::LaunchConfiguration", AssociatePublicIpAddress=True),
        "Private": res("AWS::AutoScaling::LaunchConfiguration", AssociatePublicIpAddress="false"),
        "Unset": res("AWS::AutoScaling::LaunchConfiguration", InstanceType="t3.micro"),
    }
    found = [
        (e.kind, e.logical_id, e.detail, e.auth, e.severity) for e in x.public_addresses(stack_of(resources))
    ]
    detail = "launch configuration sets AssociatePublicIpAddress: true"
    assert found == [
        ("Instances with a public IPv4 address", "Public", detail, "none", "high"),
        ("Instances with a public IPv4 address", "PublicBool", detail, "none", "high"),
    ]
