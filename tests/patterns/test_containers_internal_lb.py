"""An internal load balancer is reachable only from inside the VPC, whatever its listeners (issue 13:
with a certificate, the HTTP-to-HTTPS redirect listener used to be opened to 0.0.0.0/0)."""

from __future__ import annotations

import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Template

from patterns.containers import ContainerCluster, ContainerService
from tests.conftest import new_stack, template_of

CERTIFICATE = "arn:aws:acm:us-east-1:111122223333:certificate/0123abcd-0123-4567-89ab-0123456789ab"


def build(internet_facing: bool) -> Template:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    cluster = ContainerCluster(stack, "Cluster", vpc=vpc)
    ContainerService(
        stack,
        "Api",
        cluster=cluster.cluster,
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
        internet_facing=internet_facing,
        certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE),
    )
    return template_of(stack)


def load_balancer_ingress(template: Template) -> list[dict]:
    groups = template.find_resources("AWS::EC2::SecurityGroup")
    (balancer_group,) = [
        props["Properties"]
        for props in groups.values()
        if "LoadBalancer" in props["Properties"]["GroupDescription"]
    ]
    return balancer_group.get("SecurityGroupIngress", [])


@pytest.fixture(scope="module")
def internal() -> Template:
    return build(internet_facing=False)


def test_internal_with_certificate_opens_nothing_to_the_internet(internal: Template) -> None:
    ingress = load_balancer_ingress(internal)
    assert {rule["FromPort"] for rule in ingress} == {80, 443}
    assert all("CidrIp" not in rule or rule["CidrIp"] != "0.0.0.0/0" for rule in ingress)
    assert all("CidrIpv6" not in rule for rule in ingress)
    # Both listener ports only from the VPC's own range.
    assert all(rule["CidrIp"] == {"Fn::GetAtt": [rule_vpc(internal), "CidrBlock"]} for rule in ingress)


def rule_vpc(template: Template) -> str:
    (vpc_id,) = template.find_resources("AWS::EC2::VPC")
    return vpc_id


def test_internet_facing_with_certificate_opens_443_and_the_redirect() -> None:
    ingress = load_balancer_ingress(build(internet_facing=True))
    assert {(rule["FromPort"], rule["CidrIp"]) for rule in ingress if "CidrIp" in rule} == {
        (443, "0.0.0.0/0"),
        (80, "0.0.0.0/0"),
    }
