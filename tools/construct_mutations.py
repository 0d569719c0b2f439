"""Curated construct-level mutations: real bugs planted one at a time, each run against the fine-grained
tests of its pattern (tests/patterns; snapshot and policy-gate tests left out). Prints killed/survived
per pattern and overall.

    python tools/construct_mutations.py            # all
    python tools/construct_mutations.py network    # one pattern
    python tools/construct_mutations.py --check    # only verify that every mutation still applies

A mutation whose text no longer occurs exactly once is reported as STALE (fix the list after a
refactoring). The source file is restored after each run, also on Ctrl-C.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    pattern: str
    path: str
    old: str
    new: str
    bug: str


M = Mutation
MUTATIONS: list[Mutation] = [
    # ------------------------------------------------------------------ network
    M(
        "network",
        "patterns/network/nacl.py",
        "EPHEMERAL = (1024, 65535)",
        "EPHEMERAL = (1024, 65000)",
        "ephemeral range cut short",
    ),
    M(
        "network",
        "patterns/network/nacl.py",
        'ANYWHERE = "0.0.0.0/0"',
        'ANYWHERE = "10.0.0.0/8"',
        "NACL internet entries limited to 10/8",
    ),
    M(
        "network",
        "patterns/network/nacl.py",
        "rules = [AclRule(ANYWHERE, (port, port), egress=False) for port in ports]",
        "rules = [AclRule(ANYWHERE, (port, port), egress=False) for port in [*ports, 22]]",
        "public tier opens SSH",
    ),
    M(
        "network",
        "patterns/network/nacl.py",
        "    return [*rules, AclRule(ANYWHERE, EPHEMERAL, egress=False)]",
        "    return rules",
        "no ephemeral replies for outbound connections",
    ),
    M(
        "network",
        "patterns/network/secure_network.py",
        "public_ingress_ports: Sequence[int] = (80, 443),",
        "public_ingress_ports: Sequence[int] = (80, 443, 22),",
        "SSH open by default on the public tier",
    ),
    M(
        "network",
        "patterns/network/secure_network.py",
        "egress_ports: Sequence[int] = (80, 443),",
        "egress_ports: Sequence[int] = (443,),",
        "private tier cannot reach HTTP",
    ),
    M(
        "network",
        "patterns/network/secure_network.py",
        'ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), "HTTPS from the VPC"',
        'ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS from the VPC"',
        "endpoints reachable from anywhere",
    ),
    M(
        "network",
        "patterns/network/secure_network.py",
        "                    evaluation_periods=3,\n                    treat_missing_data=cw.TreatMissingData.BREACHING,",
        "                    evaluation_periods=3,\n                    treat_missing_data=cw.TreatMissingData.NOT_BREACHING,",
        "VPN alarm silent when the metric stops",
    ),
    M(
        "network",
        "patterns/network/secure_network.py",
        "                    threshold=1,\n                    comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,",
        "                    threshold=0,\n                    comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,",
        "VPN-down alarm with threshold 0 (never fires)",
    ),
    M(
        "network",
        "patterns/network/secure_network.py",
        'log_group(self, "FlowLogs", retention=flow_log_retention)',
        'log_group(self, "FlowLogs", retention=logs.RetentionDays.ONE_WEEK)',
        "flow logs kept a week",
    ),
    # ------------------------------------------------------------------ security
    M(
        "security",
        "patterns/security/edge_protection.py",
        '    "AWSManagedRulesSQLiRuleSet",  # SQL injection (200 WCU)\n',
        "",
        "SQL-injection group dropped from the defaults",
    ),
    M(
        "security",
        "patterns/security/edge_protection.py",
        '    "AWSManagedRulesAmazonIpReputationList",  # Amazon threat intelligence (25 WCU)\n',
        "",
        "IP reputation group dropped",
    ),
    M(
        "security",
        "patterns/security/edge_protection.py",
        "DEFAULT_RATE_LIMIT = 2000\n",
        "DEFAULT_RATE_LIMIT = 20000\n",
        "rate limit ten times too high",
    ),
    M(
        "security",
        "patterns/security/edge_protection.py",
        "        blocked_requests_alarm_threshold: int = 1000,",
        "        blocked_requests_alarm_threshold: int = 100000,",
        "blocked-requests alarm threshold changed",
    ),
    M(
        "security",
        "patterns/security/edge_protection.py",
        "        self.logging = wafv2.CfnLoggingConfiguration(",
        "        self.logging = None and wafv2.CfnLoggingConfiguration(",
        "WAF logging dropped",
    ),
    M(
        "security",
        "patterns/security/edge_protection.py",
        "            logging_filter=None if log_allowed_requests else self._blocked_only_filter(),",
        "            logging_filter=self._blocked_only_filter(),",
        "allowed requests no longer logged",
    ),
    M(
        "security",
        "patterns/security/edge_protection.py",
        "                for header in REDACTED_HEADERS\n",
        "                for header in REDACTED_HEADERS[:1]\n",
        "cookies logged in clear",
    ),
    # ------------------------------------------------------------------ dns
    M(
        "dns",
        "patterns/dns/hybrid_dns.py",
        '            for port in (ec2.Port.tcp(DNS_PORT), ec2.Port.udp(DNS_PORT)):\n                self.inbound_security_group.add_ingress_rule(ec2.Peer.ipv4(cidr), port, f"DNS from {cidr}")',
        '            for port in (ec2.Port.tcp(DNS_PORT), ec2.Port.udp(DNS_PORT), ec2.Port.tcp(22)):\n                self.inbound_security_group.add_ingress_rule(ec2.Peer.ipv4(cidr), port, f"DNS from {cidr}")',
        "SSH into the inbound endpoint's group",
    ),
    M(
        "dns",
        "patterns/dns/hybrid_dns.py",
        '                self.inbound_security_group.add_ingress_rule(ec2.Peer.ipv4(cidr), port, f"DNS from {cidr}")',
        '                self.inbound_security_group.add_ingress_rule(ec2.Peer.any_ipv4(), port, f"DNS from {cidr}")',
        "DNS open to the world",
    ),
    M(
        "dns",
        "patterns/dns/hybrid_dns.py",
        "                    threshold=1,\n                    evaluation_periods=2,",
        "                    threshold=1,\n                    evaluation_periods=20,",
        "unhealthy-endpoint alarm 20 periods",
    ),
    M(
        "dns",
        "patterns/dns/hybrid_dns.py",
        "                    threshold=addresses,",
        "                    threshold=1,",
        "degraded alarm threshold 1",
    ),
    M(
        "dns",
        "patterns/dns/hybrid_dns.py",
        'self, "QueryLogs", retention=retention, removal_policy=removal_policy',
        'self, "QueryLogs", retention=logs.RetentionDays.ONE_DAY, removal_policy=removal_policy',
        "query logs kept a day",
    ),
    # ------------------------------------------------------------------ ami
    M(
        "ami",
        "patterns/ami/bootstrapped_fleet.py",
        '"set -euo pipefail", f"install -d -m 0750 {CONFIG_DIR}"',
        'f"install -d -m 0750 {CONFIG_DIR}"',
        "user data no longer fails fast",
    ),
    M(
        "ami",
        "patterns/ami/bootstrapped_fleet.py",
        "            require_imdsv2=True,",
        "            require_imdsv2=False,",
        "IMDSv1 allowed on the fleet",
    ),
    M(
        "ami",
        "patterns/ami/bootstrapped_fleet.py",
        "                threshold=min_capacity,",
        "                threshold=0,",
        "in-service alarm never fires",
    ),
    M(
        "ami",
        "patterns/ami/bootstrapped_fleet.py",
        "                    threshold=1,\n                    evaluation_periods=2,",
        "                    threshold=5,\n                    evaluation_periods=2,",
        "unhealthy-hosts threshold 5",
    ),
    M(
        "ami",
        "patterns/ami/image_refresh.py",
        "            retention_period=Duration.days(14),",
        "            retention_period=Duration.days(1),",
        "refresh DLQ keeps one day",
    ),
    M(
        "ami",
        "patterns/ami/image_refresh.py",
        "logs=sfn.LogOptions(destination=self.log_group, level=sfn.LogLevel.ALL)",
        "logs=sfn.LogOptions(destination=self.log_group, level=sfn.LogLevel.ERROR)",
        "refresh logs errors only",
    ),
    M(
        "ami",
        "patterns/ami/golden_image_pipeline.py",
        "                threshold=1,",
        "                threshold=10,",
        "failed-build alarm needs 10 failures",
    ),
    # ------------------------------------------------------------------ hpc
    M(
        "hpc",
        "patterns/hpc/cluster.py",
        'commands.add_commands("set -euxo pipefail")',
        'commands.add_commands("set -x")',
        "node user data does not fail fast",
    ),
    M(
        "hpc",
        "patterns/hpc/cluster.py",
        "            require_imdsv2=True,",
        "            require_imdsv2=False,",
        "IMDSv1 on GPU nodes",
    ),
    M(
        "hpc",
        "patterns/hpc/storage.py",
        "LUSTRE_PORTS = (ec2.Port.tcp(988), ec2.Port.tcp_range(1018, 1023))",
        "LUSTRE_PORTS = (ec2.Port.tcp(988), ec2.Port.tcp_range(1018, 1023), ec2.Port.tcp(22))",
        "SSH among Lustre clients",
    ),
    M(
        "hpc",
        "patterns/hpc/storage.py",
        "                evaluation_periods=3,",
        "                evaluation_periods=30,",
        "free-capacity alarm 30 periods",
    ),
    M(
        "hpc",
        "patterns/hpc/pipeline.py",
        "                destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True",
        "                destination=self.log_group, level=sfn.LogLevel.OFF, include_execution_data=True",
        "workflow logging off",
    ),
    M(
        "hpc",
        "patterns/hpc/pipeline.py",
        "                threshold=1,",
        "                threshold=100,",
        "failed-runs alarm threshold 100",
    ),
    # ------------------------------------------------------------------ serverless_web
    M(
        "serverless_web",
        "patterns/serverless_web/api_backend.py",
        "                evaluation_periods=3,\n                datapoints_to_alarm=2,",
        "                evaluation_periods=3,\n                datapoints_to_alarm=3,",
        "latency alarm 3 of 3",
    ),
    M(
        "serverless_web",
        "patterns/serverless_web/api_backend.py",
        "                threshold=server_error_threshold,",
        "                threshold=server_error_threshold * 10,",
        "5xx alarm ten times too lax",
    ),
    M(
        "serverless_web",
        "patterns/serverless_web/static_site.py",
        "                    distribution_id=self.distribution.distribution_id,\n"
        "                    threshold_percent=error_rate_threshold_percent,",
        "                    distribution_id=self.distribution.distribution_id,\n"
        "                    threshold_percent=100,",
        "CloudFront error-rate alarm at 100 %",
    ),
    M(
        "serverless_web",
        "patterns/serverless_web/api_backend.py",
        'self.access_log_group = log_group(self, "AccessLogs", retention=log_retention)',
        'self.access_log_group = log_group(self, "AccessLogs", retention=logs.RetentionDays.ONE_WEEK)',
        "API access logs kept a week",
    ),
    # ------------------------------------------------------------------ async_work
    M(
        "async_work",
        "patterns/async_work/queues.py",
        "DEAD_LETTER_RETENTION = Duration.days(14)",
        "DEAD_LETTER_RETENTION = Duration.days(4)",
        "DLQ keeps 4 days",
    ),
    M(
        "async_work",
        "patterns/async_work/queues.py",
        "        evaluation_periods=5,\n        datapoints_to_alarm=3,",
        "        evaluation_periods=5,\n        datapoints_to_alarm=5,",
        "oldest-message alarm 5 of 5",
    ),
    M(
        "async_work",
        "patterns/async_work/polling_worker.py",
        "destination=self.execution_log_group, level=sfn.LogLevel.ALL, include_execution_data=False",
        "destination=self.execution_log_group, level=sfn.LogLevel.ALL, include_execution_data=True",
        "payloads in the execution logs",
    ),
    M(
        "async_work",
        "patterns/async_work/worker_fleet.py",
        "            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),",
        "            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=False),",
        "fleet deployments do not roll back",
    ),
    M(
        "async_work",
        "patterns/async_work/polling_worker.py",
        "        max_receive_count: int = 5,",
        "        max_receive_count: int = 50,",
        "poison messages retried 50 times",
    ),
    M(
        "async_work",
        "patterns/async_work/cost.py",
        "EVENTBRIDGE_PER_MILLION_EVENTS = 1.00",
        "EVENTBRIDGE_PER_MILLION_EVENTS = 10.00",
        "EventBridge ten times too expensive",
    ),
    M(
        "async_work",
        "patterns/async_work/cost.py",
        "TRANSITIONS_PER_CHECK = 3",
        "TRANSITIONS_PER_CHECK = 2",
        "a state transition not billed",
    ),
    M(
        "async_work",
        "patterns/async_work/cost.py",
        "IDLE_POLLER_REQUESTS = 5 * 3 * 60 * 730",
        "IDLE_POLLER_REQUESTS = 5 * 3 * 60",
        "idle pollers billed for one hour a month",
    ),
    # ------------------------------------------------------------------ containers
    M(
        "containers",
        "patterns/containers/service.py",
        "            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),",
        "            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=False),",
        "service deployments do not roll back",
    ),
    M(
        "containers",
        "patterns/containers/service.py",
        "            threshold=1,\n            evaluation_periods=3,\n            datapoints_to_alarm=2,",
        "            threshold=1,\n            evaluation_periods=3,\n            datapoints_to_alarm=3,",
        "unhealthy-target alarm 3 of 3",
    ),
    M(
        "containers",
        "patterns/containers/service.py",
        "metric=self.metric_cpu_utilization(),\n            threshold=90,",
        "metric=self.metric_cpu_utilization(),\n            threshold=99,",
        "CPU alarm at 99 %",
    ),
    M(
        "containers",
        "patterns/containers/migration.py",
        "logs=sfn.LogOptions(destination=self.state_machine_log_group, level=sfn.LogLevel.ALL)",
        "logs=sfn.LogOptions(destination=self.state_machine_log_group, level=sfn.LogLevel.ERROR)",
        "migration logs errors only",
    ),
    M(
        "containers",
        "patterns/containers/migration.py",
        'self.log_group = log_group(self, "Logs", retention=log_retention)',
        'self.log_group = log_group(self, "Logs", retention=logs.RetentionDays.ONE_DAY)',
        "migration task logs kept a day",
    ),
    # ------------------------------------------------------------------ checks (policy rules)
    M(
        "checks",
        "patterns/checks/rules/no_ssh_ingress.py",
        "    return low <= 22 <= high",
        "    return low == 22",
        "SSH inside a port range not caught",
    ),
    M(
        "checks",
        "patterns/checks/rules/stateful_resource_retained.py",
        "    if deletion in KEEPS_DATA and replace in KEEPS_DATA:",
        "    if deletion in KEEPS_DATA:",
        "UpdateReplacePolicy ignored",
    ),
    M(
        "checks",
        "patterns/checks/rules/no_private_address_in_public_zone.py",
        'record.get("Type") not in ("A", "AAAA")',
        'record.get("Type") not in ("A",)',
        "AAAA records ignored",
    ),
    M(
        "checks",
        "patterns/checks/rules/waf_logging_enabled.py",
        "            return COMPLIANT",
        "            pass",
        "WAF logging rule never compliant",
    ),
    M(
        "checks",
        "patterns/checks/rules/sqs_visibility_covers_lambda.py",
        "    if visibility >= 6 * timeout:",
        "    if visibility >= timeout:",
        "visibility rule accepts 1x",
    ),
    M(
        "checks",
        "patterns/checks/rules/edge_has_waf.py",
        '        if (properties.get("DistributionConfig") or {}).get("WebACLId"):\n            return COMPLIANT',
        "        return COMPLIANT",
        "CloudFront without WAF passes",
    ),
    M(
        "checks",
        "patterns/_core/validation.py",
        "        ip = ip.ipv4_mapped",
        "        pass",
        "IPv4-mapped private addresses pass as public",
    ),
]


def tests_for(pattern: str) -> list[str]:
    folder = ROOT / "tests" / "patterns"
    if pattern == "checks":
        names = ["test_checks_rules.py", "test_checks.py", "test_private_addresses.py"]
        return [str(folder / n) for n in names]
    # the promise tests first: with -x, a killed mutation stops at the first failure
    files = sorted(
        folder.glob(f"test_{pattern}*.py"), key=lambda p: (not p.stem.endswith("_promises"), p.name)
    )
    return [str(p) for p in files]


def check(mutation: Mutation) -> str | None:
    text = (ROOT / mutation.path).read_text()
    count = text.count(mutation.old)
    return None if count == 1 else f"occurs {count} times"


def run(mutation: Mutation) -> bool:
    """True if the tests fail (the mutation is killed)."""
    path = ROOT / mutation.path
    original = path.read_text()
    try:
        path.write_text(original.replace(mutation.old, mutation.new, 1))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-x",
                "-p",
                "no:cacheprovider",
                "-p",
                "no_gate",
                *tests_for(mutation.pattern),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": f"{ROOT / 'tools'}{os.pathsep}{ROOT}"},
            capture_output=True,
            text=True,
        )
        return result.returncode != 0
    finally:
        path.write_text(original)


def main(argv: list[str]) -> int:
    only_check = "--check" in argv
    patterns = [a for a in argv if not a.startswith("--")]
    selected = [m for m in MUTATIONS if not patterns or m.pattern in patterns]
    stale = [(m, problem) for m in selected if (problem := check(m))]
    for mutation, problem in stale:
        print(f"STALE     {mutation.pattern:15} {mutation.bug}: {mutation.path} {problem}")
    if only_check:
        return 1 if stale else 0
    results: dict[str, list[bool]] = {}
    for mutation in selected:
        if any(mutation is m for m, _ in stale):
            continue
        started = time.monotonic()
        killed = run(mutation)
        results.setdefault(mutation.pattern, []).append(killed)
        print(
            f"{'killed' if killed else 'SURVIVED':9} {mutation.pattern:15} {mutation.bug} ({time.monotonic() - started:.0f} s)",
            flush=True,
        )
    print("\nCurated construct mutations killed by the fine-grained tests:")
    total = killed_total = 0
    for pattern, outcomes in results.items():
        print(f"  {pattern:15} {sum(outcomes)}/{len(outcomes)}")
        total += len(outcomes)
        killed_total += sum(outcomes)
    if total:
        print(f"  {'all':15} {killed_total}/{total} = {100 * killed_total / total:.0f}%")
    return 0 if killed_total == total and not stale else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
