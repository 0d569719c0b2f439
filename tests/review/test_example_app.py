"""The review report of the example app (synthesized once per session): what issue 17 asked of it, the docs
that quote it, and its HTML in a headless Chromium (skipped when none is installed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from patterns.review.browser import check_page
from patterns.review.render_html import render_html
from patterns.review.report import StackReport
from tests.review import readme_values


@pytest.fixture(scope="module")
def reports(example_assembly: Path) -> dict[str, StackReport]:
    return readme_values.reports_of(example_assembly)


def _exposed(report: StackReport) -> list[tuple[str, str, str]]:
    return [(e.kind, e.auth, e.waf) for e in report.exposure]


def test_serverless_lists_cloudfront_and_its_api(reports):
    exposed = _exposed(reports["CdpServerlessWeb"])
    assert ("CloudFront distribution", "none", "yes") in exposed
    assert ("API Gateway REST API", "Cognito, IAM", "no") in exposed  # IAM: the X sign-in methods
    assert ("Cognito domain", "user pool sign-in (public sign-in page)", "no") in exposed
    assert reports["CdpServerlessWeb"].exposure[0].severity == "medium", "most severe first"


def test_hpc_lists_its_iam_authorized_api(reports):
    assert ("API Gateway REST API", "IAM", "no") in _exposed(reports["CdpHpcTraining"])


def test_async_work_idle_cost_leaves_out_the_fleet_at_zero(reports):
    cost = reports["CdpAsyncWork"].cost
    assert not any(line.resource_type == "AWS::ECS::Service" for line in cost.lines)
    assert (
        cost.idle_free["AWS::ECS::Service"][1]
        == "scaling minimum 0 (DesiredCount not set): no task while idle"
    )


def test_containers_count_the_load_balancer_public_ipv4(reports):
    (line,) = [
        line
        for line in reports["CdpContainers"].cost.lines
        if line.resource_type == "AWS::ElasticLoadBalancingV2::LoadBalancer"
    ]
    assert line.monthly == pytest.approx(round((0.0225 + 2 * 0.005) * 730, 2), abs=0.006)
    assert "2 public IPv4 addresses" in line.basis


def test_key_services_are_diagram_nodes(reports):
    kinds = {node.kind for node in reports["CdpServerlessWeb"].graph.nodes}
    assert {
        "CloudFront distribution",
        "REST API",
        "DynamoDB table",
        "Cognito user pool",
        "Lambda function",
    } <= kinds
    for name in ("CdpAsyncWork", "CdpContainers", "CdpHpcTraining", "CdpAmiMaintenance", "CdpHybridDns"):
        assert any(n.key == "stack:CdpNetwork" for n in reports[name].graph.nodes), name


def test_readme_values_match_the_report(reports):
    drifts = readme_values.drifts(reports)
    message = "\n".join(str(d) for d in drifts)
    assert not drifts, (
        f"README values differ from the review report of the example app:\n{message}\n"
        f"Regenerate them with: {readme_values.COMMAND}"
    )


@pytest.mark.skipif(
    not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()), reason="no Chromium on this machine"
)
def test_html_fits_the_page_and_cuts_no_label_in_chromium(reports, tmp_path):
    page = tmp_path / "index.html"
    page.write_text(render_html(list(reports.values())), encoding="utf-8")
    problems, labels = check_page(page, width=1400)
    assert labels > 100, "the check measured the diagram labels"
    assert problems == []
