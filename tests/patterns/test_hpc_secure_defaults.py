"""TrainingPipeline's API: execution logging as an opt-in (issue 13); it needs the account-level API
Gateway CloudWatch role, so it is off by default."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from patterns.hpc import TrainingCluster, TrainingPipeline
from tests.conftest import new_stack, template_of

GPU_IMAGE = ecs.ContainerImage.from_registry("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
CPU_IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.12-slim")


@pytest.fixture(scope="module")
def logged() -> Template:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    cluster = TrainingCluster(
        stack, "Cluster", vpc=vpc, training_image=GPU_IMAGE, preprocess_image=CPU_IMAGE, spot=True
    )
    models = s3.Bucket(stack, "Models")
    TrainingPipeline(stack, "Pipeline", cluster=cluster, model_bucket=models, execution_logging=True)
    return template_of(stack)


def test_opt_in_logs_info_without_data_tracing(logged: Template) -> None:
    logged.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "v1",
            "MethodSettings": [
                {"DataTraceEnabled": False, "HttpMethod": "*", "LoggingLevel": "INFO", "ResourcePath": "/*"}
            ],
        },
    )


def test_opt_in_owns_no_account_role(logged: Template) -> None:
    logged.resource_count_is("AWS::ApiGateway::Account", 0)
    logged.resource_count_is("AWS::ApiGateway::RestApi", 1)
