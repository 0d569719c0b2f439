"""Public exposure, finder by finder: every field of every finding (kind, resource, detail, authentication,
WAF, severity) written out, with the private and disabled endpoints that must be left out."""

from __future__ import annotations

import pytest

from patterns.review import exposure as x
from tests.review.templates import res, stack_of

BLOCK = dict.fromkeys(
    ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
)
NS = "not supported"


def _rows(finder, resources):
    return [
        (e.kind, e.logical_id, e.resource_type, e.detail, e.auth, e.waf, e.severity)
        for e in finder(stack_of(resources))
    ]


def _method(api, verb, auth, **extra):
    return res(
        "AWS::ApiGateway::Method", RestApiId={"Ref": api}, HttpMethod=verb, AuthorizationType=auth, **extra
    )


def _route(api, key, **extra):
    return res("AWS::ApiGatewayV2::Route", ApiId={"Ref": api}, RouteKey=key, **extra)


def test_distributions():
    resources = {
        "Cdn": res(
            "AWS::CloudFront::Distribution",
            DistributionConfig={
                "Origins": [{"DomainName": "a", "OriginAccessControlId": "oac"}, {"DomainName": "b"}, "junk"],
                "Aliases": ["www.example.com", {"Ref": "Alias"}],
                "CacheBehaviors": [{"PathPattern": "/a"}, {"TrustedSigners": ["self"]}],
                "WebACLId": {"Ref": "Acl"},
            },
        ),
        "Bare": res("AWS::CloudFront::Distribution"),
        "KeyGroups": res(
            "AWS::CloudFront::Distribution",
            DistributionConfig={"DefaultCacheBehavior": {"TrustedKeyGroups": ["kg"]}, "CacheBehaviors": []},
        ),
    }
    t = "AWS::CloudFront::Distribution"
    assert _rows(x.distributions, resources) == [
        (
            "CloudFront distribution",
            "Cdn",
            t,
            "3 origin(s), 1 behind origin access control; aliases www.example.com, {Alias}",
            "signed URLs or cookies",
            "yes",
            "info",
        ),
        (
            "CloudFront distribution",
            "Bare",
            t,
            "0 origin(s), 0 behind origin access control",
            "none",
            "no",
            "high",
        ),
        (
            "CloudFront distribution",
            "KeyGroups",
            t,
            "0 origin(s), 0 behind origin access control",
            "signed URLs or cookies",
            "no",
            "low",
        ),
    ]


