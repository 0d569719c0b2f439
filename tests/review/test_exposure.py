"""Public exposure: each internet-facing endpoint type with its authentication and WAF, private ones left out,
most severe first."""

from __future__ import annotations

import pytest

from patterns.review.exposure import find_exposure
from tests.review.templates import res, stack_of

BLOCK = dict.fromkeys(
    ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
)


def _found(resources: dict) -> list[tuple[str, str, str, str, str]]:
    return [(e.severity, e.kind, e.logical_id, e.auth, e.waf) for e in find_exposure(stack_of(resources))]


def _assoc(target: str) -> dict:
    return res("AWS::WAFv2::WebACLAssociation", ResourceArn={"Ref": target}, WebACLArn="arn:acl")


def _method(api: str, verb: str, auth: str, **extra) -> dict:
    return res(
        "AWS::ApiGateway::Method", RestApiId={"Ref": api}, HttpMethod=verb, AuthorizationType=auth, **extra
    )


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        pytest.param(
            {
                "Cdn": res(
                    "AWS::CloudFront::Distribution", DistributionConfig={"Origins": [{"DomainName": "x"}]}
                ),
                "WafCdn": res("AWS::CloudFront::Distribution", DistributionConfig={"WebACLId": "arn:acl"}),
                "Signed": res(
                    "AWS::CloudFront::Distribution",
                    DistributionConfig={"DefaultCacheBehavior": {"TrustedKeyGroups": ["kg"]}},
                ),
            },
            [
                ("high", "CloudFront distribution", "Cdn", "none", "no"),
                ("medium", "CloudFront distribution", "WafCdn", "none", "yes"),
                ("low", "CloudFront distribution", "Signed", "signed URLs or cookies", "no"),
            ],
            id="cloudfront",
        ),
        pytest.param(
            {
                "Open": res("AWS::ApiGateway::RestApi", EndpointConfiguration={"Types": ["REGIONAL"]}),
                "OpenGet": _method("Open", "GET", "NONE"),
                "Cognito": res("AWS::ApiGateway::RestApi", EndpointConfiguration={"Types": ["REGIONAL"]}),
                "CognitoGet": _method("Cognito", "GET", "COGNITO_USER_POOLS"),
                "CognitoOptions": _method("Cognito", "OPTIONS", "NONE"),
                "Iam": res("AWS::ApiGateway::RestApi"),
                "IamPost": _method("Iam", "POST", "AWS_IAM"),
                "IamStage": res("AWS::ApiGateway::Stage", RestApiId={"Ref": "Iam"}),
                "IamWaf": res(
                    "AWS::WAFv2::WebACLAssociation",
                    ResourceArn={
                        "Fn::Sub": "arn:aws:apigateway:us-east-1::/restapis/${Iam}/stages/${IamStage}"
                    },
                ),
                "Private": res("AWS::ApiGateway::RestApi", EndpointConfiguration={"Types": ["PRIVATE"]}),
                "PrivateGet": _method("Private", "GET", "NONE"),
            },
            [
                ("high", "API Gateway REST API", "Open", "none", "no"),
                ("low", "API Gateway REST API", "Cognito", "Cognito", "no"),
                ("info", "API Gateway REST API", "Iam", "IAM", "yes"),
            ],
            id="rest-api-private-left-out",
        ),
        pytest.param(
            {
                "Http": res("AWS::ApiGatewayV2::Api", ProtocolType="HTTP"),
                "Health": res("AWS::ApiGatewayV2::Route", ApiId={"Ref": "Http"}, RouteKey="GET /health"),
                "Jwt": res("AWS::ApiGatewayV2::Api", ProtocolType="HTTP"),
                "Me": res(
                    "AWS::ApiGatewayV2::Route",
                    ApiId={"Ref": "Jwt"},
                    RouteKey="GET /me",
                    AuthorizationType="JWT",
                ),
                "Ws": res("AWS::ApiGatewayV2::Api", ProtocolType="WEBSOCKET"),
                "Connect": res(
                    "AWS::ApiGatewayV2::Route",
                    ApiId={"Ref": "Ws"},
                    RouteKey="$connect",
                    AuthorizationType="AWS_IAM",
                ),
                "Message": res("AWS::ApiGatewayV2::Route", ApiId={"Ref": "Ws"}, RouteKey="$default"),
            },
            [
                ("high", "API Gateway HTTP API", "Http", "none", "not supported"),
                ("low", "API Gateway HTTP API", "Jwt", "JWT", "not supported"),
                ("low", "API Gateway WebSocket API", "Ws", "IAM", "not supported"),
            ],
            id="http-and-websocket-apis",
        ),
        pytest.param(
            {
                "Public": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="application"),
                "Guarded": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Scheme="internet-facing"),
                "GuardedWaf": _assoc("Guarded"),
                "GuardedListener": res(
                    "AWS::ElasticLoadBalancingV2::Listener",
                    LoadBalancerArn={"Ref": "Guarded"},
                    Port=443,
                    DefaultActions=[{"Type": "authenticate-oidc"}, {"Type": "forward"}],
                ),
                "Nlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network"),
                "Internal": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Scheme="internal"),
                "Gwlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="gateway"),
                "Classic": res("AWS::ElasticLoadBalancing::LoadBalancer"),
            },
            [
                ("high", "Internet-facing load balancer", "Public", "none", "no"),
                ("high", "Internet-facing load balancer", "Nlb", "none", "not supported"),
                ("high", "Internet-facing load balancer", "Classic", "none", "not supported"),
                ("info", "Internet-facing load balancer", "Guarded", "OIDC", "yes"),
            ],
            id="load-balancers-internal-left-out",
        ),
        pytest.param(
            {
                "Open": res(
                    "AWS::Lambda::Url", AuthType="NONE", TargetFunctionArn={"Fn::GetAtt": ["Fn", "Arn"]}
                ),
                "Iam": res("AWS::Lambda::Url", AuthType="AWS_IAM"),
                "Domain": res("AWS::Cognito::UserPoolDomain", UserPoolId={"Ref": "Pool"}, Domain="login"),
                "PoolWaf": res("AWS::WAFv2::WebACLAssociation", ResourceArn={"Fn::GetAtt": ["Pool", "Arn"]}),
                "Graph": res("AWS::AppSync::GraphQLApi", AuthenticationType="API_KEY"),
                "CognitoGraph": res(
                    "AWS::AppSync::GraphQLApi", AuthenticationType="AMAZON_COGNITO_USER_POOLS"
                ),
                "PrivateGraph": res(
                    "AWS::AppSync::GraphQLApi", AuthenticationType="AWS_IAM", Visibility="PRIVATE"
                ),
            },
            [
                ("high", "AppSync GraphQL API", "Graph", "none", "no"),
                ("high", "Lambda function URL", "Open", "none", "not supported"),
                ("low", "AppSync GraphQL API", "CognitoGraph", "Cognito", "no"),
                ("low", "Lambda function URL", "Iam", "IAM", "not supported"),
                ("info", "Cognito domain", "Domain", "user pool sign-in (public sign-in page)", "yes"),
            ],
            id="function-urls-cognito-appsync",
        ),
        pytest.param(
            {
                "Accelerator": res("AWS::GlobalAccelerator::Accelerator"),
                "Sftp": res("AWS::Transfer::Server", Protocols=["SFTP"]),
                "VpcSftp": res("AWS::Transfer::Server", EndpointType="VPC"),
                "VpcEipSftp": res(
                    "AWS::Transfer::Server",
                    EndpointType="VPC",
                    EndpointDetails={"AddressAllocationIds": ["eipalloc-1"]},
                    IdentityProviderType="AWS_LAMBDA",
                ),
                "Iot": res("AWS::IoT::DomainConfiguration", DomainName="iot.example.com"),
            },
            [
                ("high", "Global Accelerator", "Accelerator", "none", "not supported"),
                (
                    "low",
                    "Transfer Family server",
                    "Sftp",
                    "SSH keys (service-managed users)",
                    "not supported",
                ),
                (
                    "low",
                    "Transfer Family server",
                    "VpcEipSftp",
                    "custom identity provider (Lambda)",
                    "not supported",
                ),
                ("low", "IoT Core endpoint", "Iot", "X.509 client certificates", "not supported"),
            ],
            id="accelerator-transfer-iot",
        ),
        pytest.param(
            {
                "NatIp": res("AWS::EC2::EIP", Domain="vpc"),
                "Nat": res("AWS::EC2::NatGateway", AllocationId={"Fn::GetAtt": ["NatIp", "AllocationId"]}),
                "HostIp": res("AWS::EC2::EIP", InstanceId={"Ref": "Host"}),
                "Host": res("AWS::EC2::Instance", NetworkInterfaces=[{"AssociatePublicIpAddress": True}]),
                "PrivateHost": res("AWS::EC2::Instance"),
                "Tasks": res(
                    "AWS::ECS::Service",
                    NetworkConfiguration={"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED"}},
                ),
            },
            [
                ("high", "Elastic IP", "HostIp", "none", "not supported"),
                ("high", "Instance with a public IPv4 address", "Host", "none", "not supported"),
                ("high", "Tasks with a public IPv4 address", "Tasks", "none", "not supported"),
                ("info", "Elastic IP", "NatIp", "n/a (outbound only)", "not supported"),
            ],
            id="public-addresses",
        ),
        pytest.param(
            {
                "Sg": res(
                    "AWS::EC2::SecurityGroup",
                    SecurityGroupIngress=[
                        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"},
                    ],
                ),
                "V6": res(
                    "AWS::EC2::SecurityGroupIngress", IpProtocol="-1", CidrIpv6="::/0", GroupId={"Ref": "Sg"}
                ),
                "Website": res(
                    "AWS::S3::Bucket",
                    WebsiteConfiguration={"IndexDocument": "index.html"},
                    PublicAccessBlockConfiguration=BLOCK,
                ),
                "Private": res("AWS::S3::Bucket", PublicAccessBlockConfiguration=BLOCK),
                "OpenPolicy": res(
                    "AWS::S3::BucketPolicy",
                    Bucket={"Ref": "Private"},
                    PolicyDocument={
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": "*"},
                                "Action": "s3:GetObject",
                                "Resource": "*",
                            },
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "s3:GetObject",
                                "Resource": "*",
                                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
                            },
                            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"},
                        ]
                    },
                ),
                "Db": res("AWS::RDS::DBInstance", PubliclyAccessible=True),
            },
            [
                ("high", "World-open ingress", "V6", "none", "not supported"),
                ("high", "S3 website endpoint", "Website", "none", "not supported"),
                ("high", "Public bucket", "OpenPolicy", "none", "not supported"),
                ("high", "Publicly accessible database", "Db", "none", "not supported"),
                ("medium", "World-open ingress", "Sg", "none", "not supported"),
            ],
            id="ingress-buckets-databases",
        ),
    ],
)
def test_each_endpoint_type_with_its_authentication_and_waf(resources, expected):
    assert _found(resources) == expected


