"""bench/checkov_ratio.py (``make checkov``): the ratio, the skip list and the reasons, on a fake checkov."""

from __future__ import annotations

import importlib.util
import json
import stat
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "checkov_ratio.py"
spec = importlib.util.spec_from_file_location("checkov_ratio", SCRIPT)
assert spec is not None and spec.loader is not None
checkov_ratio = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checkov_ratio)


def check(check_id: str, resource: str = "AWS::SQS::Queue.Q", file: str = "/cdk.out/A.template.json") -> dict:
    return {
        "check_id": check_id,
        "resource": resource,
        "file_path": file,
        "check_name": f"name of {check_id}",
    }


def fake_checkov(tmp_path: Path, passed: list[dict], failed: list[dict]) -> str:
    """An executable that prints a checkov JSON report and exits 1, as checkov does on failures."""
    report = {
        "check_type": "cloudformation",
        "results": {"passed_checks": passed, "failed_checks": failed},
        "summary": {"passed": len(passed), "failed": len(failed), "checkov_version": "3.3.30"},
    }
    (tmp_path / "report.json").write_text(json.dumps(report))
    exe = tmp_path / "checkov"
    exe.write_text(
        f"#!{sys.executable}\nimport sys\nprint(open({str(tmp_path / 'report.json')!r}).read())\nsys.exit(1)\n"
    )
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return str(exe)


@pytest.fixture
def cdk_out(tmp_path: Path) -> Path:
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "A.template.json").write_text("{}")
    return out


def test_skipped_checks_leave_both_counts() -> None:
    report = {
        "results": {
            "passed_checks": [check("CKV_AWS_27"), check("CKV_AWS_117")],
            "failed_checks": [check("CKV_AWS_26"), check("CKV_AWS_117"), check("CKV_AWS_115")],
        }
    }
    raw_p, raw_f, p, f, failures = checkov_ratio.summarise(report)
    assert (raw_p, raw_f, p, f) == (2, 3, 1, 1)
    assert [c["check_id"] for c in failures] == ["CKV_AWS_26"]


def test_reason_by_resource_with_fallback() -> None:
    config = checkov_ratio.reason_for(
        "CKV_AWS_116", "AWS::Lambda::Function.CompliancePublicDnsFunction72D6AF56"
    )
    other = checkov_ratio.reason_for("CKV_AWS_116", "AWS::Lambda::Function.WebApiReadItemF442CE93")
    assert config.startswith("invoked by AWS Config")
    assert other.startswith("invoked synchronously")
    assert checkov_ratio.reason_for("CKV_AWS_999", "AWS::X::Y.Z") == "(no reason recorded)"


def test_passes_at_the_minimum(tmp_path: Path, cdk_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exe = fake_checkov(tmp_path, [check("CKV_AWS_27")] * 9, [check("CKV_AWS_18")])
    assert checkov_ratio.main([str(cdk_out), "--checkov", exe, "--min", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "raw pass ratio:   9/10 = 0.900" in out
    assert "CKV_AWS_18   A" in out


def test_fails_below_the_minimum(tmp_path: Path, cdk_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exe = fake_checkov(tmp_path, [check("CKV_AWS_27")] * 8, [check("CKV_AWS_18")] * 2)
    assert checkov_ratio.main([str(cdk_out), "--checkov", exe, "--min", "0.9"]) == 1
    assert "FAIL: 0.800 < 0.9" in capsys.readouterr().out


def test_fails_on_a_failure_without_a_reason(
    tmp_path: Path, cdk_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exe = fake_checkov(tmp_path, [check("CKV_AWS_27")] * 99, [check("CKV_AWS_999")])
    assert checkov_ratio.main([str(cdk_out), "--checkov", exe, "--min", "0.9"]) == 1
    assert "FAIL: 1 failures without a reason" in capsys.readouterr().out


def test_no_templates_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="run `make synth` first"):
        checkov_ratio.main([str(tmp_path), "--checkov", "checkov"])
