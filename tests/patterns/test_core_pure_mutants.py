"""``_core.environment``, ``_core.composite`` and ``_core.compat`` without any CDK object (so that mutation testing can
run them in forked processes): every message in full, every boundary of the name pattern and of the
secret words, and the renaming of arguments."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import pytest

from patterns._core import Problems
from patterns._core.compat import renamed_arguments
from patterns._core.composite import RenamedProblems
from patterns._core.environment import check_environment

TOKEN = "${Token[TOKEN.123]}"


def items(problems: Problems) -> list[str]:
    with pytest.raises(ValueError, match=r"^Owner: invalid arguments:\n  - ") as error:
        problems.raise_if_any()
    return str(error.value).split("\n  - ")[1:]


def secret_message(name: str, word: str) -> str:
    return (
        f"environment[{name!r}]='***': looks like a secret (name contains {word}) given as plain text, which "
        "would be readable in the task definition; pass it with secrets={...: "
        "ecs.Secret.from_secrets_manager(...) or ecs.Secret.from_ssm_parameter(...)}"
    )


class TestCheckEnvironment:
    @pytest.mark.parametrize("name", ["A", "_", "a_1", "LOG_LEVEL", "x" * 200, "Z9_"])
    def test_valid_names_and_plain_values_pass(self, name: str) -> None:
        problems = Problems("Owner")
        check_environment(problems, {name: "value"}, {})
        assert not problems

    @pytest.mark.parametrize("name", ["1A", "", "A-B", "A B", "A.B", "é", "A\n", "-"])
    def test_invalid_names(self, name: str) -> None:
        problems = Problems("Owner")
        check_environment(problems, {name: "v"}, {})
        assert items(problems) == [
            f"environment={name!r}: variable names are letters, digits and underscores, not starting with a digit"
        ]

    @pytest.mark.parametrize(
        ("name", "word"),
        [
            ("DB_PASSWORD", "PASSWORD"),
            ("client_secret", "SECRET"),
            ("GithubToken", "TOKEN"),
            ("API_KEY", "KEY"),
            ("SECRET_TOKEN", "SECRET"),  # the first word found, in the list's order
            ("KEYTOKEN", "TOKEN"),
            ("MONKEY", "KEY"),
        ],
    )
    def test_secret_looking_names_with_text_are_refused_without_the_value(self, name: str, word: str) -> None:
        problems = Problems("Owner")
        check_environment(problems, {name: "hunter2"}, {})
        assert items(problems) == [secret_message(name, word)]

    def test_secret_looking_names_with_a_token_value_pass(self) -> None:
        problems = Problems("Owner")
        check_environment(problems, {"DB_PASSWORD": TOKEN}, {})
        assert not problems

    def test_name_in_both_is_refused(self) -> None:
        problems = Problems("Owner")
        check_environment(problems, {"REGION": "eu-west-1", "MODE": "x"}, {"REGION": object()})
        assert items(problems) == ["environment='REGION': is also given in secrets; pass it once"]

    def test_every_problem_of_every_variable(self) -> None:
        problems = Problems("Owner")
        check_environment(problems, {"9_KEY": "x", "OK": "y", "TOKEN": TOKEN}, {"TOKEN": 1, "OK": 2})
        assert items(problems) == [
            "environment='9_KEY': variable names are letters, digits and underscores, not starting with a digit",
            secret_message("9_KEY", "KEY"),
            "environment='OK': is also given in secrets; pass it once",
            "environment='TOKEN': is also given in secrets; pass it once",
        ]


class TestRenamedProblems:
    def test_leading_names_are_renamed_and_the_rest_kept(self) -> None:
        problems = Problems("Owner")
        inner = RenamedProblems(problems, {"domain_prefix": "auth_domain_prefix", "providers": "idps"})
        inner.add("domain_prefix", "AWS", "bad")
        inner.add("providers[0].client_id", "", "empty")
        inner.add("other", 1, "own")
        inner.add("[0]", 2, "no name")
        assert items(problems) == [
            "auth_domain_prefix='AWS': bad",
            "idps[0].client_id='': empty",
            "other=1: own",
            "[0]=2: no name",
        ]

    def test_unmapped_names_are_marked_as_wiring(self) -> None:
        problems = Problems("Owner")
        inner = RenamedProblems(problems, {"a": "b"}, wired="(wiring) ")
        inner.add("c.d", 1, "x")
        inner.add("a", 2, "y")
        inner.add("_x9[1]", 3, "z")
        assert items(problems) == ["(wiring) c.d=1: x", "b=2: y", "(wiring) _x9[1]=3: z"]

    def test_name_pattern(self) -> None:
        problems = Problems("Owner")
        inner = RenamedProblems(problems, {"A_1": "one", "9": "nine"})
        inner.add("A_1-x", 1, "r")
        inner.add("9", 2, "r")
        assert items(problems) == ["one-x=1: r", "9=2: r"]

    def test_truth_and_raising_follow_the_parent(self) -> None:
        problems = Problems("Owner")
        inner = RenamedProblems(problems, {})
        assert not inner and inner.owner == "Owner"
        inner.raise_if_any()  # nothing recorded: no error
        problems.add("x", 1, "bad")
        assert inner
        with pytest.raises(ValueError, match=r"^Owner: invalid arguments:\n  - x=1: bad$"):
            inner.raise_if_any()

    def test_names_are_copied(self) -> None:
        names: dict[str, Any] = {"a": "b"}
        problems = Problems("Owner")
        inner = RenamedProblems(problems, names)
        names["a"] = "changed"
        inner.add("a", 1, "r")
        assert items(problems) == ["b=1: r"]


class _Meta(type):
    """Adds one frame between the caller and ``__init__``, as jsii's metaclass ``__call__`` does."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(*args, **kwargs)


class Thing(metaclass=_Meta):
    @renamed_arguments("2.0", old_name="new_name", size="capacity")
    def __init__(self, *args: Any, new_name: str = "default", capacity: int = 1) -> None:
        self.args, self.new_name, self.capacity = args, new_name, capacity


class TestRenamedArguments:
    def test_new_names_work_without_a_warning(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            thing = Thing(1, new_name="n", capacity=2)
        assert (thing.args, thing.new_name, thing.capacity) == ((1,), "n", 2)

    def test_old_names_work_with_a_warning_at_the_callers_line(self) -> None:
        with pytest.warns(DeprecationWarning) as caught:
            thing = Thing(old_name="n", size=3)
        assert (thing.new_name, thing.capacity) == ("n", 3)
        assert [str(w.message) for w in caught] == [
            "Thing(old_name=...) is deprecated: use new_name= (old_name is removed in 2.0)",
            "Thing(size=...) is deprecated: use capacity= (size is removed in 2.0)",
        ]
        assert {w.filename for w in caught} == {__file__}

    def test_both_names_is_a_type_error(self) -> None:
        with pytest.raises(TypeError) as error:
            Thing(old_name="a", new_name="b")
        assert str(error.value) == "Thing: pass new_name= only (old_name= is its old name)"

    def test_signature_is_the_new_one(self) -> None:
        assert Thing.__init__.__name__ == "__init__"
        assert list(inspect.signature(Thing.__init__).parameters) == ["self", "args", "new_name", "capacity"]