def test_details_name_the_open_methods_and_routes():
    stack = stack_of(
        {
            "Api": res("AWS::ApiGateway::RestApi"),
            "Items": res(
                "AWS::ApiGateway::Resource",
                PathPart="items",
                ParentId={"Fn::GetAtt": ["Api", "RootResourceId"]},
            ),
            "Item": res("AWS::ApiGateway::Resource", PathPart="{id}", ParentId={"Ref": "Items"}),
            "Get": _method("Api", "GET", "NONE", ResourceId={"Ref": "Item"}),
            "Put": _method("Api", "PUT", "COGNITO_USER_POOLS", ResourceId={"Ref": "Item"}),
            "Http": res("AWS::ApiGatewayV2::Api"),
            "Route": res("AWS::ApiGatewayV2::Route", ApiId={"Ref": "Http"}, RouteKey="GET /health"),
        }
    )
    details = {e.logical_id: e.detail for e in find_exposure(stack)}
    assert details == {
        "Api": "EDGE endpoint, 2 method(s); no authorization on GET /items/{id}",
        "Http": "1 route(s); no authorization on GET /health",
    }


def test_buckets_without_a_full_public_access_block_are_listed():
    stack = stack_of(
        {
            "NoBlock": res("AWS::S3::Bucket"),
            "Partial": res(
                "AWS::S3::Bucket", PublicAccessBlockConfiguration={**BLOCK, "BlockPublicPolicy": False}
            ),
        }
    )
    details = [e.detail for e in find_exposure(stack)]
    assert details[0].startswith("no public-access block in the template")
    assert details[1] == "public-access block partial: BlockPublicPolicy not set"


def test_nothing_public():
    assert find_exposure(stack_of({"Fn": res("AWS::Lambda::Function"), "Q": res("AWS::SQS::Queue")})) == []
