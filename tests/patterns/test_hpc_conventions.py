"""HPC: the grants, metrics and connections that aws-cdk-lib users reach for."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Template

from patterns.hpc import SlurmCluster, SlurmQueue, TrainingCluster, TrainingPipeline, TrainingStorage
from tests.conftest import new_stack, template_of
from tests.patterns.conventions import (
    actions_on,
    all_actions,
    arn,
    ingress_rules_to,
    metric_shape,
    new_role,
    opens,
    ref,
    statements_of,
)

S3_READ = ["s3:GetBucket*", "s3:GetObject*", "s3:List*"]
S3_READ_WRITE = [
    "s3:Abort*",
    "s3:DeleteObject*",
    "s3:GetBucket*",
    "s3:GetObject*",
    "s3:List*",
    "s3:PutObject",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:PutObjectTagging",
    "s3:PutObjectVersionTagging",
]
GPU_IMAGE = ecs.ContainerImage.from_registry("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
CPU_IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.12-slim")

Built = tuple[dict[str, Any], Stack, Template, dict[str, Any]]


@pytest.fixture(scope="module")
def built() -> Built:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    storage = TrainingStorage(stack, "Storage", vpc=vpc)
    cluster = TrainingCluster(
        stack, "Cluster", vpc=vpc, training_image=GPU_IMAGE, preprocess_image=CPU_IMAGE, storage=storage
    )
    pipeline = TrainingPipeline(stack, "Pipeline", cluster=cluster)
    slurm = SlurmCluster(stack, "Slurm", vpc=vpc, cluster_name="training", queues=[SlurmQueue(name="gpu")])
    names = (
        "DataReader",
        "DataWriter",
        "ModelReader",
        "ModelWriter",
        "Submitter",
        "PipelineModelReader",
        "ParameterReader",
        "Starter",
    )
    roles = {name: new_role(stack, name) for name in names}
    storage.grant_read_data_sets(roles["DataReader"])
    storage.grant_read_write_data_sets(roles["DataWriter"])
    storage.grant_read_models(roles["ModelReader"])
    storage.grant_read_write_models(roles["ModelWriter"])
    cluster.grant_submit_job(roles["Submitter"])
    pipeline.grant_read_models(roles["PipelineModelReader"])
    pipeline.grant_read_model_parameter(roles["ParameterReader"])
    pipeline.grant_start_execution(roles["Starter"])
    database = ec2.SecurityGroup(stack, "Database", vpc=vpc)
    for port, construct in ((5432, cluster), (5433, slurm), (5434, storage)):
        database.connections.allow_from(construct, ec2.Port.tcp(port))  # each one is an IConnectable
        construct.connections.allow_from(ec2.Peer.ipv4("10.9.0.0/16"), ec2.Port.tcp(port + 1000))
    parts = {"storage": storage, "cluster": cluster, "pipeline": pipeline, "slurm": slurm}
    return parts, stack, template_of(stack), {**roles, "database": database}


def test_bucket_grants(built: Built) -> None:
    parts, stack, template, roles = built
    storage = parts["storage"]
    for name, bucket, actions in (
        ("DataReader", storage.data_set_bucket, S3_READ),
        ("DataWriter", storage.data_set_bucket, S3_READ_WRITE),
        ("ModelReader", storage.model_bucket, S3_READ),
        ("ModelWriter", storage.model_bucket, S3_READ_WRITE),
        ("PipelineModelReader", storage.model_bucket, S3_READ),
    ):
        statements = statements_of(template, stack, roles[name])
        objects = {"Fn::Join": ["", [arn(stack, bucket), "/*"]]}
        assert actions_on(statements, objects) == actions, name
        assert all_actions(statements) == actions, name


def test_pipeline_grants(built: Built) -> None:
    parts, stack, template, roles = built
    pipeline = parts["pipeline"]
    parameter = statements_of(template, stack, roles["ParameterReader"])
    assert all_actions(parameter) == [
        "ssm:DescribeParameters",
        "ssm:GetParameter",
        "ssm:GetParameterHistory",
        "ssm:GetParameters",
    ]
    start = statements_of(template, stack, roles["Starter"])
    assert actions_on(start, ref(stack, pipeline.state_machine)) == ["states:StartExecution"]
    assert all_actions(start) == ["states:StartExecution"]


def test_cluster_grant_submit_job(built: Built) -> None:
    parts, stack, template, roles = built
    cluster = parts["cluster"]
    statements = statements_of(template, stack, roles["Submitter"])
    assert all_actions(statements) == ["batch:SubmitJob"]
    resources = {
        str(resource)
        for statement in statements
        for resource in (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
    }
    for queue in (cluster.job_queue, cluster.preprocess_queue):
        assert str(stack.resolve(queue.job_queue_arn)) in resources
    for definition in (cluster.gpu_job_definition, cluster.preprocess_job_definition):
        assert str(stack.resolve(definition.job_definition_arn)) in resources


@pytest.mark.parametrize(("name", "port"), [("cluster", 5432), ("slurm", 5433), ("storage", 5434)])
def test_connections(built: Built, name: str, port: int) -> None:
    parts, stack, template, roles = built
    own = parts[name].security_group
    from_database = [
        rule
        for rule in ingress_rules_to(template, stack, roles["database"])
        if rule.get("SourceSecurityGroupId") == stack.resolve(own.security_group_id)
    ]
    assert [(rule["FromPort"], rule["ToPort"]) for rule in from_database] == [(port, port)], name
    assert opens(ingress_rules_to(template, stack, own), port + 1000, cidr="10.9.0.0/16"), name


def test_storage_default_port_is_lustre(built: Built) -> None:
    parts, _stack, _template, _roles = built
    assert parts["storage"].connections.default_port.to_string() == "988-1023"


def test_metrics(built: Built) -> None:
    parts, stack, template, _roles = built
    storage, pipeline = parts["storage"], parts["pipeline"]
    assert metric_shape(stack, storage.metric_free_data_storage_capacity()) == {
        "namespace": "AWS/FSx",
        "metric_name": "FreeDataStorageCapacity",
        "dimensions": {"FileSystemId": ref(stack, storage.file_system)},
        "statistic": "Minimum",
        "period": 300,
    }
    for method, name in (("metric_failed", "ExecutionsFailed"), ("metric_succeeded", "ExecutionsSucceeded")):
        assert metric_shape(stack, getattr(pipeline, method)()) == {
            "namespace": "AWS/States",
            "metric_name": name,
            "dimensions": {"StateMachineArn": ref(stack, pipeline.state_machine)},
            "statistic": "Sum",
            "period": 300,
        }, method
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/FSx",
            "MetricName": "FreeDataStorageCapacity",
            "Statistic": "Minimum",
            "Period": 300,
        },
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"Namespace": "AWS/States", "MetricName": "ExecutionsFailed", "Statistic": "Sum", "Period": 300},
    )
