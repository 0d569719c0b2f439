"""Sign-in with X (Twitter) through a Cognito identity pool: ApiBackend / ServerlessWebApp(twitter_login=...),
the example stack's context keys, the handlers' caller for AWS_IAM requests, and the page's SigV4 code."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import botocore.auth
import pytest
from aws_cdk import App, Environment, RemovalPolicy, SecretValue, Stack, Token, Validations
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Template
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cdk_nag import AwsSolutionsChecks
from moto import mock_aws

from patterns import TwitterLogin as TopLevelTwitterLogin
from patterns.checks import CloudDesignPatternChecks
from patterns.serverless_web import ApiBackend, GoogleLogin, ServerlessWebApp, TwitterLogin
from stacks import feature_flags, unacknowledged_findings
from stacks.serverless_web import ServerlessWebAlarmsStack, ServerlessWebEdgeStack, ServerlessWebStack
from tests.conftest import new_stack, template_of
from tests.support import cfn_lint

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "patterns" / "serverless_web" / "runtime"
SCRIPT = RUNTIME / "browser" / "x_sign_in.mjs"
TWITTER = TwitterLogin(consumer_key="xKey123", consumer_secret=SecretValue.secrets_manager("web/x-consumer"))
SITE = "https://www.example.com"


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def api_paths(template: Template) -> dict[str, str]:
    """Logical id of each AWS::ApiGateway::Resource -> its full path (``/iam/items/{id}``)."""
    resources = template.find_resources("AWS::ApiGateway::Resource")

    def path_of(logical_id: str) -> str:
        props = resources[logical_id]["Properties"]
        parent = props["ParentId"]
        prefix = path_of(parent["Ref"]) if "Ref" in parent else ""
        return f"{prefix}/{props['PathPart']}"

    return {logical_id: path_of(logical_id) for logical_id in resources}


def methods(template: Template) -> dict[tuple[str, str], dict[str, Any]]:
    """(HTTP verb, path) -> the method's properties."""
    paths = api_paths(template)
    found = {}
    for method in template.find_resources("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        resource = props["ResourceId"]
        path = paths[resource["Ref"]] if "Ref" in resource else "/"
        found[(props["HttpMethod"], path)] = props
    return found


def the(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    (found,) = template.find_resources(resource_type).items()
    return found


def authenticated_role(template: Template) -> tuple[str, dict[str, Any]]:
    roles = {
        logical_id: role
        for logical_id, role in template.find_resources("AWS::IAM::Role").items()
        if role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"].get("Federated")
        == "cognito-identity.amazonaws.com"
    }
    (found,) = roles.items()
    return found


def policies_of(template: Template, role_id: str) -> list[dict[str, Any]]:
    return [
        policy["Properties"]
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
    ]


# --------------------------------------------------------------------------------------------------
# ApiBackend(twitter_login=...)
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain() -> tuple[ApiBackend, Template]:
    stack = new_stack()
    api = ApiBackend(stack, "Api", domain_prefix="my-app", cors_allowed_origins=[SITE])
    return api, template_of(stack)


@pytest.fixture(scope="module")
def twitter() -> tuple[ApiBackend, Template]:
    stack = new_stack()
    api = ApiBackend(stack, "Api", domain_prefix="my-app", cors_allowed_origins=[SITE], twitter_login=TWITTER)
    return api, template_of(stack)


class TestWithoutTwitter:
    def test_no_identity_pool_role_or_iam_routes(self, plain) -> None:
        api, template = plain
        template.resource_count_is("AWS::Cognito::IdentityPool", 0)
        template.resource_count_is("AWS::Cognito::IdentityPoolRoleAttachment", 0)
        assert not any(path.startswith("/iam") for _, path in methods(template))
        assert {
            props["AuthorizationType"] for (verb, _), props in methods(template).items() if verb != "OPTIONS"
        } == {"COGNITO_USER_POOLS"}
        assert api.twitter_login is None
        assert api.identity_pool is None
        assert api.identity_pool_id is None
        assert api.authenticated_role is None
        assert api.iam_methods == []

    def test_cors_allows_only_the_bearer_token_headers(self, plain) -> None:
        _, template = plain
        options = methods(template)[("OPTIONS", "/items/{id}")]
        headers = options["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
        assert (
            headers["method.response.header.Access-Control-Allow-Headers"] == "'Authorization,Content-Type'"
        )


class TestIdentityPool:
    def test_twitter_and_the_user_pool_no_unauthenticated_identities(self, twitter) -> None:
        _, template = twitter
        _, pool = the(template, "AWS::Cognito::IdentityPool")
        (client_id,) = template.find_resources("AWS::Cognito::UserPoolClient")
        (user_pool_id,) = template.find_resources("AWS::Cognito::UserPool")
        assert pool["Properties"] == {
            "AllowUnauthenticatedIdentities": False,
            "AllowClassicFlow": False,
            "SupportedLoginProviders": {
                "api.twitter.com": "xKey123;{{resolve:secretsmanager:web/x-consumer:SecretString:::}}"
            },
            "CognitoIdentityProviders": [
                {
                    "ClientId": {"Ref": client_id},
                    "ProviderName": {"Fn::GetAtt": [user_pool_id, "ProviderName"]},
                    "ServerSideTokenCheck": True,
                }
            ],
        }

    def test_retained_by_default(self, twitter) -> None:
        _, template = twitter
        _, pool = the(template, "AWS::Cognito::IdentityPool")
        assert pool["DeletionPolicy"] == "Retain"
        assert pool["UpdateReplacePolicy"] == "Retain"

    def test_removal_policy_applies_to_the_identity_pool(self) -> None:
        stack = new_stack()
        ApiBackend(
            stack, "Api", domain_prefix="my-app", twitter_login=TWITTER, removal_policy=RemovalPolicy.DESTROY
        )
        _, pool = the(template_of(stack), "AWS::Cognito::IdentityPool")
        assert pool["DeletionPolicy"] == "Delete"

    def test_only_the_authenticated_role_is_attached(self, twitter) -> None:
        _, template = twitter
        pool_id, _ = the(template, "AWS::Cognito::IdentityPool")
        role_id, _ = authenticated_role(template)
        _, attachment = the(template, "AWS::Cognito::IdentityPoolRoleAttachment")
        assert attachment["Properties"] == {
            "IdentityPoolId": {"Ref": pool_id},
            "Roles": {"authenticated": {"Fn::GetAtt": [role_id, "Arn"]}},
        }
        # one role for the identity pool: no unauthenticated role exists at all
        federated = [
            role
            for role in template.find_resources("AWS::IAM::Role").values()
            if "Federated" in role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        ]
        assert len(federated) == 1

    def test_role_trusts_only_authenticated_identities_of_this_pool(self, twitter) -> None:
        _, template = twitter
        pool_id, _ = the(template, "AWS::Cognito::IdentityPool")
        _, role = authenticated_role(template)
        assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
            {
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Condition": {
                    "StringEquals": {"cognito-identity.amazonaws.com:aud": {"Ref": pool_id}},
                    "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
                },
            }
        ]
        assert role["Properties"]["MaxSessionDuration"] == 3600
        assert "ManagedPolicyArns" not in role["Properties"]
        assert "Policies" not in role["Properties"]

    def test_role_may_invoke_exactly_the_iam_methods(self, twitter) -> None:
        _, template = twitter
        role_id, _ = authenticated_role(template)
        (api_id,) = template.find_resources("AWS::ApiGateway::RestApi")
        (stage_id,) = template.find_resources("AWS::ApiGateway::Stage")
        (policy,) = policies_of(template, role_id)

        def arn(verb: str) -> dict[str, Any]:
            return {
                "Fn::Join": [
                    "",
                    [
                        "arn:aws:execute-api:us-east-1:",
                        {"Ref": "AWS::AccountId"},
                        ":",
                        {"Ref": api_id},
                        "/",
                        {"Ref": stage_id},
                        f"/{verb}/iam/items/*",
                    ],
                ]
            }

        assert policy["PolicyDocument"]["Statement"] == [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": [arn("GET"), arn("PUT")]}
        ]

    def test_policy_arns_name_the_aws_iam_methods_and_no_cognito_one(self, twitter) -> None:
        _, template = twitter
        role_id, _ = authenticated_role(template)
        (policy,) = policies_of(template, role_id)
        scoped = {
            resource["Fn::Join"][1][-1] for resource in policy["PolicyDocument"]["Statement"][0]["Resource"]
        }
        iam_methods = {
            f"/{verb}{path.replace('{id}', '*')}"
            for (verb, path), props in methods(template).items()
            if props["AuthorizationType"] == "AWS_IAM"
        }
        assert scoped == iam_methods == {"/GET/iam/items/*", "/PUT/iam/items/*"}


class TestIamRoutes:
    def test_get_and_put_behind_aws_iam_with_the_same_handlers_and_validation(self, twitter) -> None:
        _, template = twitter
        found = methods(template)
        for verb in ("GET", "PUT"):
            iam_method, cognito_method = found[(verb, "/iam/items/{id}")], found[(verb, "/items/{id}")]
            assert iam_method["AuthorizationType"] == "AWS_IAM"
            assert "AuthorizerId" not in iam_method
            assert cognito_method["AuthorizationType"] == "COGNITO_USER_POOLS"
            assert iam_method["Integration"]["Uri"] == cognito_method["Integration"]["Uri"]
            assert iam_method["RequestValidatorId"] == cognito_method["RequestValidatorId"]
            assert iam_method["RequestParameters"] == {"method.request.path.id": True}
        assert (
            found[("PUT", "/iam/items/{id}")]["RequestModels"]
            == found[("PUT", "/items/{id}")]["RequestModels"]
        )
        assert "RequestModels" not in found[("GET", "/iam/items/{id}")]

    def test_cors_allows_the_sigv4_headers(self, twitter) -> None:
        _, template = twitter
        for path in ("/items/{id}", "/iam/items/{id}"):
            options = methods(template)[("OPTIONS", path)]
            headers = options["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
            assert (
                headers["method.response.header.Access-Control-Allow-Headers"]
                == "'Authorization,Content-Type,X-Amz-Date,X-Amz-Security-Token'"
            )

    def test_attributes(self, twitter) -> None:
        api, _ = twitter
        assert api.twitter_login is TWITTER
        assert api.identity_pool is not None
        assert api.identity_pool_id is not None and Token.is_unresolved(api.identity_pool_id)
        assert api.authenticated_role is not None
        assert [m.http_method for m in api.iam_methods] == ["GET", "PUT"]
        assert {m.resource.path for m in api.iam_methods} == {"/iam/items/{id}"}


class TestNoPlainSecret:
    def test_template_holds_only_the_dynamic_reference(self, twitter) -> None:
        _, template = twitter
        text = json.dumps(template.to_json())
        assert text.count("{{resolve:secretsmanager:") == 1
        assert text.count("web/x-consumer") == 1

    def test_a_secret_of_the_same_stack_is_referenced_not_copied(self) -> None:
        stack = new_stack()
        secret = secretsmanager.Secret(stack, "XSecret", removal_policy=RemovalPolicy.RETAIN)
        ApiBackend(
            stack,
            "Api",
            domain_prefix="my-app",
            twitter_login=TwitterLogin(consumer_key="xKey123", consumer_secret=secret.secret_value),
        )
        template = template_of(stack)
        (secret_id,) = template.find_resources("AWS::SecretsManager::Secret")
        template.has_resource_properties(
            "AWS::Cognito::IdentityPool",
            {
                "SupportedLoginProviders": {
                    "api.twitter.com": {
                        "Fn::Join": [
                            "",
                            ["xKey123;{{resolve:secretsmanager:", {"Ref": secret_id}, ":SecretString:::}}"],
                        ]
                    }
                }
            },
        )

    def test_a_json_field_of_a_secret(self) -> None:
        stack = new_stack()
        ApiBackend(
            stack,
            "Api",
            domain_prefix="my-app",
            twitter_login=TwitterLogin(
                consumer_key="xKey123",
                consumer_secret=SecretValue.secrets_manager("web/x", json_field="consumerSecret"),
            ),
        )
        template_of(stack).has_resource_properties(
            "AWS::Cognito::IdentityPool",
            {
                "SupportedLoginProviders": {
                    "api.twitter.com": "xKey123;{{resolve:secretsmanager:web/x:SecretString:consumerSecret::}}"
                }
            },
        )

    def test_a_consumer_key_from_a_token(self) -> None:
        stack = new_stack()
        key = SecretValue.secrets_manager("web/x", json_field="consumerKey").unsafe_unwrap()
        ApiBackend(
            stack,
            "Api",
            domain_prefix="my-app",
            twitter_login=TwitterLogin(
                consumer_key=key, consumer_secret=SecretValue.secrets_manager("web/x2")
            ),
        )
        template_of(stack).resource_count_is("AWS::Cognito::IdentityPool", 1)


class TestBadInput:
    def build(self, twitter_login: Any) -> None:
        ApiBackend(new_stack(), "Api", domain_prefix="my-app", twitter_login=twitter_login)

    def test_every_problem_in_one_error(self) -> None:
        with pytest.raises(ValueError) as error:
            self.build(TwitterLogin(consumer_key="", consumer_secret="plain-text-secret"))  # type: ignore[arg-type]
        message = str(error.value)
        assert message.startswith("ApiBackend: invalid arguments:")
        assert "twitter_login.consumer_key='': must be a non-empty string" in message
        assert "twitter_login.consumer_secret='str': must be an aws_cdk.SecretValue" in message
        assert "plain-text-secret" not in message  # the error does not print the secret either

    @pytest.mark.parametrize("key", ["", "   ", "key;with-semicolon", "key with space", 12345, None])
    def test_bad_consumer_key(self, key: Any) -> None:
        with pytest.raises(
            ValueError,
            match=r"twitter_login\.consumer_key=.*: (must be a non-empty string without spaces or ';'|must be a str|is required)",
        ):
            self.build(TwitterLogin(consumer_key=key, consumer_secret=SecretValue.secrets_manager("web/x")))

    @pytest.mark.parametrize(
        "secret",
        [
            SecretValue.unsafe_plain_text("plain-text-secret"),
            SecretValue.ssm_secure("/web/x-consumer"),
        ],
        ids=["unsafe_plain_text", "ssm_secure"],
    )
    def test_secret_not_from_secrets_manager(self, secret: SecretValue) -> None:
        with pytest.raises(
            ValueError, match=r"twitter_login\.consumer_secret='SecretValue': must come from Secrets Manager"
        ):
            self.build(TwitterLogin(consumer_key="xKey123", consumer_secret=secret))

    @pytest.mark.parametrize("secret", ["plain-text-secret", b"bytes", 42, None])
    def test_secret_not_a_secret_value(self, secret: Any) -> None:
        with pytest.raises(
            ValueError,
            match=r"twitter_login\.consumer_secret=.*(must be an aws_cdk\.SecretValue|is required: must be aws_cdk\.SecretValue)",
        ):
            self.build(TwitterLogin(consumer_key="xKey123", consumer_secret=secret))

    @pytest.mark.parametrize(
        "login",
        [
            "xKey123;secret",
            {"consumer_key": "xKey123"},
            GoogleLogin(client_id="c", client_secret=SecretValue.secrets_manager("g")),
        ],
        ids=["string", "dict", "GoogleLogin"],
    )
    def test_not_a_twitter_login(self, login: Any) -> None:
        with pytest.raises(ValueError, match=r"twitter_login=.*: must be TwitterLogin, not "):
            self.build(login)

    def test_reported_with_the_other_arguments(self) -> None:
        with pytest.raises(ValueError) as error:
            ApiBackend(
                new_stack(),
                "Api",
                domain_prefix="Bad_Prefix",
                twitter_login=TwitterLogin(
                    consumer_key="a b", consumer_secret=SecretValue.secrets_manager("x")
                ),
            )
        assert "domain_prefix='Bad_Prefix'" in str(error.value)
        assert "twitter_login.consumer_key='a b'" in str(error.value)

    def test_exported_at_the_top_level(self) -> None:
        assert TopLevelTwitterLogin is TwitterLogin


class TestPolicyChecks:
    def test_no_unacknowledged_finding_and_cfn_lint_clean(self) -> None:
        """cdk-nag and the project's checks in an app without the example's feature flags, in a
        region-agnostic stack and in one with an explicit account (the nag finding ids differ); the
        example app (flags, us-east-1) is checked by the example-stack tests."""
        with tempfile.TemporaryDirectory() as outdir:
            app = App(outdir=outdir)
            stacks = [
                Stack(app, "Agnostic"),
                Stack(app, "Explicit", env=Environment(account="123456789012", region="eu-west-1")),
            ]
            for stack in stacks:
                ApiBackend(
                    stack, "Api", domain_prefix="my-app", cors_allowed_origins=[SITE], twitter_login=TWITTER
                )
            Validations.of(app).add_plugins(AwsSolutionsChecks(app), CloudDesignPatternChecks())
            assembly = app.synth()
            assert unacknowledged_findings(assembly.directory) == []
            for stack, region in zip(stacks, ("us-east-1", "eu-west-1"), strict=True):
                template = json.loads((Path(outdir) / f"{stack.artifact_id}.template.json").read_text())
                assert cfn_lint(template, region=region) == []


# --------------------------------------------------------------------------------------------------
# ServerlessWebApp and the example stack
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_template() -> Template:
    stack = new_stack()
    ServerlessWebApp(stack, "Web", auth_domain_prefix="my-web", twitter_login=TWITTER)
    return template_of(stack)


class TestServerlessWebApp:
    def test_passes_twitter_login_to_the_api(self, app_template) -> None:
        app_template.has_resource_properties(
            "AWS::Cognito::IdentityPool",
            {
                "SupportedLoginProviders": {
                    "api.twitter.com": "xKey123;{{resolve:secretsmanager:web/x-consumer:SecretString:::}}"
                }
            },
        )
        assert ("PUT", "/iam/items/{id}") in methods(app_template)

    def test_page_may_call_cognito_identity(self, app_template) -> None:
        (policy,) = app_template.find_resources("AWS::CloudFront::ResponseHeadersPolicy").values()
        csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"][
            "ContentSecurityPolicy"
        ]
        assert csp["ContentSecurityPolicy"].endswith(
            "connect-src 'self' https://*.execute-api.us-east-1.amazonaws.com https://*.amazoncognito.com "
            "https://cognito-identity.us-east-1.amazonaws.com"
        )


def example(**context: Any) -> Template:
    app = App(context={**feature_flags(), **context})
    east = Environment(region="us-east-1")
    edge = ServerlessWebEdgeStack(app, "Edge", env=east)
    alarms = ServerlessWebAlarmsStack(app, "Alarms", edge=edge, env=east, cross_region_references=True)
    web = ServerlessWebStack(app, "Web", edge=edge, alarms=alarms, env=east, cross_region_references=True)
    return Template.from_stack(web)


@pytest.fixture(scope="module")
def default() -> Template:
    return example()


class TestExampleStack:
    def test_signs_in_with_x_by_default_with_a_placeholder_secret_it_owns(self, default) -> None:
        secret_id, secret = the(default, "AWS::SecretsManager::Secret")
        assert secret["DeletionPolicy"] == "Retain"
        assert secret["Properties"]["GenerateSecretString"] == {
            "ExcludePunctuation": True,
            "PasswordLength": 50,
        }
        default.has_resource_properties(
            "AWS::Cognito::IdentityPool",
            {
                "AllowUnauthenticatedIdentities": False,
                "SupportedLoginProviders": {
                    "api.twitter.com": {
                        "Fn::Join": [
                            "",
                            [
                                "x-consumer-key-not-set;{{resolve:secretsmanager:",
                                {"Ref": secret_id},
                                ":SecretString:::}}",
                            ],
                        ]
                    }
                },
            },
        )
        pool_id, _ = the(default, "AWS::Cognito::IdentityPool")
        outputs = default.to_json()["Outputs"]
        assert outputs["IdentityPoolId"]["Value"] == {"Ref": pool_id}
        assert outputs["XConsumerSecretArn"]["Value"] == {"Ref": secret_id}

    def test_existing_secret_and_key_from_context(self) -> None:
        template = example(
            twitter_consumer_key="AbCdEf0123456789", twitter_secret_name="prod/x-consumer-secret"
        )
        template.resource_count_is("AWS::SecretsManager::Secret", 0)
        template.has_resource_properties(
            "AWS::Cognito::IdentityPool",
            {
                "SupportedLoginProviders": {
                    "api.twitter.com": "AbCdEf0123456789;{{resolve:secretsmanager:prod/x-consumer-secret:SecretString:::}}"
                }
            },
        )
        assert "XConsumerSecretArn" not in template.to_json()["Outputs"]

    def test_off_with_context(self) -> None:
        template = example(twitter="false")
        template.resource_count_is("AWS::Cognito::IdentityPool", 0)
        template.resource_count_is("AWS::SecretsManager::Secret", 0)
        assert "IdentityPoolId" not in template.to_json()["Outputs"]

    def test_bad_key_from_context_is_refused(self) -> None:
        with pytest.raises(
            ValueError, match=r"-c twitter_consumer_key=two words: must be the X app's API key"
        ):
            example(twitter_consumer_key="two words")


# --------------------------------------------------------------------------------------------------
# The handlers: who wrote an item through /iam/items
# --------------------------------------------------------------------------------------------------


def load_api() -> ModuleType:
    if str(RUNTIME) not in sys.path:
        sys.path.insert(0, str(RUNTIME))
    spec = importlib.util.spec_from_file_location("serverless_web_twitter_api", RUNTIME / "api.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


api_handlers = load_api()
IDENTITY = "us-east-1:0b8c1d2e-3f40-4a5b-9c6d-7e8f90a1b2c3"


class TestCaller:
    @pytest.mark.parametrize(
        ("request_context", "expected"),
        [
            ({"authorizer": {"claims": {"sub": "user-123"}}}, "user-123"),
            ({"identity": {"cognitoIdentityId": IDENTITY}}, IDENTITY),
            (
                {"authorizer": {"claims": {"sub": "user-123"}}, "identity": {"cognitoIdentityId": IDENTITY}},
                "user-123",
            ),
            ({"identity": {"cognitoIdentityId": None}}, "unknown"),
            ({}, "unknown"),
        ],
        ids=["user-pool", "identity-pool", "both", "none", "empty"],
    )
    def test_caller_of(self, request_context: dict[str, Any], expected: str) -> None:
        assert api_handlers.caller_of({"requestContext": request_context}) == expected

    def test_put_through_iam_records_the_identity(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TABLE_NAME", "items")
        monkeypatch.delenv("PAGES_BUCKET", raising=False)
        with mock_aws():
            dynamodb = boto3.client("dynamodb", region_name="us-east-1")
            dynamodb.create_table(
                TableName="items",
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            )
            api_handlers._clients.clear()
            response = api_handlers.put_item(
                {
                    "pathParameters": {"id": "hello"},
                    "headers": {},
                    "body": json.dumps({"title": "Hello"}),
                    "requestContext": {"identity": {"cognitoIdentityId": IDENTITY}},
                },
                None,
            )
            api_handlers._clients.clear()
            assert response["statusCode"] == 200
            item = dynamodb.get_item(TableName="items", Key={"id": {"S": "hello"}})["Item"]
        assert item["updated_by"] == {"S": IDENTITY}


# --------------------------------------------------------------------------------------------------
# The page's script: SigV4 against AWS's published test vectors and botocore; Cognito Identity calls
# --------------------------------------------------------------------------------------------------

NODE_RUNNER = """
import * as client from %(script)s;
const input = JSON.parse(await new Promise((resolve) => {
  let data = ""; process.stdin.on("data", (c) => (data += c)); process.stdin.on("end", () => resolve(data));
}));
const out = { signed: [], calls: [] };
for (const c of input.sign) {
  const r = await client.signRequest({ ...c, now: new Date(c.now) });
  out.signed.push({ headers: r.headers, canonicalRequest: r.canonicalRequest, signature: r.signature });
}
// Cognito Identity and the API against a recording fake fetch
const replies = [
  { IdentityId: "%(identity)s" },
  { IdentityId: "%(identity)s", Credentials: { AccessKeyId: "ASIAEXAMPLE", SecretKey: "secret/key", SessionToken: "tok+en", Expiration: 1764554400 } },
  { ok: true },
];
const fakeFetch = async (url, init) => {
  out.calls.push({ url, ...init });
  return { ok: true, status: 200, json: async () => replies[out.calls.length - 1] };
};
const logins = client.twitterLogins("oauth-token", "oauth-token-secret");
const credentials = await client.credentialsFor({
  region: "us-east-1", identityPoolId: "us-east-1:pool", logins, fetchImpl: fakeFetch,
});
out.credentials = { ...credentials, expiration: credentials.expiration.toISOString() };
await client.callApi({
  apiUrl: "https://abc123.execute-api.us-east-1.amazonaws.com/v1", method: "PUT", path: "/iam/items/hello",
  body: { title: "Hello" }, credentials, region: "us-east-1", fetchImpl: fakeFetch, now: new Date(input.now),
});
try {
  await client.credentialsFor({ region: "us-east-1", identityPoolId: "p", logins, fetchImpl: async () => ({
    ok: false, status: 400, json: async () => ({ __type: "NotAuthorizedException", message: "Invalid login token." }),
  }) });
} catch (error) { out.error = error.message; }
try { client.twitterLogins("", "secret"); } catch (error) { out.emptyToken = error.message; }
out.userPool = client.userPoolLogins("us-east-1", "us-east-1_AbC", "id-token");
console.log(JSON.stringify(out));
"""

VECTOR_KEYS = {"accessKeyId": "AKIDEXAMPLE", "secretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
VECTOR_DATE = "2015-08-30T12:36:00Z"
NOW = "2026-12-01T02:00:00Z"
TEMPORARY = {"accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "secret/key", "sessionToken": "tok+en//=="}
API = "https://abc123.execute-api.us-east-1.amazonaws.com"

# AWS's SigV4 test suite (get-vanilla, get-vanilla-query-order-key-case): published signatures.
PUBLISHED = [
    (
        {"method": "GET", "url": "https://example.amazonaws.com/", "service": "service"},
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ),
    (
        {
            "method": "GET",
            "url": "https://example.amazonaws.com/?Param2=value2&Param1=value1",
            "service": "service",
        },
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    ),
]

# Requests the page makes (and harder ones), signed by the script and by botocore's SigV4Auth.
AGAINST_BOTOCORE = [
    {"method": "GET", "url": f"{API}/v1/iam/items/hello"},
    {
        "method": "PUT",
        "url": f"{API}/v1/iam/items/hello",
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"title": "Hello", "body": "ünïcode & spaces"}),
    },
    {"method": "GET", "url": f"{API}/v1/iam/items/h%C3%A9llo%20world"},
    {"method": "GET", "url": f"{API}/v1/iam/items/hello?b=2&a=1&a=0&empty="},
    {"method": "GET", "url": f"{API}:8443/v1/iam/items/hello", "headers": {"X-Custom": "  two   spaces "}},
]


@pytest.fixture(scope="module")
def node_results() -> dict[str, Any]:
    node = shutil.which("node") or shutil.which("node", path=str(ROOT / ".venv" / "bin"))
    assert node, "Node.js is needed for the page script's tests (make setup installs it)"
    sign = [
        {**case, "credentials": VECTOR_KEYS, "region": "us-east-1", "now": VECTOR_DATE}
        for case, _ in PUBLISHED
    ] + [{**case, "credentials": TEMPORARY, "region": "us-east-1", "now": NOW} for case in AGAINST_BOTOCORE]
    script = NODE_RUNNER % {"script": json.dumps(SCRIPT.as_uri()), "identity": IDENTITY}
    result = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps({"sign": sign, "now": NOW}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def botocore_headers(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(
        botocore.auth, "get_current_datetime", lambda: datetime(2026, 12, 1, 2, 0, 0, tzinfo=UTC)
    )
    request = AWSRequest(
        method=case["method"],
        url=case["url"],
        data=case.get("body", ""),
        headers=dict(case.get("headers", {})),
    )
    credentials = Credentials(
        TEMPORARY["accessKeyId"], TEMPORARY["secretAccessKey"], TEMPORARY["sessionToken"]
    )
    SigV4Auth(credentials, "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers.items())


class TestPageScript:
    @pytest.mark.parametrize(
        ("index", "expected"),
        [(0, PUBLISHED[0][1]), (1, PUBLISHED[1][1])],
        ids=["get-vanilla", "get-vanilla-query-order-key-case"],
    )
    def test_published_test_vectors(self, node_results, index: int, expected: str) -> None:
        signed = node_results["signed"][index]
        assert signed["signature"] == expected
        assert signed["headers"]["Authorization"] == (
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={expected}"
        )
        assert signed["headers"]["X-Amz-Date"] == "20150830T123600Z"

    @pytest.mark.parametrize(
        "index",
        range(len(AGAINST_BOTOCORE)),
        ids=["get", "put-json", "encoded-path", "query", "port-and-spaces"],
    )
    def test_same_signature_as_botocore(self, node_results, monkeypatch, index: int) -> None:
        case = AGAINST_BOTOCORE[index]
        expected = botocore_headers(case, monkeypatch)
        signed = node_results["signed"][len(PUBLISHED) + index]["headers"]
        assert signed["X-Amz-Date"] == expected["X-Amz-Date"] == "20261201T020000Z"
        assert signed["X-Amz-Security-Token"] == expected["X-Amz-Security-Token"] == "tok+en//=="
        assert signed["Authorization"] == expected["Authorization"]

    def test_signature_changes_with_the_body(self, node_results) -> None:
        get, put = node_results["signed"][len(PUBLISHED)], node_results["signed"][len(PUBLISHED) + 1]
        assert get["signature"] != put["signature"]
        assert put["canonicalRequest"].endswith(
            __import__("hashlib").sha256(AGAINST_BOTOCORE[1]["body"].encode()).hexdigest()
        )

    def test_gets_credentials_from_the_identity_pool_with_the_x_token(self, node_results) -> None:
        get_id, get_credentials, _ = node_results["calls"]
        for call, action in ((get_id, "GetId"), (get_credentials, "GetCredentialsForIdentity")):
            assert call["url"] == "https://cognito-identity.us-east-1.amazonaws.com/"
            assert call["method"] == "POST"
            assert call["headers"] == {
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"AWSCognitoIdentityService.{action}",
            }
        logins = {"api.twitter.com": "oauth-token;oauth-token-secret"}
        assert json.loads(get_id["body"]) == {"IdentityPoolId": "us-east-1:pool", "Logins": logins}
        assert json.loads(get_credentials["body"]) == {"IdentityId": IDENTITY, "Logins": logins}
        assert node_results["credentials"] == {
            "identityId": IDENTITY,
            "accessKeyId": "ASIAEXAMPLE",
            "secretAccessKey": "secret/key",
            "sessionToken": "tok+en",
            "expiration": "2025-12-01T02:00:00.000Z",
        }

    def test_calls_the_api_signed(self, node_results, monkeypatch) -> None:
        *_, api_call = node_results["calls"]
        assert api_call["url"] == f"{API}/v1/iam/items/hello"
        assert api_call["method"] == "PUT"
        assert api_call["body"] == '{"title":"Hello"}'
        monkeypatch.setattr(
            botocore.auth, "get_current_datetime", lambda: datetime(2026, 12, 1, 2, 0, 0, tzinfo=UTC)
        )
        request = AWSRequest(
            method="PUT",
            url=api_call["url"],
            data=api_call["body"],
            headers={"Content-Type": "application/json"},
        )
        SigV4Auth(Credentials("ASIAEXAMPLE", "secret/key", "tok+en"), "execute-api", "us-east-1").add_auth(
            request
        )
        assert api_call["headers"]["Authorization"] == request.headers["Authorization"]
        assert api_call["headers"]["X-Amz-Security-Token"] == "tok+en"

    def test_errors_and_other_logins(self, node_results) -> None:
        assert node_results["error"] == "GetId failed (400): NotAuthorizedException Invalid login token."
        assert node_results["emptyToken"] == "X access token and secret are both required"
        assert node_results["userPool"] == {"cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC": "id-token"}
