"""Deploy-time values (a ``CfnParameter``) given to every number and list-of-strings argument of every
public construct (built in the background process, job ``deploy-time-values``, tests/consumer/tokens.py).

Each is either used (its ``Ref`` in the template) or refused at construction with one line that says
why it must be literal; never a crash at synthesis, never a number token printed as -1.888e+289. A list
argument annotated ``DeployTimeList`` passes the list on whole; any other list argument is refused,
because the construct checks or builds something for each item."""

from __future__ import annotations

from typing import Any

import pytest

from tests.consumer.tokens import cases

pytestmark = pytest.mark.background("deploy-time-values")

CASES = cases()
IDS = [f"{name}.{parameter}" for name, parameter, _ in CASES]

LITERAL_LIST = (
    "must be a literal list: the construct checks or builds something for each item at synthesis, so a "
    "deploy-time list (a CommaDelimitedList parameter, Token.as_list) cannot set it"
)
LITERAL_VALUE = "must be a literal value: "
NOT_USED_BY_DEFAULT = {
    # Arguments that apply only with another argument the catalog leaves at its default.
    "AmiBackupPolicy.copy_retain_days": "only with copy_to_regions",
    "BootstrappedFleet.instance_port": "only with load_balancer",
    "SecureNetwork.amazon_side_asn": "only with vpn",
    "StaticSite.error_rate_threshold_percent": "the 5xx alarm is built in a us-east-1 CloudFrontAlarms",
    "TrainingStorage.per_unit_storage_throughput": "only with a PERSISTENT deployment type",
}


def test_there_are_cases_of_each_kind() -> None:
    kinds = [kind for _, _, kind in CASES]
    assert kinds.count("deploy-time list") == 9
    assert kinds.count("list") >= 20
    assert kinds.count("number") >= 60


@pytest.mark.parametrize(("name", "parameter", "kind"), CASES, ids=IDS)
def test_a_deploy_time_value_is_used_or_refused_clearly(
    background: Any, name: str, parameter: str, kind: str
) -> None:
    result = background("deploy-time-values")[f"{name}.{parameter}"]
    assert "crashed" not in result, result["crashed"]
    if "refused" in result:
        message = result["refused"]
        assert message.startswith(f"{name}: invalid arguments:\n  - "), message
        assert "e+289" not in message, message  # a number token is shown as <deploy-time number>
        if kind == "deploy-time list":
            pytest.fail(f"a DeployTimeList argument refused a deploy-time list: {message}")
        if kind == "list":
            assert LITERAL_LIST in message
        if kind == "number":  # needed at synthesis, or unused without another argument; never a comparison
            assert LITERAL_VALUE in message or "only applies with" in message, message
        return
    assert kind != "list", f"{name}.{parameter} took a deploy-time list: annotate it DeployTimeList"
    if f"{name}.{parameter}" not in NOT_USED_BY_DEFAULT:
        assert result["referenced"], f"{name}.{parameter}: the deploy-time value was silently dropped"
