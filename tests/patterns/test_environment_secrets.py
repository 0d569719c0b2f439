"""Every construct with environment variables refuses a literal secret there (issue 13)."""

from __future__ import annotations

import pytest
from aws_cdk import Duration
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

from patterns.async_work import BeanstalkWorker, QueueWorkerFleet
from tests.conftest import new_stack, template_of

MESSAGE = "environment['DB_PASSWORD']='***': looks like a secret (name contains PASSWORD) given as plain text"


@pytest.fixture(scope="module")
def parts():
    stack = new_stack()
    return stack, ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)


def test_queue_worker_fleet_refuses_a_literal_secret_without_printing_it(parts) -> None:
    stack, vpc = parts
    with pytest.raises(ValueError) as raised:
        QueueWorkerFleet(stack, "Fleet", vpc=vpc, environment={"DB_PASSWORD": "hunter2", "STAGE": "prod"})
    assert MESSAGE in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_queue_worker_fleet_takes_secrets_from_secrets_manager() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    secret = secretsmanager.Secret(stack, "Db")
    QueueWorkerFleet(
        stack,
        "Fleet",
        vpc=vpc,
        environment={"STAGE": "prod"},
        secrets={"DB_PASSWORD": ecs.Secret.from_secrets_manager(secret)},
    )
    (definition,) = template_of(stack).find_resources("AWS::ECS::TaskDefinition").values()
    (container,) = definition["Properties"]["ContainerDefinitions"]
    assert [s["Name"] for s in container["Secrets"]] == ["DB_PASSWORD"]
    assert {"Name": "STAGE", "Value": "prod"} in container["Environment"]
    assert "DB_PASSWORD" not in [e["Name"] for e in container["Environment"]]


def test_name_in_both_is_refused(parts) -> None:
    stack, vpc = parts
    secret = secretsmanager.Secret(stack, "Other")
    with pytest.raises(ValueError, match="environment='API_URL': is also given in secrets; pass it once"):
        QueueWorkerFleet(
            stack,
            "Both",
            vpc=vpc,
            environment={"API_URL": "https://api.example.com"},
            secrets={"API_URL": ecs.Secret.from_secrets_manager(secret)},
        )


def test_beanstalk_worker_refuses_a_literal_secret(parts) -> None:
    stack, vpc = parts
    with pytest.raises(ValueError) as raised:
        BeanstalkWorker(
            stack,
            "Worker",
            vpc=vpc,
            queue=sqs.Queue(stack, "Queue"),
            environment={"DB_PASSWORD": "hunter2"},
            inactivity_timeout=Duration.seconds(60),
            visibility_timeout=Duration.seconds(120),
            max_retries=5,
            error_visibility_timeout=Duration.seconds(30),
        )
    assert MESSAGE in str(raised.value)
    assert "hunter2" not in str(raised.value)