def test_rest_apis():
    resources = {
        "Api": res(
            "AWS::ApiGateway::RestApi",
            EndpointConfiguration={"Types": ["EDGE"]},
            DisableExecuteApiEndpoint=True,
        ),
        "Items": res(
            "AWS::ApiGateway::Resource",
            RestApiId={"Ref": "Api"},
            ParentId={"Fn::GetAtt": ["Api", "RootResourceId"]},
            PathPart="items",
        ),
        "Item": res(
            "AWS::ApiGateway::Resource", RestApiId={"Ref": "Api"}, ParentId={"Ref": "Items"}, PathPart="{id}"
        ),
        "GetItem": _method("Api", "GET", "NONE", ResourceId={"Ref": "Item"}, ApiKeyRequired=True),
        "PutItem": _method("Api", "PUT", "NONE", ResourceId={"Ref": "Item"}, ApiKeyRequired=False),
        "PostItems": _method("Api", "POST", "CUSTOM", ResourceId={"Ref": "Items"}),
        "Stage": res("AWS::ApiGateway::Stage", RestApiId={"Ref": "Api"}),
        "ApiWaf": res(
            "AWS::WAFv2::WebACLAssociation",
            ResourceArn={"Fn::Sub": "arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Stage}"},
        ),
        "Private": res("AWS::ApiGateway::RestApi", EndpointConfiguration={"Types": ["PRIVATE"]}),
        "PrivateGet": _method("Private", "GET", "NONE"),
        "Mixed": res("AWS::ApiGateway::RestApi", EndpointConfiguration={"Types": ["REGIONAL", "PRIVATE"]}),
        "MixedA": _method("Mixed", "GET", "AWS_IAM"),
        "MixedB": _method("Mixed", "PUT", "COGNITO_USER_POOLS"),
        "MixedC": _method("Mixed", "PATCH", "AWS_IAM"),
        "MixedD": _method("Mixed", "DELETE", "WEIRD"),
        "MixedOptions": _method("Mixed", "OPTIONS", "NONE"),
        "Empty": res("AWS::ApiGateway::RestApi"),
        "Regional": res("AWS::ApiGateway::RestApi", EndpointConfiguration={"Types": ["REGIONAL"]}),
        "RegionalAny": _method("Regional", "ANY", "NONE", ResourceId={"Ref": "Missing"}),
        "RegionalNoVerb": res("AWS::ApiGateway::Method", RestApiId={"Ref": "Regional"}),
        "RegionalWaf": res("AWS::WAFRegional::WebACLAssociation", ResourceArn={"Ref": "Regional"}),
    }
    t = "AWS::ApiGateway::RestApi"
    assert _rows(x.rest_apis, resources) == [
        (
            "API Gateway REST API",
            "Api",
            t,
            "EDGE endpoint, 3 method(s); no authorization on GET /items/{id} (API key required), PUT /items/{id}; "
            "default execute-api endpoint disabled",
            "none",
            "yes",
            "medium",
        ),
        (
            "API Gateway REST API",
            "Mixed",
            t,
            "REGIONAL/PRIVATE endpoint, 4 method(s)",
            "IAM, Cognito, WEIRD",
            "no",
            "low",
        ),
        ("API Gateway REST API", "Empty", t, "EDGE endpoint, 0 method(s)", "none", "no", "high"),
        (
            "API Gateway REST API",
            "Regional",
            t,
            "REGIONAL endpoint, 2 method(s); no authorization on ANY /, ? /",
            "none",
            "yes",
            "medium",
        ),
    ]


def test_an_api_path_stops_at_a_loop():
    resources = {
        "Api": res("AWS::ApiGateway::RestApi"),
        "A": res("AWS::ApiGateway::Resource", ParentId={"Ref": "B"}, PathPart="a"),
        "B": res("AWS::ApiGateway::Resource", ParentId={"Ref": "A"}, PathPart="b"),
        "Get": _method("Api", "GET", "NONE", ResourceId={"Ref": "A"}),
    }
    (found,) = x.rest_apis(stack_of(resources))
    assert found.detail == "EDGE endpoint, 1 method(s); no authorization on GET /" + "/".join(["b", "a"] * 25)


