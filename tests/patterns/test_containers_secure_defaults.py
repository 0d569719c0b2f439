"""Secure defaults of ContainerRegistry (issue 13, checkov): images encrypted with SSE-KMS."""

from __future__ import annotations

from aws_cdk import aws_kms as kms

from patterns.containers import ContainerRegistry
from tests.conftest import new_stack, template_of


def test_default_is_sse_kms_with_the_aws_managed_key() -> None:
    stack = new_stack()
    ContainerRegistry(stack, "Registry")
    [repository] = template_of(stack).find_resources("AWS::ECR::Repository").values()
    assert repository["Properties"]["EncryptionConfiguration"] == {"EncryptionType": "KMS"}


def test_customer_key_when_given() -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    ContainerRegistry(stack, "Registry", encryption_key=key)
    template = template_of(stack)
    [key_id] = template.find_resources("AWS::KMS::Key")
    [repository] = template.find_resources("AWS::ECR::Repository").values()
    assert repository["Properties"]["EncryptionConfiguration"] == {
        "EncryptionType": "KMS",
        "KmsKey": {"Fn::GetAtt": [key_id, "Arn"]},
    }
