"""The boundary type checks of every public construct (patterns._core.arguments)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pytest
from aws_cdk import App, CfnParameter, Duration, RemovalPolicy, SecretValue, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns
from constructs import Construct

from patterns._core import Problems
from patterns._core.arguments import DeployTimeList, checked_arguments, implements
from patterns._core.validation import InvalidArgumentsError


@dataclass(frozen=True)
class Peer:
    address: str
    port: int = 443


class Sample(Construct):
    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        names: Sequence[str] = ("a",),
        count: int = 1,
        ratio: float = 0.5,
        enabled: bool = True,
        timeout: Duration = Duration.seconds(30),
        policy: RemovalPolicy = RemovalPolicy.RETAIN,
        topic: sns.ITopic | None = None,
        tags: Mapping[str, str] | None = None,
        engine: Literal["sqs", "stepfunctions"] = "sqs",
        peers: Sequence[Peer] = (),
        secret: SecretValue | None = None,
    ) -> None:
        super().__init__(scope, id)
        problems = Problems("Sample")
        problems.at_least("count", count, 1)
        problems.raise_if_any()
        self.count = count


@pytest.fixture(scope="module")
def stack() -> Stack:
    return Stack(App(), "Test")


@pytest.fixture(scope="module")
def vpc(stack: Stack) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(stack, "Imported", vpc_id="vpc-1", availability_zones=["a"])


def refused(stack: Stack, **kwargs: object) -> str:
    with pytest.raises(InvalidArgumentsError) as raised:
        Sample(stack, "S", **kwargs)  # type: ignore[arg-type]
    return str(raised.value)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"names": "abc"},
            "names='abc': must be a sequence of str (a list or tuple), not a single string; wrap it: ['abc']",
        ),
        ({"names": ["a", 3]}, "names[1]=3: must be a str, not int"),
        ({"count": "3"}, "count='3': must be a number (int), not the string '3'"),
        ({"count": True}, "count=True: must be a number (int), not a bool"),
        ({"count": 2.5}, "count=2.5: must be a whole number (int)"),
        ({"ratio": "0.5"}, "ratio='0.5': must be a number (float), not the string '0.5'"),
        # Not a finite number: JSON has no infinity or NaN (the jsii bridge would crash on them).
        ({"count": float("inf")}, "count=inf: must be a finite number (int), not inf"),
        ({"ratio": float("-inf")}, "ratio=-inf: must be a finite number (float), not -inf"),
        ({"ratio": float("nan")}, "ratio=nan: must be a finite number (float), not nan"),
        ({"enabled": "false"}, "enabled='false': must be True or False, not str"),
        ({"timeout": 30}, "timeout=30: must be an aws_cdk.Duration (Duration.seconds(30)), not int"),
        ({"policy": "RETAIN"}, "policy='RETAIN': must be aws_cdk.RemovalPolicy (RemovalPolicy.DESTROY"),
        (
            {"topic": "arn:aws:sns:us-east-1:111122223333:t"},
            "topic='arn:aws:sns:us-east-1:111122223333:t': must be an object implementing aws_sns.ITopic, not str",
        ),
        ({"tags": {"a": 1}}, "tags['a']=1: must be a str, not int"),
        ({"tags": ["a"]}, "tags=['a']: must be a mapping of str to str (a dict), not list"),
        ({"engine": "lambda"}, "engine='lambda': must be one of 'sqs', 'stepfunctions'"),
        ({"peers": [Peer(address=1)]}, "peers[0].address=1: must be a str, not int"),  # type: ignore[arg-type]
        ({"secret": "hunter2"}, "secret='str': must be an aws_cdk.SecretValue"),  # the secret is not printed
    ],
)
def test_wrong_type_names_argument_and_value(
    stack: Stack, vpc: ec2.IVpc, kwargs: dict, expected: str
) -> None:
    message = refused(stack, vpc=vpc, **kwargs)
    assert message.startswith("Sample: invalid arguments:\n  - ")
    assert expected in message


def test_required_none_and_wrong_interface(stack: Stack) -> None:
    assert "vpc=None: is required: must be aws_ec2.IVpc, not None" in refused(stack, vpc=None)
    assert "vpc='vpc-123': must be an object implementing aws_ec2.IVpc, not str" in refused(
        stack, vpc="vpc-123"
    )


def test_every_problem_at_once_types_and_values(stack: Stack, vpc: ec2.IVpc) -> None:
    message = refused(stack, vpc=vpc, names="x", timeout=5, count=0)
    assert message.count("\n  - ") == 3
    assert "count=0: must be at least 1" in message  # the body's value check ran too


def test_error_is_both_value_and_type_error(stack: Stack, vpc: ec2.IVpc) -> None:
    with pytest.raises(ValueError):
        Sample(stack, "S", vpc=vpc, count="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Sample(stack, "S", vpc=vpc, count="1")  # type: ignore[arg-type]


def test_refused_construct_leaves_no_child(stack: Stack, vpc: ec2.IVpc) -> None:
    for bad in ({"count": 0}, {"count": "x"}):
        with pytest.raises(InvalidArgumentsError):
            Sample(stack, "Again", vpc=vpc, **bad)  # type: ignore[arg-type]
        assert stack.node.try_find_child("Again") is None
    assert Sample(stack, "Again", vpc=vpc).count == 1  # the id is free for a corrected call


def test_unknown_keyword_and_bad_id(stack: Stack, vpc: ec2.IVpc) -> None:
    with pytest.raises(InvalidArgumentsError, match="Sample: got an unexpected keyword argument 'cuont'"):
        Sample(stack, "S", vpc=vpc, cuont=1)  # type: ignore[call-arg]
    with pytest.raises(InvalidArgumentsError, match="id=3: must be a non-empty str"):
        Sample(stack, 3, vpc=vpc)  # type: ignore[arg-type]


def test_tokens_and_valid_values_pass(stack: Stack, vpc: ec2.IVpc) -> None:
    count = CfnParameter(stack, "Count", type="Number").value_as_number
    topic = sns.Topic.from_topic_arn(stack, "Topic", "arn:aws:sns:us-east-1:111122223333:t")
    made = Sample(
        stack,
        "Valid",
        vpc=vpc,
        names=("a", Token.as_string(CfnParameter(stack, "Name").value_as_string)),
        count=count,  # a number token: the literal checks are skipped
        ratio=1,  # an int is a float
        timeout=Duration.minutes(1),
        topic=topic,
        peers=[Peer(address="198.51.100.1")],
        secret=SecretValue.unsafe_plain_text("x"),
    )
    assert Token.is_unresolved(made.count)


def test_implements_recognises_new_imported_and_proxied_objects(stack: Stack, vpc: ec2.IVpc) -> None:
    assert implements(vpc, ec2.IVpc)
    assert implements(ec2.Vpc(stack, "New"), ec2.IVpc)
    assert implements(sns.Topic(stack, "T"), sns.ITopic)
    assert not implements(sns.Topic(stack, "T2"), ec2.IVpc)
    assert not implements("vpc-1", ec2.IVpc)


def test_deploy_time_duration_is_refused_clearly(stack: Stack, vpc: ec2.IVpc) -> None:
    seconds = CfnParameter(stack, "Seconds", type="Number").value_as_number
    message = refused(stack, vpc=vpc, timeout=Duration.seconds(seconds))
    assert (
        "timeout=Duration(<deploy-time value>): must be a literal Duration (Duration.minutes(5)): it is "
        "checked and converted at synthesis, so a deploy-time value (a CfnParameter, a token) cannot set it"
    ) in message


def test_every_public_annotation_resolves() -> None:
    # An annotation that cannot be resolved at run time (a TYPE_CHECKING-only import) is left
    # unchecked: ContainerService(migration="") once reached its body and failed with AttributeError.
    import dataclasses
    import typing

    import patterns

    unresolved = []
    for name in patterns.__all__:
        target = getattr(patterns, name)
        if not isinstance(target, type):
            continue
        for owner in (target.__init__, target) if dataclasses.is_dataclass(target) else (target.__init__,):
            try:
                typing.get_type_hints(owner)
            except NameError as error:
                unresolved.append(f"{name}: {error}")
    assert unresolved == []


class Lists(Construct):
    @checked_arguments
    def __init__(
        self, scope: Construct, id: str, *, each: Sequence[str] = (), whole: DeployTimeList = ()
    ) -> None:
        super().__init__(scope, id)
        self.each, self.whole = list(each), list(whole)


def test_a_list_token_only_where_the_list_is_passed_on_whole(stack: Stack) -> None:
    values = Token.as_list(CfnParameter(stack, "Names", type="CommaDelimitedList").value_as_list)
    assert Lists(stack, "Whole", whole=values).whole == values
    assert Lists(stack, "Literal", each=["a", "b"], whole=["c"]).each == ["a", "b"]
    with pytest.raises(InvalidArgumentsError) as raised:
        Lists(stack, "Each", each=values)
    assert str(raised.value) == (
        "Lists: invalid arguments:\n"
        f"  - each={values!r}: must be a literal list: the construct checks or builds something for each item "
        "at synthesis, so a deploy-time list (a CommaDelimitedList parameter, Token.as_list) cannot set it"
    )
    # The annotation still checks what a literal list holds.
    with pytest.raises(InvalidArgumentsError, match=r"whole\[0\]=3: must be a str, not int"):
        Lists(stack, "Bad", whole=[3])  # type: ignore[list-item]