def test_http_and_websocket_apis():
    resources = {
        "Http": res("AWS::ApiGatewayV2::Api", ProtocolType="HTTP", DisableExecuteApiEndpoint="true"),
        "HttpGet": _route("Http", "GET /items"),
        "HttpPost": _route("Http", "POST /items", AuthorizationType="JWT"),
        "HttpOptions": _route("Http", "OPTIONS /items"),
        "HttpWaf": res("AWS::WAFv2::WebACLAssociation", ResourceArn={"Ref": "Http"}),
        "Http2": res("AWS::ApiGatewayV2::Api"),
        "Http2A": _route("Http2", "GET /a", AuthorizationType="AWS_IAM"),
        "Http2B": _route("Http2", "GET /b", AuthorizationType="CUSTOM"),
        "Http2C": _route("Http2", "GET /c", AuthorizationType="ODD"),
        "Http2D": _route("Http2", "GET /d", AuthorizationType="AWS_IAM"),
        "Ws": res("AWS::ApiGatewayV2::Api", ProtocolType="WEBSOCKET"),
        "WsConnect": _route("Ws", "$connect", AuthorizationType="AWS_IAM"),
        "WsDefault": _route("Ws", "$default"),
        "OpenWs": res("AWS::ApiGatewayV2::Api", ProtocolType="WEBSOCKET"),
        "OpenWsConnect": _route("OpenWs", "$connect", AuthorizationType="NONE"),
        "NoRoutes": res("AWS::ApiGatewayV2::Api", ProtocolType="HTTP"),
        "Unnamed": res("AWS::ApiGatewayV2::Api"),
        "UnnamedRoute": res("AWS::ApiGatewayV2::Route", ApiId={"Ref": "Unnamed"}),
    }
    t = "AWS::ApiGatewayV2::Api"
    assert _rows(x.http_apis, resources) == [
        (
            "API Gateway HTTP API",
            "Http",
            t,
            "2 route(s); no authorization on GET /items; default execute-api endpoint disabled",
            "none",
            NS,
            "high",
        ),
        ("API Gateway HTTP API", "Http2", t, "4 route(s)", "IAM, Lambda authorizer, ODD", NS, "low"),
        ("API Gateway WebSocket API", "Ws", t, "1 route(s)", "IAM", NS, "low"),
        (
            "API Gateway WebSocket API",
            "OpenWs",
            t,
            "1 route(s); no authorization on $connect",
            "none",
            NS,
            "high",
        ),
        ("API Gateway HTTP API", "NoRoutes", t, "0 route(s)", "none", NS, "high"),
        ("API Gateway HTTP API", "Unnamed", t, "1 route(s); no authorization on ?", "none", NS, "high"),
    ]


def test_graphql_apis():
    resources = {
        "Gql": res(
            "AWS::AppSync::GraphQLApi",
            AuthenticationType="AWS_IAM",
            AdditionalAuthenticationProviders=[
                {"AuthenticationType": "AMAZON_COGNITO_USER_POOLS"},
                {"AuthenticationType": "OPENID_CONNECT"},
                {"AuthenticationType": "AWS_LAMBDA"},
                {"AuthenticationType": "NEW"},
                {"AuthenticationType": "AWS_IAM"},
            ],
        ),
        "GqlWaf": res("AWS::WAFv2::WebACLAssociation", ResourceArn={"Fn::GetAtt": ["Gql", "Arn"]}),
        "Keyed": res(
            "AWS::AppSync::GraphQLApi", AdditionalAuthenticationProviders=[{"AuthenticationType": "AWS_IAM"}]
        ),
        "Private": res("AWS::AppSync::GraphQLApi", Visibility="PRIVATE"),
        "Global": res(
            "AWS::AppSync::GraphQLApi", Visibility="GLOBAL", AuthenticationType="AMAZON_COGNITO_USER_POOLS"
        ),
    }
    t = "AWS::AppSync::GraphQLApi"
    assert _rows(x.graphql_apis, resources) == [
        (
            "AppSync GraphQL API",
            "Gql",
            t,
            "authentication modes: AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, AWS_LAMBDA, NEW, AWS_IAM",
            "IAM, Cognito, OIDC, Lambda authorizer, NEW",
            "yes",
            "info",
        ),
        (
            "AppSync GraphQL API",
            "Keyed",
            t,
            "authentication modes: API_KEY, AWS_IAM (an API key identifies, it does not authenticate)",
            "none",
            "no",
            "high",
        ),
        (
            "AppSync GraphQL API",
            "Global",
            t,
            "authentication modes: AMAZON_COGNITO_USER_POOLS",
            "Cognito",
            "no",
            "low",
        ),
    ]


