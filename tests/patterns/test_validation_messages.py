"""patterns._core.validation without any construct: every check's boundary and its exact message."""

from __future__ import annotations

import pytest

from patterns._core import Problems, is_domain_name, is_token


def messages(problems: Problems) -> list[str]:
    if not problems:
        return []
    with pytest.raises(ValueError) as error:
        problems.raise_if_any()
    head, *items = str(error.value).split("\n  - ")
    assert head == f"{problems.owner}: invalid arguments:"
    return items


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("example.com", True),
        ("example.com.", True),
        ("a.b", True),
        ("x-1.example.org", True),
        ("EXAMPLE.COM", True),
        (("a" * 63) + ".com", True),
        (("a" * 64) + ".com", False),
        ("localhost", False),
        ("localhost.", False),
        ("", False),
        (".", False),
        ("a..b", False),
        ("-a.com", False),
        ("a-.com", False),
        ("a_b.com", False),
        (".".join(["abcdefghi"] * 25) + ".com", True),  # 253 characters
        (".".join(["abcdefghi"] * 25) + ".comm", False),  # 254
        (".".join(["abcdefghi"] * 25) + ".com.", True),  # 253 plus the root dot
    ],
)
def test_domain_names(name: str, valid: bool) -> None:
    assert is_domain_name(name) is valid


def test_253_character_boundary_is_what_the_cases_say() -> None:
    assert len(".".join(["abcdefghi"] * 25) + ".com") == 253


@pytest.mark.parametrize(
    ("value", "token"),
    [
        (None, False),
        (True, False),
        ("plain", False),
        (3, False),
        (1e300, True),
        (-1.888e289, True),
        (float("inf"), False),  # infinity is a bad number, not a token
        (float("-inf"), False),
        (float("nan"), False),
        ("${Token[X.1]}", True),
        ("#{Token[Y.2]}", True),
        (["a", "${Token[Z.3]}"], True),
        (("a", "b"), False),
        ([], False),
    ],
)
def test_is_token(value: object, token: bool) -> None:
    assert is_token(value) is token


def test_at_least_and_between() -> None:
    problems = Problems("T")
    problems.at_least("a", 0, 1)
    problems.at_least("b", 1, 1)
    problems.at_least("c", None, 1)
    problems.between("d", 9, 10, 20)
    problems.between("e", 10, 10, 20)
    problems.between("f", 20, 10, 20)
    problems.between("g", 21, 10, 20)
    problems.between("h", None, 10, 20)
    assert messages(problems) == [
        "a=0: must be at least 1",
        "d=9: must be between 10 and 20",
        "g=21: must be between 10 and 20",
    ]


def test_require_returns_the_condition() -> None:
    problems = Problems("T")
    assert problems.require(True, "a", 1, "never") is True
    assert problems.require(False, "b", 2, "is wrong") is False
    assert messages(problems) == ["b=2: is wrong"]


def test_one_of() -> None:
    problems = Problems("T")
    problems.one_of("mode", "x", ("a", "b"))
    problems.one_of("mode", "a", ("a", "b"))
    problems.one_of("mode", None, ("a", "b"))
    problems.one_of("mode", "${Token[T.1]}", ("a", "b"))
    assert messages(problems) == ["mode='x': must be one of 'a', 'b'"]


def test_cidr_and_cidrs() -> None:
    problems = Problems("T")
    assert str(problems.cidr("a", "10.0.0.0/16")) == "10.0.0.0/16"
    assert problems.cidr("b", "10.0.0.1/16") is None
    assert problems.cidr("c", "2001:db8::/32") is None
    assert str(problems.cidr("d", "2001:db8::/32", version=6)) == "2001:db8::/32"
    assert str(problems.cidr("e", "2001:db8::/32", version=None)) == "2001:db8::/32"
    assert problems.cidr("f", None) is None
    assert [str(n) for n in problems.cidrs("g", ["10.0.0.0/8", "bad", "192.168.0.0/16"])] == [
        "10.0.0.0/8",
        "192.168.0.0/16",
    ]
    assert messages(problems) == [
        "b='10.0.0.1/16': not a valid CIDR block (10.0.0.1/16 has host bits set)",
        "c='2001:db8::/32': must be an IPv4 CIDR block",
        "g[1]='bad': not a valid CIDR block ('bad' does not appear to be an IPv4 or IPv6 network)",
    ]


def test_ip_versions() -> None:
    problems = Problems("T")
    assert str(problems.ip("a", "10.0.0.1")) == "10.0.0.1"
    assert str(problems.ip("b", "10.0.0.1", version=4)) == "10.0.0.1"
    assert problems.ip("c", "10.0.0.1", version=6) is None
    assert str(problems.ip("d", "2001:db8::1", version=6)) == "2001:db8::1"
    assert problems.ip("e", "2001:db8::1", version=4) is None
    assert problems.ip("f", "nope") is None
    assert problems.ip("g", None) is None
    assert messages(problems) == [
        "c='10.0.0.1': must be an IPv6 address",
        "e='2001:db8::1': must be an IPv4 address",
        "f='nope': not a valid IP address",
    ]


