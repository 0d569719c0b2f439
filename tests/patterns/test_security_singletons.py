"""Account-and-region singletons of ComplianceBaseline, and unique physical names for the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk.assertions import Template

from patterns.security import ComplianceBaseline
from stacks import feature_flags
from tests.support import cfn_lint

NO_SINGLETONS = {"create_recorder": False, "session_manager_preferences": False}


def _app() -> App:
    return App(context=feature_flags())


class TestSingletonsTwiceInOneEnvironment:
    def test_two_recorders_in_one_stack_name_both_paths(self) -> None:
        stack = Stack(_app(), "Security", env=Environment(region="eu-west-1"))
        ComplianceBaseline(stack, "First", session_manager_preferences=False)
        with pytest.raises(ValueError) as raised:
            ComplianceBaseline(stack, "Second", session_manager_preferences=False)
        assert str(raised.value) == (
            "ComplianceBaseline Security/Second: the AWS Config recorder and delivery channel can exist once per "
            "account and region, and Security/First already creates it (account (deploy-time account), "
            "region eu-west-1); pass create_recorder=False to one of them"
        )

    def test_two_preferences_documents_in_two_stacks_of_one_environment(self) -> None:
        app = _app()
        env = Environment(account="123456789012", region="eu-west-1")
        ComplianceBaseline(Stack(app, "A", env=env), "Baseline", create_recorder=False)
        with pytest.raises(
            ValueError,
            match=r"^ComplianceBaseline B/Baseline: the Session Manager preferences document "
            r"\(SSM-SessionManagerRunShell\) can exist once per account and region, and A/Baseline already "
            r"creates it \(account 123456789012, region eu-west-1\); pass session_manager_preferences=False",
        ):
            ComplianceBaseline(Stack(app, "B", env=env), "Baseline", create_recorder=False)

    def test_an_env_agnostic_stack_may_land_anywhere(self) -> None:
        app = _app()
        ComplianceBaseline(Stack(app, "Agnostic"), "Baseline")
        with pytest.raises(ValueError, match="Agnostic/Baseline already creates it"):
            ComplianceBaseline(Stack(app, "Tokyo", env=Environment(region="ap-northeast-1")), "Baseline")

    def test_other_regions_and_accounts_are_other_environments(self) -> None:
        app = _app()
        for name, env in {
            "Ireland": Environment(account="111111111111", region="eu-west-1"),
            "Tokyo": Environment(account="111111111111", region="ap-northeast-1"),
            "OtherAccount": Environment(account="222222222222", region="eu-west-1"),
        }.items():
            baseline = ComplianceBaseline(Stack(app, name, env=env), "Baseline")
            assert baseline.recorder is not None
            assert baseline.session_preferences is not None

    def test_separate_apps_do_not_see_each_other(self) -> None:
        env = Environment(region="eu-west-1")
        for stack in (Stack(_app(), "One", env=env), Stack(_app(), "One", env=env)):
            ComplianceBaseline(stack, "Baseline")
            template = Template.from_stack(stack)
            template.resource_count_is("AWS::Config::ConfigurationRecorder", 1)
            template.resource_count_is("AWS::SSM::Document", 1)

    def test_the_switches_turn_the_singletons_off(self) -> None:
        stack = Stack(_app(), "Security", env=Environment(region="eu-west-1"))
        ComplianceBaseline(stack, "Owner")
        ComplianceBaseline(stack, "Guest", **NO_SINGLETONS)
        template = Template.from_stack(stack)
        template.resource_count_is("AWS::Config::ConfigurationRecorder", 1)
        template.resource_count_is("AWS::Config::DeliveryChannel", 1)
        template.resource_count_is("AWS::SSM::Document", 1)


@pytest.fixture(scope="module")
def side_by_side() -> dict[str, Any]:
    """Two baselines without singletons in one stack: must deploy side by side."""
    stack = Stack(_app(), "Security", env=Environment(account="123456789012", region="eu-west-1"))
    ComplianceBaseline(stack, "One", **NO_SINGLETONS, auto_remediate_ssh=True)
    ComplianceBaseline(stack, "Two", **NO_SINGLETONS, auto_remediate_ssh=True)
    return Template.from_stack(stack).to_json()


NAME_PROPERTIES = {
    "AWS::Config::ConfigRule": "ConfigRuleName",
    "AWS::SSM::Association": "AssociationName",
    "AWS::SSM::Document": "Name",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::IAM::Role": "RoleName",
    "AWS::Events::Rule": "Name",
}


class TestTwoInstancesSideBySide:
    def test_every_literal_physical_name_is_unique(self, side_by_side) -> None:
        names: dict[tuple[str, str], list[str]] = {}
        for logical_id, resource in side_by_side["Resources"].items():
            prop = NAME_PROPERTIES.get(resource["Type"])
            value = resource.get("Properties", {}).get(prop) if prop else None
            if value is not None:
                names.setdefault((resource["Type"], json.dumps(value)), []).append(logical_id)
        duplicates = {key: ids for key, ids in names.items() if len(ids) > 1}
        assert duplicates == {}

    def test_inventory_associations_are_named_after_their_paths(self, side_by_side) -> None:
        associations = [
            r["Properties"]["AssociationName"]
            for r in side_by_side["Resources"].values()
            if r["Type"] == "AWS::SSM::Association"
        ]
        assert len(associations) == 2
        assert associations[0] != associations[1]
        assert all(name.startswith("Security-") and name.endswith("-inventory") for name in associations)

    def test_config_rules_get_generated_names(self, side_by_side) -> None:
        rules = [r for r in side_by_side["Resources"].values() if r["Type"] == "AWS::Config::ConfigRule"]
        assert len(rules) == 14  # 6 managed + 1 custom, twice
        assert all("ConfigRuleName" not in r["Properties"] for r in rules)

    def test_cfn_lint(self, side_by_side) -> None:
        assert cfn_lint(side_by_side, "eu-west-1") == []