def test_load_balancers_with_their_own_listeners_and_rules():
    resources = {
        "Alb": res("AWS::ElasticLoadBalancingV2::LoadBalancer"),
        "L1": res(
            "AWS::ElasticLoadBalancingV2::Listener",
            LoadBalancerArn={"Ref": "Alb"},
            Port=443,
            DefaultActions=[{"Type": "authenticate-oidc"}, {"Type": "forward"}],
        ),
        "L2": res(
            "AWS::ElasticLoadBalancingV2::Listener",
            LoadBalancerArn={"Ref": "Alb"},
            Port=80,
            DefaultActions=[{"Type": "redirect"}],
        ),
        "Rule": res(
            "AWS::ElasticLoadBalancingV2::ListenerRule",
            ListenerArn={"Ref": "L1"},
            Actions=[{"Type": "authenticate-cognito"}, "junk"],
        ),
        "AlbWaf": res("AWS::WAFv2::WebACLAssociation", ResourceArn={"Ref": "Alb"}),
        "Nlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network", Scheme="internet-facing"),
        "NlbListener": res("AWS::ElasticLoadBalancingV2::Listener", LoadBalancerArn={"Ref": "Nlb"}),
        "Gwlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="gateway"),
        "Internal": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Scheme="internal"),
        "Clb": res("AWS::ElasticLoadBalancing::LoadBalancer"),
        "ClbWaf": res("AWS::WAFv2::WebACLAssociation", ResourceArn={"Ref": "Clb"}),
        "ClbInternal": res("AWS::ElasticLoadBalancing::LoadBalancer", Scheme="internal"),
    }
    v2, classic = "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer"
    assert _rows(x.load_balancers, resources) == [
        (
            "Internet-facing load balancer",
            "Alb",
            v2,
            "internet-facing application load balancer, listeners on 443, 80",
            "OIDC, Cognito",
            "yes",
            "info",
        ),
        (
            "Internet-facing load balancer",
            "Nlb",
            v2,
            "internet-facing network load balancer, listeners on ?",
            "none",
            NS,
            "high",
        ),
        (
            "Internet-facing load balancer",
            "Clb",
            classic,
            "internet-facing classic load balancer",
            "none",
            NS,
            "high",
        ),
    ]


def test_function_urls():
    resources = {
        "Url": res("AWS::Lambda::Url", TargetFunctionArn={"Fn::GetAtt": ["Fn", "Arn"]}, AuthType="AWS_IAM"),
        "Open": res("AWS::Lambda::Url", TargetFunctionArn="arn:aws:lambda:fn", AuthType="NONE"),
        "Iam": res("AWS::Lambda::Url", TargetFunctionArn={"Ref": "Fn2"}, AuthType="AWS_IAM"),
        "OpenBehindCdn": res("AWS::Lambda::Url", TargetFunctionArn={"Ref": "Fn3"}, AuthType="NONE"),
        "Cdn": res(
            "AWS::CloudFront::Distribution",
            DistributionConfig={
                "Origins": [
                    {"DomainName": {"Fn::GetAtt": ["Url", "FunctionUrl"]}},
                    {"DomainName": {"Fn::GetAtt": ["OpenBehindCdn", "FunctionUrl"]}},
                ]
            },
        ),
        "Cdn2": res(
            "AWS::CloudFront::Distribution",
            DistributionConfig={"Origins": [{"DomainName": {"Fn::GetAtt": ["Url", "FunctionUrl"]}}]},
        ),
    }
    t = "AWS::Lambda::Url"
    assert _rows(x.function_urls, resources) == [
        (
            "Lambda function URL",
            "Url",
            t,
            "function URL of Fn, signed by CloudFront Cdn, Cdn2",
            "IAM (CloudFront origin access control)",
            NS,
            "low",
        ),
        ("Lambda function URL", "Open", t, "function URL of arn:aws:lambda:fn", "none", NS, "high"),
        ("Lambda function URL", "Iam", t, "function URL of Fn2", "IAM", NS, "low"),
        ("Lambda function URL", "OpenBehindCdn", t, "function URL of Fn3", "none", NS, "high"),
    ]


