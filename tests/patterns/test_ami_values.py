"""AmiBackupPolicy refuses a description DLM would reject."""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from patterns.ami import AmiBackupPolicy


@pytest.mark.parametrize("description", ["AMIs: web tier", "Täglich", "", "a/b"])
def test_a_description_outside_dlms_characters_is_refused(description: str) -> None:
    with pytest.raises(ValueError) as raised:
        AmiBackupPolicy(
            Stack(App(), "Ami"), "Backup", target_tags={"Backup": "daily"}, description=description
        )
    assert str(raised.value) == (
        "AmiBackupPolicy: invalid arguments:\n"
        f"  - description={description!r}: DLM accepts only letters, digits, spaces, hyphens and "
        "underscores (at least one)"
    )


def test_a_description_of_dlms_characters_is_used() -> None:
    stack = Stack(App(), "Ami")
    AmiBackupPolicy(stack, "Backup", target_tags={"Backup": "daily"}, description="Web tier AMIs_daily-7")
    Template.from_stack(stack).has_resource_properties(
        "AWS::DLM::LifecyclePolicy", {"Description": "Web tier AMIs_daily-7"}
    )
