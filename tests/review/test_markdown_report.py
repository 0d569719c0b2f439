# ruff: noqa: RUF001  (the report prints the multiplication sign; the expected text has it literally)
"""The Markdown report of one small hand-made stack, every line written out: the summary, the Mermaid diagram,
each section's table rows (flags, construct paths, escaped pipes), cost grouping, notes and the $0 list."""

from __future__ import annotations

from patterns.review.document import Flag, summary
from patterns.review.render_md import render_markdown
from patterns.review.report import review
from tests.review.templates import res, stack_of


def doc_stack():
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com", "AWS": "arn:aws:iam::123456789012:root"},
            }
        ]
    }
    return stack_of(
        {
            "Fn": res(
                "AWS::Lambda::Function", "Api/Handler/Resource", Role={"Fn::GetAtt": ["FnRole", "Arn"]}
            ),
            "FnRole": res(
                "AWS::IAM::Role",
                "Api/Handler/ServiceRole/Resource",
                AssumeRolePolicyDocument=trust,
                ManagedPolicyArns=[
                    "arn:aws:iam::aws:policy/AdministratorAccess",
                    "arn:aws:iam::aws:policy/ReadOnlyAccess",
                ],
                Policies=[
                    {
                        "PolicyName": "p",
                        "PolicyDocument": {
                            "Statement": [
                                {"Effect": "Allow", "Action": ["s3:*", "dynamodb:GetItem"], "Resource": "*"},
                                {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"},
                            ]
                        },
                    }
                ],
            ),
            "Quiet": res(
                "AWS::IAM::Role",
                AssumeRolePolicyDocument={
                    "Statement": [
                        {
                            "Principal": {
                                "AWS": {
                                    "Fn::Join": [
                                        "",
                                        [
                                            "arn:",
                                            {"Ref": "AWS::Partition"},
                                            ":iam::",
                                            {"Ref": "AWS::AccountId"},
                                            ":root",
                                        ],
                                    ]
                                }
                            }
                        }
                    ]
                },
            ),
            "Url": res(
                "AWS::Lambda::Url", "Api/Handler/Url", TargetFunctionArn={"Ref": "Fn"}, AuthType="NONE"
            ),
            "Data": {
                **res(
                    "AWS::S3::Bucket",
                    "Data/Bucket/Resource",
                    PublicAccessBlockConfiguration=dict.fromkeys(
                        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"),
                        True,
                    ),
                ),
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
            },
            "Logs": {
                **res("AWS::Logs::LogGroup", RetentionInDays=7),
                "DeletionPolicy": "Snapshot",
                "UpdateReplacePolicy": "Delete",
            },
            "Db": res("AWS::RDS::DBInstance", "Db/Resource", PubliclyAccessible=True),
            "Nat": res("AWS::EC2::NatGateway", "Net/Nat"),
            "A1": res("AWS::CloudWatch::Alarm", "Api/Errors/Resource"),
            "A2": res("AWS::CloudWatch::Alarm"),
            "A3": res("AWS::CloudWatch::Alarm", Period=10),
            "Zone": res("AWS::Route53::HostedZone"),
            "Board": res("AWS::CloudWatch::Dashboard"),
            "Cache": res("AWS::ElastiCache::CacheCluster", "Cache/Resource"),
            "Sub1": res("AWS::EC2::Subnet"),
            "Sub2": res("AWS::EC2::Subnet"),
        },
        Description="A stack | with a pipe",
    )


EXPECTED = """\
# Review of stack `Test`

> A stack | with a pipe

16 resources in 9 services; **⚠ 2 internet-facing endpoint(s)**; 2 IAM role(s), **⚠ 1 with wildcards**; 3 stateful resource(s), **⚠ 2 not retained**; idle cost ≈ $36.85/month (+2 not costed)

## Architecture

_One box per service resource (distribution, API, function, table, queue, user pool, cluster...), named by its construct path, with what serves it folded in (roles, policies, alarms, log groups, methods, subnets...). Arrows: invokes, writes, sends, reads (from integrations, event sources, rule targets, routing and IAM policies) are the data flow; configures is any other reference; uses points at another stack's outputs or a parameter._

```mermaid
flowchart TB
  n0["<b>Lambda function</b><br/>Api/Handler<br/><small>+ alarm, function URL, role</small>"]
  n1["<b>IAM role</b><br/>Quiet"]
  n2["<b>S3 bucket</b><br/>Data/Bucket"]
  n3["<b>Logs log group</b><br/>Logs"]
  n4["<b>RDS database</b><br/>Db"]
  n5["<b>NAT gateway</b><br/>Net/Nat"]
  n6["<b>CloudWatch alarm</b><br/>A2"]
  n7["<b>CloudWatch alarm</b><br/>A3"]
  n8["<b>hosted zone</b><br/>Zone"]
  n9["<b>CloudWatch dashboard</b><br/>Board"]
  n10["<b>ElastiCache cluster</b><br/>Cache"]
  n11["<b>EC2 subnet</b><br/>Sub1"]
  n12["<b>EC2 subnet</b><br/>Sub2"]
  class n5,n8,n11,n12 network
  class n0 compute
  class n2,n4,n10 storage
  class n1 security
  class n3,n6,n7,n9 monitoring
  classDef network fill:#e8f1fb,stroke:#2f6eb5
  classDef compute fill:#fdf0e3,stroke:#c86a12
  classDef storage fill:#e9f6ec,stroke:#2e8b47
  classDef security fill:#fbeaea,stroke:#b83b3b
  classDef monitoring fill:#f2ecfa,stroke:#7248b5
  classDef other fill:#f1f1f1,stroke:#666666
  classDef external fill:#ffffff,stroke:#444444,stroke-dasharray:4 3
```

## Public exposure

_Every internet-facing endpoint (CloudFront, API Gateway REST/HTTP/WebSocket APIs that are not PRIVATE, internet-facing load balancers, Lambda function URLs, Cognito domains, AppSync, S3 website hosting and public bucket policies, Elastic IPs and public instances or tasks, Global Accelerator, Transfer Family and IoT endpoints) and world-open ingress, most severe first: high = no authentication and no WAF web ACL; medium = no authentication behind a WAF; low = authenticated, no WAF; info = authenticated behind a WAF, or outbound only._

| Severity | What | Resource | Authentication | WAF | Detail |
|---|---|---|---|---|---|
| **⚠ high** | Lambda function URL | `Url` (Api/Handler/Url) | **⚠ none** | not supported | function URL of Fn |
| **⚠ high** | Publicly accessible database | `Db` (Db/Resource) | **⚠ none** | not supported | PubliclyAccessible: true |

## IAM roles

| Role | Assumed by | Actions by service | Managed policies | Wildcards |
|---|---|---|---|---|
| `FnRole` (Api/Handler/ServiceRole/Resource) | account 123456789012 (root), lambda | dynamodb: GetItem; s3: * | AdministratorAccess, ReadOnlyAccess | **⚠ wildcard actions: s3:***; **⚠ Resource "*": dynamodb:GetItem, s3:***; **⚠ NotAction: iam:***; **⚠ broad managed policy: AdministratorAccess** |
| `Quiet` | this account (root) | none inline or attached | none | none |

## Stateful resources: encryption and retention

| Resource | Type | Encryption | DeletionPolicy | UpdateReplacePolicy | Notes |
|---|---|---|---|---|---|
| `Data` (Data/Bucket/Resource) | AWS::S3::Bucket | SSE-S3 (S3 default, not set in template) | Retain | Retain | versioning off |
| `Logs` | AWS::Logs::LogGroup | service-managed (default) | Snapshot | **⚠ Delete** | retention 7 days |
| `Db` (Db/Resource) | AWS::RDS::DBInstance | **⚠ none** | **⚠ Delete (default)** | **⚠ Delete (default)** |   |

## Estimated fixed monthly cost while idle

_us-east-1 on-demand list prices as of 2026-01, 730 hours a month (patterns/review/prices.py cites each source). Usage (requests, GB processed, storage used, LCUs) comes on top._

| Resource | Type | USD/month | Basis |
|---|---|---:|---|
| `Nat` (Net/Nat) | AWS::EC2::NatGateway | $32.85 | $0.045/h × 730 h |
| `Board` | AWS::CloudWatch::Dashboard | $3.00 | dashboard $3.00 (first 3 per account free) |
| 3 resources | AWS::CloudWatch::Alarm | $0.50 | 2 × (1 metric(s) × $0.10); 1 metric(s) × $0.30 (high resolution) |
| `Zone` | AWS::Route53::HostedZone | $0.50 | hosted zone $0.50, plus queries |
| **Total** |   | **$36.85** |   |

**⚠ The first 3 CloudWatch dashboards of an account are free; the total counts each one.**

**⚠ Not costed (2): types or settings the price table does not cover**

- `Db` (Db/Resource): AWS::RDS::DBInstance: type not in the price table
- `Cache` (Cache/Resource): AWS::ElastiCache::CacheCluster: type not in the price table

<details><summary>$0 while idle: 8 resources</summary>

- AWS::EC2::Subnet ×2: free
- AWS::IAM::Role ×2: free
- AWS::Lambda::Function ×1: usage only
- AWS::Lambda::Url ×1: usage only
- AWS::Logs::LogGroup ×1: usage only
- AWS::S3::Bucket ×1: usage only

</details>

## Resources by service

| Service | Count | Types |
|---|---:|---|
| CloudWatch | 4 | Alarm ×3, Dashboard |
| EC2 | 3 | NatGateway, Subnet ×2 |
| IAM | 2 | Role ×2 |
| Lambda | 2 | Function, Url |
| ElastiCache | 1 | CacheCluster |
| Logs | 1 | LogGroup |
| RDS | 1 | DBInstance |
| Route53 | 1 | HostedZone |
| S3 | 1 | Bucket |
| **Total** | **16** |   |

<details><summary>All 16 resources</summary>

- `A1` (Api/Errors/Resource): AWS::CloudWatch::Alarm
- `A2`: AWS::CloudWatch::Alarm
- `A3`: AWS::CloudWatch::Alarm
- `Board`: AWS::CloudWatch::Dashboard
- `Nat` (Net/Nat): AWS::EC2::NatGateway
- `Sub1`: AWS::EC2::Subnet
- `Sub2`: AWS::EC2::Subnet
- `FnRole` (Api/Handler/ServiceRole/Resource): AWS::IAM::Role
- `Quiet`: AWS::IAM::Role
- `Fn` (Api/Handler/Resource): AWS::Lambda::Function
- `Url` (Api/Handler/Url): AWS::Lambda::Url
- `Cache` (Cache/Resource): AWS::ElastiCache::CacheCluster
- `Logs`: AWS::Logs::LogGroup
- `Db` (Db/Resource): AWS::RDS::DBInstance
- `Zone`: AWS::Route53::HostedZone
- `Data` (Data/Bucket/Resource): AWS::S3::Bucket

</details>
"""


def test_the_whole_markdown_report():
    assert render_markdown(review(doc_stack())) == EXPECTED


def second_stack():
    """Medium, low and info findings, a role with nothing, retained keys of exactly $1.00 each, Shield."""
    return stack_of(
        {
            "Cdn": res(
                "AWS::CloudFront::Distribution",
                "Site/Cdn/Resource",
                DistributionConfig={"WebACLId": "arn:acl"},
            ),
            "Signed": res(
                "AWS::CloudFront::Distribution",
                DistributionConfig={
                    "DefaultCacheBehavior": {"TrustedKeyGroups": ["k"]},
                    "WebACLId": "arn:acl",
                },
            ),
            "Url": res("AWS::Lambda::Url", TargetFunctionArn="f", AuthType="AWS_IAM"),
            "NatIp": res("AWS::EC2::EIP"),
            "Nat": res("AWS::EC2::NatGateway", AllocationId={"Ref": "NatIp"}),
            "K1": {
                **res("AWS::KMS::Key", EnableKeyRotation=True),
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
            },
            "K2": {
                **res("AWS::KMS::Key"),
                "DeletionPolicy": "RetainExceptOnCreate",
                "UpdateReplacePolicy": "Snapshot",
            },
            "Nobody": res("AWS::IAM::Role"),
            "Shield": res("AWS::Shield::Protection"),
        }
    )


def quiet_stack():
    return stack_of({"Topic": res("AWS::SNS::Topic")}, Description="")


SECOND = """\
# Review of stack `Test`

9 resources in 6 services; **⚠ 4 internet-facing endpoint(s)**; 1 IAM role(s), 0 with wildcards; 2 stateful resource(s), 0 not retained; idle cost ≈ $38.50/month

## Architecture

_One box per service resource (distribution, API, function, table, queue, user pool, cluster...), named by its construct path, with what serves it folded in (roles, policies, alarms, log groups, methods, subnets...). Arrows: invokes, writes, sends, reads (from integrations, event sources, rule targets, routing and IAM policies) are the data flow; configures is any other reference; uses points at another stack's outputs or a parameter._

```mermaid
flowchart TB
  n0["<b>CloudFront distribution</b><br/>Site/Cdn"]
  n1["<b>CloudFront distribution</b><br/>Signed"]
  n2["<b>Lambda url</b><br/>Url"]
  n3["<b>NAT gateway</b><br/>Nat<br/><small>+ EIP</small>"]
  n4["<b>KMS key</b><br/>K1"]
  n5["<b>KMS key</b><br/>K2"]
  n6["<b>IAM role</b><br/>Nobody"]
  n7["<b>Shield protection</b><br/>Shield"]
  class n0,n1,n3 network
  class n2 compute
  class n4,n5,n6,n7 security
  classDef network fill:#e8f1fb,stroke:#2f6eb5
  classDef compute fill:#fdf0e3,stroke:#c86a12
  classDef storage fill:#e9f6ec,stroke:#2e8b47
  classDef security fill:#fbeaea,stroke:#b83b3b
  classDef monitoring fill:#f2ecfa,stroke:#7248b5
  classDef other fill:#f1f1f1,stroke:#666666
  classDef external fill:#ffffff,stroke:#444444,stroke-dasharray:4 3
```

## Public exposure

_Every internet-facing endpoint (CloudFront, API Gateway REST/HTTP/WebSocket APIs that are not PRIVATE, internet-facing load balancers, Lambda function URLs, Cognito domains, AppSync, S3 website hosting and public bucket policies, Elastic IPs and public instances or tasks, Global Accelerator, Transfer Family and IoT endpoints) and world-open ingress, most severe first: high = no authentication and no WAF web ACL; medium = no authentication behind a WAF; low = authenticated, no WAF; info = authenticated behind a WAF, or outbound only._

| Severity | What | Resource | Authentication | WAF | Detail |
|---|---|---|---|---|---|
| **⚠ medium** | CloudFront distribution | `Cdn` (Site/Cdn/Resource) | **⚠ none** | yes | 0 origin(s), 0 behind origin access control |
| low | Lambda function URL | `Url` | IAM | not supported | function URL of f |
| info | CloudFront distribution | `Signed` | signed URLs or cookies | yes | 0 origin(s), 0 behind origin access control |
| info | Elastic IP | `NatIp` | n/a (outbound only) | not supported | address of NAT gateway Nat: outbound only, accepts no inbound connection |

## IAM roles

| Role | Assumed by | Actions by service | Managed policies | Wildcards |
|---|---|---|---|---|
| `Nobody` | ? | none inline or attached | none | none |

## Stateful resources: encryption and retention

| Resource | Type | Encryption | DeletionPolicy | UpdateReplacePolicy | Notes |
|---|---|---|---|---|---|
| `K1` | AWS::KMS::Key | n/a (the key itself) | Retain | Retain | rotation on, pending window 30 days |
| `K2` | AWS::KMS::Key | n/a (the key itself) | RetainExceptOnCreate | Snapshot | rotation off, pending window 30 days |

## Estimated fixed monthly cost while idle

_us-east-1 on-demand list prices as of 2026-01, 730 hours a month (patterns/review/prices.py cites each source). Usage (requests, GB processed, storage used, LCUs) comes on top._

| Resource | Type | USD/month | Basis |
|---|---|---:|---|
| `Nat` | AWS::EC2::NatGateway | $32.85 | $0.045/h × 730 h |
| `NatIp` | AWS::EC2::EIP | $3.65 | public IPv4 address $0.005/h × 730 h |
| `K1` | AWS::KMS::Key | $1.00 | customer managed key $1.00 |
| `K2` | AWS::KMS::Key | $1.00 | customer managed key $1.00 |
| **Total** |   | **$38.50** |   |

**⚠ Shield Advanced protections need the Shield Advanced subscription: $3,000/month per organization (1-year commitment), not included in the total.**

<details><summary>$0 while idle: 5 resources</summary>

- AWS::CloudFront::Distribution ×2: usage only
- AWS::IAM::Role ×1: free
- AWS::Lambda::Url ×1: usage only
- AWS::Shield::Protection ×1: no per-protection fee (the Shield Advanced subscription is separate)

</details>

## Resources by service

| Service | Count | Types |
|---|---:|---|
| CloudFront | 2 | Distribution ×2 |
| EC2 | 2 | EIP, NatGateway |
| KMS | 2 | Key ×2 |
| IAM | 1 | Role |
| Lambda | 1 | Url |
| Shield | 1 | Protection |
| **Total** | **9** |   |

<details><summary>All 9 resources</summary>

- `Cdn` (Site/Cdn/Resource): AWS::CloudFront::Distribution
- `Signed`: AWS::CloudFront::Distribution
- `NatIp`: AWS::EC2::EIP
- `Nat`: AWS::EC2::NatGateway
- `K1`: AWS::KMS::Key
- `K2`: AWS::KMS::Key
- `Nobody`: AWS::IAM::Role
- `Url`: AWS::Lambda::Url
- `Shield`: AWS::Shield::Protection

</details>
"""

QUIET = """\
# Review of stack `Test`

1 resources in 1 services; 0 internet-facing endpoint(s); 0 IAM role(s), 0 with wildcards; 0 stateful resource(s), 0 not retained; idle cost ≈ $0.00/month

## Architecture

_One box per service resource (distribution, API, function, table, queue, user pool, cluster...), named by its construct path, with what serves it folded in (roles, policies, alarms, log groups, methods, subnets...). Arrows: invokes, writes, sends, reads (from integrations, event sources, rule targets, routing and IAM policies) are the data flow; configures is any other reference; uses points at another stack's outputs or a parameter._

```mermaid
flowchart TB
  n0["<b>SNS topic</b><br/>Topic"]
  class n0 monitoring
  classDef network fill:#e8f1fb,stroke:#2f6eb5
  classDef compute fill:#fdf0e3,stroke:#c86a12
  classDef storage fill:#e9f6ec,stroke:#2e8b47
  classDef security fill:#fbeaea,stroke:#b83b3b
  classDef monitoring fill:#f2ecfa,stroke:#7248b5
  classDef other fill:#f1f1f1,stroke:#666666
  classDef external fill:#ffffff,stroke:#444444,stroke-dasharray:4 3
```

## Public exposure

_Every internet-facing endpoint (CloudFront, API Gateway REST/HTTP/WebSocket APIs that are not PRIVATE, internet-facing load balancers, Lambda function URLs, Cognito domains, AppSync, S3 website hosting and public bucket policies, Elastic IPs and public instances or tasks, Global Accelerator, Transfer Family and IoT endpoints) and world-open ingress, most severe first: high = no authentication and no WAF web ACL; medium = no authentication behind a WAF; low = authenticated, no WAF; info = authenticated behind a WAF, or outbound only._

Nothing in this stack is reachable from the internet.

## IAM roles

No IAM role in this stack.

## Stateful resources: encryption and retention

No stateful resource in this stack.

## Estimated fixed monthly cost while idle

_us-east-1 on-demand list prices as of 2026-01, 730 hours a month (patterns/review/prices.py cites each source). Usage (requests, GB processed, storage used, LCUs) comes on top._

Nothing in this stack bills while idle: total $0.00/month.

<details><summary>$0 while idle: 1 resources</summary>

- AWS::SNS::Topic ×1: usage only

</details>

## Resources by service

| Service | Count | Types |
|---|---:|---|
| SNS | 1 | Topic |
| **Total** | **1** |   |

<details><summary>All 1 resources</summary>

- `Topic`: AWS::SNS::Topic

</details>
"""


def test_medium_low_and_info_findings_retained_resources_and_notes():
    assert render_markdown(review(second_stack())) == SECOND


def test_a_stack_with_nothing_to_flag():
    assert render_markdown(review(quiet_stack())) == QUIET


def test_the_summary_flags_medium_findings_too():
    medium = stack_of(
        {"Cdn": res("AWS::CloudFront::Distribution", DistributionConfig={"WebACLId": "arn:acl"})}
    )
    low = stack_of({"Url": res("AWS::Lambda::Url", TargetFunctionArn="f", AuthType="AWS_IAM")})
    assert summary(review(medium))[1] == Flag("1 internet-facing endpoint(s)")
    assert summary(review(low))[1] == "1 internet-facing endpoint(s)"