def test_user_pool_domains_accelerators_transfer_and_iot():
    resources = {
        "Pool": res("AWS::Cognito::UserPool"),
        "PoolWaf": res("AWS::WAFv2::WebACLAssociation", ResourceArn={"Fn::GetAtt": ["Pool", "Arn"]}),
        "Domain": res("AWS::Cognito::UserPoolDomain", UserPoolId={"Ref": "Pool"}, Domain="auth-example"),
        "Domain2": res("AWS::Cognito::UserPoolDomain", UserPoolId="us-east-1_x"),
        "Ga": res("AWS::GlobalAccelerator::Accelerator"),
        "GaOn": res("AWS::GlobalAccelerator::Accelerator", Enabled=True),
        "GaOff": res("AWS::GlobalAccelerator::Accelerator", Enabled=False),
        "Sftp": res("AWS::Transfer::Server"),
        "Ftps": res(
            "AWS::Transfer::Server",
            EndpointType="VPC",
            EndpointDetails={"AddressAllocationIds": ["a"]},
            Protocols=["FTPS", "SFTP"],
            IdentityProviderType="AWS_LAMBDA",
        ),
        "VpcOnly": res("AWS::Transfer::Server", EndpointType="VPC", EndpointDetails={"VpcId": "v"}),
        "Gateway": res("AWS::Transfer::Server", EndpointType="PUBLIC", IdentityProviderType="API_GATEWAY"),
        "Directory": res(
            "AWS::Transfer::Server", IdentityProviderType="AWS_DIRECTORY_SERVICE", Protocols="FTP"
        ),
        "Odd": res("AWS::Transfer::Server", IdentityProviderType="OTHER"),
        "Iot": res(
            "AWS::IoT::DomainConfiguration",
            DomainName="iot.example.com",
            DomainConfigurationName="ignored",
            AuthorizerConfig={"DefaultAuthorizerName": "a"},
            DomainConfigurationStatus="ENABLED",
        ),
        "Iot2": res("AWS::IoT::DomainConfiguration", DomainConfigurationName="cfg"),
        "Iot3": res("AWS::IoT::DomainConfiguration", AuthorizerConfig={}),
        "IotOff": res("AWS::IoT::DomainConfiguration", DomainConfigurationStatus="DISABLED"),
    }
    stack_rows = [
        *_rows(x.user_pool_domains, resources),
        *_rows(x.accelerators, resources),
        *_rows(x.transfer_servers, resources),
        *_rows(x.iot_domains, resources),
    ]
    sign_in = "user pool sign-in (public sign-in page)"
    ga, tf, iot = (
        "AWS::GlobalAccelerator::Accelerator",
        "AWS::Transfer::Server",
        "AWS::IoT::DomainConfiguration",
    )
    assert stack_rows == [
        (
            "Cognito domain",
            "Domain",
            "AWS::Cognito::UserPoolDomain",
            "hosted UI and OAuth endpoints of Pool at auth-example",
            sign_in,
            "yes",
            "info",
        ),
        (
            "Cognito domain",
            "Domain2",
            "AWS::Cognito::UserPoolDomain",
            "hosted UI and OAuth endpoints of a user pool at ?",
            sign_in,
            "no",
            "low",
        ),
        ("Global Accelerator", "Ga", ga, "static anycast IP addresses", "none", NS, "high"),
        ("Global Accelerator", "GaOn", ga, "static anycast IP addresses", "none", NS, "high"),
        (
            "Transfer Family server",
            "Sftp",
            tf,
            "SFTP on a public endpoint",
            "SSH keys (service-managed users)",
            NS,
            "low",
        ),
        (
            "Transfer Family server",
            "Ftps",
            tf,
            "FTPS, SFTP on a VPC endpoint with Elastic IPs",
            "custom identity provider (Lambda)",
            NS,
            "low",
        ),
        (
            "Transfer Family server",
            "Gateway",
            tf,
            "SFTP on a public endpoint",
            "custom identity provider (API Gateway)",
            NS,
            "low",
        ),
        (
            "Transfer Family server",
            "Directory",
            tf,
            "FTP on a public endpoint",
            "Directory Service",
            NS,
            "low",
        ),
        ("Transfer Family server", "Odd", tf, "SFTP on a public endpoint", "OTHER", NS, "low"),
        ("IoT Core endpoint", "Iot", iot, "domain iot.example.com", "custom authorizer", NS, "low"),
        ("IoT Core endpoint", "Iot2", iot, "domain cfg", "X.509 client certificates", NS, "low"),
        (
            "IoT Core endpoint",
            "Iot3",
            iot,
            "domain AWS-managed domain",
            "X.509 client certificates",
            NS,
            "low",
        ),
    ]