def test_public_ip() -> None:
    problems = Problems("T")
    problems.public_ip("a", "8.8.8.8")
    problems.public_ip("b", "10.1.2.3")
    problems.public_ip("c", "224.0.0.1")
    problems.public_ip("d", "::")
    problems.public_ip("e", "2001:db8::1", version=4)
    problems.public_ip("f", "not-an-ip")
    problems.public_ip("g", None)
    problems.public_ip("h", "2600:1f18::1")
    assert messages(problems) == [
        "b='10.1.2.3': is a private address (in 10.0.0.0/8); a public address is required",
        "c='224.0.0.1': must be a unicast address",
        "d='::': must be a unicast address",
        "e='2001:db8::1': must be an IPv4 address",
        "f='not-an-ip': not a valid IP address",
    ]


def test_domain_and_conflict() -> None:
    problems = Problems("T")
    problems.domain("a", "example.com")
    problems.domain("b", "nope")
    problems.domain("c", None)
    problems.domain("d", "${Token[D.1]}")
    problems.conflict("x", "1", "y", None)
    problems.conflict("x", None, "y", 2)
    problems.conflict("x", "1", "y", 2)
    assert messages(problems) == [
        "b='nope': not a valid domain name (letters, digits and hyphens in dot-separated labels)",
        "x='1': cannot be combined with y=2; pass one of them",
    ]


def test_empty_problems_are_falsy_and_raise_nothing() -> None:
    problems = Problems("T")
    assert not problems
    problems.raise_if_any()
    problems.add("a", 1, "bad")
    assert problems
    assert messages(problems) == ["a=1: bad"]


def test_a_two_label_name_with_the_root_dot() -> None:
    assert is_domain_name("a.b.") is True  # the root dot only is dropped, not the last label's letter


def test_the_token_magnitude_is_a_strict_bound() -> None:
    assert is_token(1e288) is False
    assert is_token(-1e288) is False
    assert is_token(1.0000001e288) is True


def test_show_keeps_300_characters_and_names_a_number_token() -> None:
    from patterns._core.validation import show

    assert show("a" * 298) == "'" + "a" * 298 + "'"  # 300 characters: kept whole
    shortened = show("a" * 299)  # 301 characters
    assert shortened == "'" + "a" * 296 + "..."
    assert len(shortened) == 300
    assert show(-1.8881545897087626e289) == "<deploy-time number>"
    assert show(float("inf")) == "inf"
    assert show([1, "x"]) == "[1, 'x']"


def test_require_literal_refuses_a_token_with_the_reason() -> None:
    problems = Problems("Fleet")
    assert problems.require_literal("max_capacity", 4, "the scaling steps are computed from it") is True
    assert problems.require_literal("max_capacity", None, "the scaling steps are computed from it") is True
    assert (
        problems.require_literal(
            "max_capacity", -1.8881545897087626e289, "the scaling steps are computed from it"
        )
        is False
    )
    assert problems.require_literal("names", "${Token[X.1]}", "each name is checked") is False
    with pytest.raises(ValueError) as raised:
        problems.raise_if_any()
    assert str(raised.value) == (
        "Fleet: invalid arguments:\n"
        "  - max_capacity=<deploy-time number>: must be a literal value: the scaling steps are computed from "
        "it, so a deploy-time value (a CfnParameter, a token) cannot set it\n"
        "  - names='${Token[X.1]}': must be a literal value: each name is checked, so a deploy-time value (a "
        "CfnParameter, a token) cannot set it"
    )


def test_between_skips_a_number_token() -> None:
    problems = Problems("Fleet")
    problems.between("max_capacity", -1.8881545897087626e289, 1, 5)
    problems.between("min_capacity", 0, 1, 5)
    with pytest.raises(ValueError) as raised:
        problems.raise_if_any()
    assert str(raised.value) == "Fleet: invalid arguments:\n  - min_capacity=0: must be between 1 and 5"


def test_while_collecting_the_problems_are_handed_over_not_raised_as_an_error() -> None:
    from patterns._core.validation import COLLECTING, CollectedProblems

    problems = Problems("Fleet")
    problems.add("min_capacity", 0, "must be at least 1")
    token = COLLECTING.set(True)
    try:
        with pytest.raises(CollectedProblems) as raised:
            problems.raise_if_any()
    finally:
        COLLECTING.reset(token)
    assert raised.value.items == ["min_capacity=0: must be at least 1"]
    quiet = COLLECTING.set(True)
    try:
        with pytest.raises(CollectedProblems) as empty:
            Problems("Fleet").raise_if_any()
    finally:
        COLLECTING.reset(quiet)
    assert empty.value.items == []
