"""Alarms that every pattern ships, sent to an SNS topic the caller may give."""

from __future__ import annotations

import weakref

from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from .keys import SERVICE_KEY_ACTIONS

_ACTIONS: weakref.WeakKeyDictionary[sns.ITopic, cw_actions.SnsAction] = weakref.WeakKeyDictionary()
"""One alarm action per topic, shared by every alarm that notifies it (an action holds no state)."""


def alarm(
    scope: Construct,
    id: str,
    *,
    metric: cw.IMetric,
    threshold: float,
    description: str,
    topic: sns.ITopic | None = None,
    comparison: cw.ComparisonOperator = cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluation_periods: int = 1,
    datapoints_to_alarm: int | None = None,
    treat_missing_data: cw.TreatMissingData = cw.TreatMissingData.NOT_BREACHING,
    alarm_name: str | None = None,
) -> cw.Alarm:
    """A CloudWatch alarm on ``metric``; with ``topic``, it notifies on ALARM and on OK.

    ``alarm_name`` defaults to a name CloudFormation generates; give one when another resource must
    refer to the alarm by a literal name (ECS deployment alarms).
    """
    created = cw.Alarm(
        scope,
        id,
        metric=metric,
        threshold=threshold,
        comparison_operator=comparison,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm,
        treat_missing_data=treat_missing_data,
        alarm_description=description,
        alarm_name=alarm_name,
    )
    if topic is not None:
        action = _ACTIONS.get(topic)
        if action is None:
            action = _ACTIONS[topic] = cw_actions.SnsAction(topic)
        created.add_alarm_action(action)
        created.add_ok_action(action)
    return created


def alarm_topic(scope: Construct, id: str, *, encryption_key: kms.IKey | None = None) -> sns.Topic:
    """The SNS topic alarms notify: TLS-only; with ``encryption_key`` (a customer-managed key), encrypted
    with it, and CloudWatch allowed to use the key (``kms:Decrypt``, ``kms:GenerateDataKey*``).

    Without a key the topic is not encrypted at rest: CloudWatch cannot publish to a topic encrypted with
    the AWS managed key ``alias/aws/sns``, whose policy cannot be changed. Pass a key made with
    ``service_key`` (or your own, granting ``cloudwatch.amazonaws.com``) to encrypt it.
    """
    topic = sns.Topic(scope, id, enforce_ssl=True, master_key=encryption_key)
    if encryption_key is not None:
        encryption_key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), *SERVICE_KEY_ACTIONS)
    return topic