def test_public_addresses():
    resources = {
        "NatIp": res("AWS::EC2::EIP"),
        "Nat": res("AWS::EC2::NatGateway", AllocationId={"Fn::GetAtt": ["NatIp", "AllocationId"]}),
        "Nat2": res("AWS::EC2::NatGateway", AllocationId="eipalloc-1"),
        "HostIp": res("AWS::EC2::EIP", InstanceId={"Ref": "Host"}),
        "FreeIp": res("AWS::EC2::EIP"),
        "Host": res("AWS::EC2::Instance", NetworkInterfaces=[{"AssociatePublicIpAddress": "true"}]),
        "Private": res("AWS::EC2::Instance", NetworkInterfaces=[{"AssociatePublicIpAddress": False}, "x"]),
        "Lt": res(
            "AWS::EC2::LaunchTemplate",
            LaunchTemplateData={"NetworkInterfaces": ["x", {"AssociatePublicIpAddress": True}]},
        ),
        "PrivateLt": res("AWS::EC2::LaunchTemplate", LaunchTemplateData={"NetworkInterfaces": ["x", {}]}),
        "Svc": res(
            "AWS::ECS::Service", NetworkConfiguration={"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED"}}
        ),
        "PrivateSvc": res(
            "AWS::ECS::Service", NetworkConfiguration={"AwsvpcConfiguration": {"AssignPublicIp": "DISABLED"}}
        ),
    }
    eip, sg = "AWS::EC2::EIP", "; security groups decide who reaches it"
    assert _rows(x.public_addresses, resources) == [
        (
            "Elastic IP",
            "NatIp",
            eip,
            "address of NAT gateway Nat: outbound only, accepts no inbound connection",
            "n/a (outbound only)",
            NS,
            "info",
        ),
        ("Elastic IP", "HostIp", eip, "attached to instance Host" + sg, "none", NS, "high"),
        ("Elastic IP", "FreeIp", eip, "Elastic IP address" + sg, "none", NS, "high"),
        (
            "Instance with a public IPv4 address",
            "Host",
            "AWS::EC2::Instance",
            "AssociatePublicIpAddress: true" + sg,
            "none",
            NS,
            "high",
        ),
        (
            "Instances with a public IPv4 address",
            "Lt",
            "AWS::EC2::LaunchTemplate",
            "launch template sets AssociatePublicIpAddress: true",
            "none",
            NS,
            "high",
        ),
        (
            "Tasks with a public IPv4 address",
            "Svc",
            "AWS::ECS::Service",
            "AssignPublicIp: ENABLED",
            "none",
            NS,
            "high",
        ),
    ]


