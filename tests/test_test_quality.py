"""The tests themselves: every test asserts something, and no expected value is read back from the library.

A test that only builds a construct passes whatever the construct does; a test whose expected value is
the module's own constant passes when the constant is wrong (the SQL-injection rule group dropped from
the defaults, a retention halved). Both are found here by reading the test sources (``ast``), and each
check is first shown to catch a planted example.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PATTERNS = TESTS.parent / "patterns"

ASSERTING_CALL = re.compile(
    r"^(assert\w*|has_\w+|resource_count_is|resource_properties_count_is|all_resources\w*|template_matches"
    r"|raises|warns|fail|expect\w*|check\w*)$"
)
"""Calls that assert: pytest's raises/warns/fail, aws_cdk.assertions' Template methods, Stubber's
``assert_no_pending_responses``, and helpers named ``assert_*`` / ``check_*`` / ``expect_*``."""
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*[A-Z0-9]$")


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _called(node: ast.AST) -> Iterator[str]:
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                yield call.func.id
            elif isinstance(call.func, ast.Attribute):
                yield call.func.attr


def _asserts_itself(node: ast.AST) -> bool:
    return any(isinstance(inner, ast.Assert | ast.Raise) for inner in ast.walk(node)) or any(
        ASSERTING_CALL.match(name) for name in _called(node)
    )


def non_asserting_tests(sources: Mapping[str, str]) -> list[str]:
    """``path:line name`` of each test function that asserts nothing, itself or through a helper
    function (defined anywhere in ``sources``) that asserts."""
    trees = {path: ast.parse(source) for path, source in sources.items()}
    definitions: dict[str, list[ast.AST]] = {}
    for tree in trees.values():
        for function in _functions(tree):
            definitions.setdefault(function.name, []).append(function)
    asserting = {name for name, nodes in definitions.items() if any(map(_asserts_itself, nodes))}
    grown = True
    while grown:  # a helper that calls an asserting helper asserts
        grown = False
        for name, nodes in definitions.items():
            if name not in asserting and any(set(_called(node)) & asserting for node in nodes):
                asserting.add(name)
                grown = True
    return [
        f"{path}:{function.lineno} {function.name}"
        for path, tree in trees.items()
        if Path(path).name.startswith("test_")
        for function in _functions(tree)
        if function.name.startswith("test")
        and not _asserts_itself(function)
        and not set(_called(function)) & asserting
    ]


def _is_module(dotted: str) -> bool:
    path = PATTERNS.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _library_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """The constants (ALL_CAPS) and the modules a test file imports from ``patterns``."""
    constants: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "patterns":
            for alias in node.names:
                if CONSTANT.match(alias.name):
                    constants.add(alias.asname or alias.name)
                elif _is_module(f"{node.module}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "patterns":
                    modules.add(alias.asname or alias.name.split(".")[0])
    return constants, modules


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


def _expectations_in(path: str, tree: ast.AST) -> Iterator[str]:
    constants, modules = _library_names(tree)
    written_out = {  # names the test binds to a literal (``expected = [...]``)
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _literal(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def literal(node: ast.AST) -> bool:
        return _literal(node) or (isinstance(node, ast.Name) and node.id in written_out)

    def library_constant(node: ast.AST) -> bool:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Name) and inner.id in constants:
                return True
            if isinstance(inner, ast.Attribute) and CONSTANT.match(inner.attr):
                base = inner.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in modules:
                    return True
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare):
            sides = [node.test.left, *node.test.comparators]
            from_library = [library_constant(side) for side in sides]
            if any(from_library) and not all(from_library) and not any(map(literal, sides)):
                yield f"{path}:{node.lineno} {ast.unparse(node.test)}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith(("has_", "resource_"))
            and any(library_constant(arg) for arg in [*node.args, *(k.value for k in node.keywords)])
        ):
            yield f"{path}:{node.lineno} {ast.unparse(node)}"


def constant_expectations(sources: Mapping[str, str]) -> list[str]:
    """``path:line expression`` of each assertion whose expected value is a library constant: an
    ``assert`` comparing a constant of ``patterns`` with a computed (non-literal) value, or a template
    assertion (``has_resource_properties``...) given such a constant. Comparing two library constants
    (two copies that must agree) is allowed; each copy is then pinned literally by its own test."""
    return [found for path, source in sources.items() for found in _expectations_in(path, ast.parse(source))]


def _test_sources() -> dict[str, str]:
    return {str(path.relative_to(TESTS.parent)): path.read_text() for path in sorted(TESTS.rglob("*.py"))}


PLANTED = {
    "tests/test_planted.py": """
from patterns.security import DEFAULT_RULE_GROUPS, EdgeProtection
from patterns._core import logs

def _build(stack):
    return EdgeProtection(stack, "Edge")

def _expect_two(items):
    assert len(items) == 2

def test_builds_only(stack):
    _build(stack)

def test_through_a_helper(stack):
    _expect_two(_build(stack).rules)

def test_reads_the_default_back(stack):
    assert _build(stack).rule_groups == DEFAULT_RULE_GROUPS

def test_reads_a_module_constant_back(template):
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": logs.DEFAULT_LOG_RETENTION})

def test_pins_the_constant_itself():
    assert DEFAULT_RULE_GROUPS == ("AWSManagedRulesSQLiRuleSet",)
    expected = ["AWSManagedRulesSQLiRuleSet"]
    assert list(DEFAULT_RULE_GROUPS) == expected
""",
}


def test_a_test_that_asserts_nothing_is_found() -> None:
    assert non_asserting_tests(PLANTED) == ["tests/test_planted.py:11 test_builds_only"]


def test_an_expected_value_read_from_the_library_is_found() -> None:
    assert [line.split(" ", 1)[0] for line in constant_expectations(PLANTED)] == [
        "tests/test_planted.py:18",
        "tests/test_planted.py:21",
    ]


def test_every_test_asserts_something() -> None:
    assert non_asserting_tests(_test_sources()) == []


def test_no_expected_value_is_read_from_the_library() -> None:
    assert constant_expectations(_test_sources()) == []
