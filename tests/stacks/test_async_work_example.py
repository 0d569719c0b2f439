"""The async work example shows the Beanstalk worker next to the SQS, Step Functions and fleet engines."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match, Template


@pytest.fixture(scope="module")
def template(example_template) -> Template:  # type: ignore[no-untyped-def]
    return example_template("CdpAsyncWork")


def test_beanstalk_worker_next_to_the_other_engines(template: Template) -> None:
    template.resource_count_is("AWS::ElasticBeanstalk::Environment", 1)
    template.resource_count_is("AWS::StepFunctions::StateMachine", 1)
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    template.resource_count_is("AWS::ECS::Service", 1)


def test_beanstalk_worker_runs_a_t4g_nano_in_the_shared_network(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ElasticBeanstalk::Environment",
        {
            "Tier": {"Name": "Worker", "Type": "SQS/HTTP"},
            "SolutionStackName": Match.string_like_regexp(
                r"^64bit Amazon Linux 2023 v4\.\d+\.\d+ running Python 3\.\d+$"
            ),
            "OptionSettings": Match.array_with(
                [
                    {"Namespace": "aws:ec2:instances", "OptionName": "InstanceTypes", "Value": "t4g.nano"},
                    {
                        "Namespace": "aws:ec2:vpc",
                        "OptionName": "VPCId",
                        "Value": {"Fn::GetStackOutput": Match.object_like({"StackName": "CdpNetwork"})},
                    },
                ]
            ),
        },
    )


def test_beanstalk_work_has_its_own_event(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Events::Rule",
        {"EventPattern": {"source": ["cdp.async-work"], "detail-type": ["Work Requested (Beanstalk)"]}},
    )


def test_beanstalk_worker_shares_the_check_function(template: Template) -> None:
    checks = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": "example_check.handler"}}
    )
    assert len(checks) == 1
    (check,) = checks
    template.has_resource_properties(
        "AWS::ElasticBeanstalk::Environment",
        {
            "OptionSettings": Match.array_with(
                [
                    {
                        "Namespace": "aws:elasticbeanstalk:application:environment",
                        "OptionName": "CHECK_FUNCTION",
                        "Value": {"Fn::GetAtt": [check, "Arn"]},
                    }
                ]
            )
        },
    )