def test_world_open_ingress():
    world4, world6 = {"CidrIp": "0.0.0.0/0"}, {"CidrIpv6": "::/0"}
    rules = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, **world4},
        {"IpProtocol": "6", "FromPort": 80, "ToPort": 80, **world6},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, **world4},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 443, **world4},
        {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, **world4},
        {"IpProtocol": "17", "FromPort": -1, "ToPort": -1, **world4},
        {"IpProtocol": "-1", **world4},
        {"IpProtocol": "all", **world6},
        {"IpProtocol": "1", "FromPort": 8, "ToPort": 0, **world4},
        {"IpProtocol": "tcp", **world4},
        {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 443, **world4},
        {"IpProtocol": "58", "FromPort": 1, "ToPort": 2, **world6},
        {"FromPort": 1, "ToPort": 2, **world4},
        {"IpProtocol": "udp", "FromPort": 443, "ToPort": 443, **world4},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": {"Ref": "Cidr"}},
        {"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "CidrIp": "1.2.3.4/32", "CidrIpv6": "::/0"},
        "junk",
    ]
    resources = {
        "Sg": res("AWS::EC2::SecurityGroup", SecurityGroupIngress=rules),
        "Ing": res(
            "AWS::EC2::SecurityGroupIngress",
            GroupId={"Fn::GetAtt": ["Sg", "GroupId"]},
            IpProtocol="tcp",
            FromPort=8080,
            ToPort=8080,
            CidrIp="0.0.0.0/0",
        ),
        "Ing2": res(
            "AWS::EC2::SecurityGroupIngress",
            GroupId="sg-123",
            IpProtocol="tcp",
            FromPort=443,
            ToPort=443,
            CidrIpv6="::/0",
        ),
        "Ing3": res(
            "AWS::EC2::SecurityGroupIngress",
            GroupId="sg-123",
            IpProtocol="tcp",
            FromPort=443,
            ToPort=443,
            CidrIp="1.2.3.4/32",
        ),
    }
    found = [(e.logical_id, e.detail, e.severity) for e in x.world_ingress(stack_of(resources))]
    assert found == [
        ("Sg", "tcp 443 from 0.0.0.0/0", "medium"),
        ("Sg", "tcp 80 from ::/0", "medium"),
        ("Sg", "tcp 22 from 0.0.0.0/0", "high"),
        ("Sg", "tcp 80-443 from 0.0.0.0/0", "high"),
        ("Sg", "udp all ports from 0.0.0.0/0", "high"),
        ("Sg", "udp all ports from 0.0.0.0/0", "high"),
        ("Sg", "all traffic from 0.0.0.0/0", "high"),
        ("Sg", "all traffic from ::/0", "high"),
        ("Sg", "icmp from 0.0.0.0/0", "high"),
        ("Sg", "tcp from 0.0.0.0/0", "high"),
        ("Sg", "tcp 0-443 from 0.0.0.0/0", "high"),
        ("Sg", "58 1-2 from ::/0", "high"),
        ("Sg", "? 1-2 from 0.0.0.0/0", "high"),
        ("Sg", "udp 443 from 0.0.0.0/0", "high"),
        ("Sg", "tcp 8443 from ::/0", "high"),
        ("Ing", "tcp 8080 from 0.0.0.0/0 into Sg", "high"),
        ("Ing2", "tcp 443 from ::/0 into sg-123", "medium"),
    ]
    every = x.world_ingress(stack_of(resources))
    assert {(e.kind, e.auth, e.waf) for e in every} == {("World-open ingress", "none", NS)}
    assert [e.resource_type for e in every][-3:] == [
        "AWS::EC2::SecurityGroup",
        *["AWS::EC2::SecurityGroupIngress"] * 2,
    ]


def test_public_buckets_and_databases():
    resources = {
        "Site": res(
            "AWS::S3::Bucket",
            WebsiteConfiguration={"IndexDocument": "index.html"},
            PublicAccessBlockConfiguration=BLOCK,
        ),
        "NoBlock": res("AWS::S3::Bucket"),
        "Partial": res(
            "AWS::S3::Bucket",
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "BlockPublicPolicy": "true",
                "IgnorePublicAcls": False,
            },
        ),
        "Private": res("AWS::S3::Bucket", PublicAccessBlockConfiguration=BLOCK),
        "Pol": res(
            "AWS::S3::BucketPolicy",
            Bucket={"Ref": "Private"},
            PolicyDocument={
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"]},
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:PutObject"},
                    {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:DeleteObject"},
                    {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {}}},
                    {"Effect": "Deny", "Principal": "*", "Action": "s3:*"},
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:*"},
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]},
                        "Action": "s3:Get",
                    },
                    "junk",
                ]
            },
        ),
        "Pol2": res(
            "AWS::S3::BucketPolicy",
            Bucket="named-bucket",
            PolicyDocument={"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}},
        ),
        "Db": res("AWS::RDS::DBInstance", PubliclyAccessible="true"),
        "PrivateDb": res("AWS::RDS::DBInstance", PubliclyAccessible=False),
        "Rs": res("AWS::Redshift::Cluster", PubliclyAccessible=True),
    }
    b, p = "AWS::S3::Bucket", "AWS::S3::BucketPolicy"
    assert _rows(x.public_buckets, resources) == [
        ("S3 website endpoint", "Site", b, "static website hosting (HTTP only) is on", "none", NS, "high"),
        (
            "Public bucket",
            "NoBlock",
            b,
            "no public-access block in the template (only the account or S3 default keeps it private)",
            "none",
            NS,
            "high",
        ),
        (
            "Public bucket",
            "Partial",
            b,
            "public-access block partial: IgnorePublicAcls, RestrictPublicBuckets not set",
            "none",
            NS,
            "high",
        ),
        (
            "Public bucket",
            "Pol",
            p,
            "bucket policy allows anyone (s3:GetObject, s3:ListBucket) on Private with no condition",
            "none",
            NS,
            "high",
        ),
        (
            "Public bucket",
            "Pol",
            p,
            "bucket policy allows anyone (s3:PutObject) on Private with no condition",
            "none",
            NS,
            "high",
        ),
        (
            "Public bucket",
            "Pol",
            p,
            "bucket policy allows anyone (s3:DeleteObject) on Private with no condition",
            "none",
            NS,
            "high",
        ),
        (
            "Public bucket",
            "Pol2",
            p,
            "bucket policy allows anyone (s3:GetObject) on named-bucket with no condition",
            "none",
            NS,
            "high",
        ),
    ]
    assert _rows(x.public_databases, resources) == [
        (
            "Publicly accessible database",
            "Db",
            "AWS::RDS::DBInstance",
            "PubliclyAccessible: true",
            "none",
            NS,
            "high",
        ),
        (
            "Publicly accessible database",
            "Rs",
            "AWS::Redshift::Cluster",
            "PubliclyAccessible: true",
            "none",
            NS,
            "high",
        ),
    ]


def test_findings_most_severe_first_then_in_finder_order():
    resources = {
        "Db": res("AWS::RDS::DBInstance", PubliclyAccessible=True),
        "Url": res("AWS::Lambda::Url", TargetFunctionArn="f", AuthType="AWS_IAM"),
        "Sg": res(
            "AWS::EC2::SecurityGroup",
            SecurityGroupIngress=[
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}
            ],
        ),
        "NatIp": res("AWS::EC2::EIP"),
        "Nat": res("AWS::EC2::NatGateway", AllocationId={"Ref": "NatIp"}),
        "Cdn": res("AWS::CloudFront::Distribution"),
    }
    assert [(e.severity, e.logical_id) for e in x.find_exposure(stack_of(resources))] == [
        ("high", "Cdn"),
        ("high", "Db"),
        ("medium", "Sg"),
        ("low", "Url"),
        ("info", "NatIp"),
    ]


@pytest.mark.parametrize(
    ("auth", "waf", "severity"),
    [
        ("none", "no", "high"),
        ("none", "yes", "medium"),
        ("none", NS, "high"),
        ("IAM", "no", "low"),
        ("IAM", "yes", "info"),
        ("IAM", NS, "low"),
    ],
)
def test_severity(auth, waf, severity):
    assert x._severity(auth, waf) == severity


def test_an_exposure_defaults_to_high_with_no_auth_and_no_waf_support():
    found = x.Exposure("k", "L", "T", "d")
    assert (found.auth, found.waf, found.severity) == ("none", NS, "high")
