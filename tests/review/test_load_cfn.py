"""Template helpers (references, flat text, type names) and the cloud-assembly loader (nested assemblies,
construct paths from metadata, display names), each value written out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from patterns.review.cfn import (
    as_list,
    flat_text,
    is_intrinsic,
    is_true,
    obj,
    ref_target,
    referenced_ids,
    service_of,
    short_type,
)
from patterns.review.load import ReviewError, StackTemplate, load_assembly, props_of, type_of
from patterns.review.report import resources_by_service, review
from patterns.review.write import write_report
from tests.review.templates import write_assembly


@pytest.mark.parametrize(
    ("value", "intrinsic"),
    [
        ({"Ref": "X"}, True),
        ({"Fn::GetAtt": ["X", "Arn"]}, True),
        ({"Fn::Join": ["", []]}, True),
        ({"Condition": "C"}, False),
        ({"Ref": "X", "Other": 1}, False),
        ({"Value": 1}, False),
        ({"Refs": 1}, True),
        ("Ref", False),
        (["Ref"], False),
        ({}, False),
    ],
)
def test_is_intrinsic(value, intrinsic):
    assert is_intrinsic(value) is intrinsic


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        ({"Ref": "A"}, {"A"}),
        ({"Ref": ["A"]}, set()),
        ({"Fn::GetAtt": ["A", "Arn"]}, {"A"}),
        ({"Fn::GetAtt": "A.Arn.Deep"}, {"A"}),
        ({"Fn::GetAtt": []}, set()),
        ({"Fn::GetAtt": [{"Ref": "B"}, "Arn"]}, {"B"}),
        ({"Fn::GetAtt": {"Ref": "B"}}, {"B"}),
        ({"Fn::Sub": "${A}-${B.Arn}-${!Literal}-${AWS::Region}"}, {"A", "B"}),
        ({"Fn::Sub": ["${A}-${B}", {"B": {"Ref": "C"}}]}, {"A", "C"}),
        ({"Fn::Sub": ["${A}"]}, {"A"}),
        ({"Fn::Sub": ["${A}", "not a map"]}, {"A"}),
        ({"Fn::Sub": []}, set()),
        ({"Fn::Sub": {"Ref": "D"}}, set()),  # not a valid Fn::Sub: nothing read from it
        ({"Outer": [{"Ref": "A"}, {"Inner": {"Ref": "AWS::AccountId"}}]}, {"A"}),
        ("${A}", set()),
    ],
)
def test_referenced_ids(value, ids):
    assert referenced_ids(value) == ids


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ({"Ref": "A"}, "A"),
        ({"Ref": 1}, None),
        ({"Fn::GetAtt": ["A", "Arn"]}, "A"),
        ({"Fn::GetAtt": "A.Arn"}, "A"),
        ({"Fn::GetAtt": "A"}, "A"),
        ({"Fn::GetAtt": []}, None),
        ({"Fn::GetAtt": [1, "Arn"]}, None),
        ({"Fn::GetAtt": 5}, None),
        ({"Fn::Sub": "${A}"}, None),
        ({"Ref": "A", "Fn::GetAtt": ["B", "Arn"]}, None),
        ("A", None),
    ],
)
def test_ref_target(value, target):
    assert ref_target(value) == target


def test_obj_and_as_list():
    assert obj({"a": 1}) == {"a": 1} and obj([1]) == {} and obj(None) == {} and obj("x") == {}
    assert as_list(None) == [] and as_list([1, 2]) == [1, 2] and as_list("x") == ["x"] and as_list(0) == [0]
    assert as_list({"a": 1}) == [{"a": 1}]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain", "plain"),
        (True, "true"),
        (False, "false"),
        (8080, "8080"),
        (1.5, "1.5"),
        ({"Fn::Join": ["-", ["a", {"Ref": "B"}, 3]]}, "a-{B}-3"),
        ({"Fn::Join": ["-", "ab"]}, "{…}"),
        ({"Fn::Join": ["-"]}, "{…}"),
        ({"Ref": "B"}, "{B}"),
        ({"Fn::GetAtt": ["B", "Arn"]}, "{B.Arn}"),
        ({"Fn::GetAtt": "B.Arn"}, "{B.Arn}"),
        ({"Fn::Sub": "${A}-x"}, "${A}-x"),
        ({"Fn::Sub": ["${A}-y", {"A": "1"}]}, "${A}-y"),
        ({"Fn::ImportValue": "Shared:Vpc"}, "{import Shared:Vpc}"),
        ({"Fn::ImportValue": {"Fn::Sub": "${S}-Vpc"}}, "{import ${S}-Vpc}"),
        ({"Fn::Select": [0, ["a"]]}, "{…}"),
        ({"Ref": "A", "Other": "B"}, "{…}"),
        (None, "{…}"),
        (["a"], "{…}"),
    ],
)
def test_flat_text(value, text):
    assert flat_text(value) == text


@pytest.mark.parametrize(
    ("resource_type", "service", "short"),
    [
        ("AWS::EC2::Subnet", "EC2", "Subnet"),
        ("Alexa::ASK::Skill", "ASK", "Alexa::ASK::Skill"),
        ("Custom::Thing", "Custom", "Custom::Thing"),
        ("AWS::Lambda", "Lambda", "AWS::Lambda"),
        ("AWS::A::B::C", "A", "AWS::A::B::C"),
        ("Weird", "Weird", "Weird"),
        ("", "", ""),
    ],
)
def test_service_and_short_type(resource_type, service, short):
    assert service_of(resource_type) == service
    assert short_type(resource_type) == short


@pytest.mark.parametrize(
    ("value", "true"),
    [
        (True, True),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        (1, False),
        ("yes", False),
        (False, False),
        (None, False),
    ],
)
def test_is_true(value, true):
    assert is_true(value) is true


# --- the loader -----------------------------------------------------------------------------------------------


def test_type_and_props_of_odd_resources():
    assert type_of({"Type": "AWS::S3::Bucket"}) == "AWS::S3::Bucket"
    assert type_of({}) == "?" and type_of("x") == "?" and type_of({"Type": 5}) == "5"
    assert props_of({"Properties": {"A": 1}}) == {"A": 1}
    assert props_of({"Properties": [1]}) == {} and props_of(None) == {} and props_of({}) == {}


def test_stack_template_accessors():
    stack = StackTemplate(
        "S",
        {
            "Resources": {
                "A": {"Type": "AWS::S3::Bucket", "Properties": "odd", "DeletionPolicy": "Retain"},
                "B": {"Type": "AWS::SQS::Queue", "Properties": {"X": 1}},
                "C": {"Type": "AWS::S3::Bucket"},
            }
        },
    )
    assert stack.of_type("AWS::S3::Bucket") == [
        ("A", {"Type": "AWS::S3::Bucket", "Properties": {}, "DeletionPolicy": "Retain"}),
        ("C", {"Type": "AWS::S3::Bucket", "Properties": {}}),
    ]
    assert [lid for lid, _ in stack.of_type("AWS::SQS::Queue", "AWS::S3::Bucket")] == ["A", "B", "C"]
    assert stack.template["Resources"]["A"]["Properties"] == "odd", "of_type copies, never rewrites"
    assert stack.props("B") == {"X": 1} and stack.props("Missing") == {}
    assert StackTemplate("S", {"Resources": []}).resources == {}
    assert StackTemplate("S", {}).resources == {}


def _write(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))


def test_nested_assemblies_paths_and_display_names(tmp_path):
    root = tmp_path / "cdk.out"
    bucket = {"Type": "AWS::S3::Bucket", "Metadata": {"aws:cdk:path": "/Prod/Data/Bucket/Resource"}}
    _write(
        root / "Top.template.json", {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}, "Gone": {"Type": "X"}}}
    )
    _write(
        root / "Top.metadata.json",
        {
            "/Top/Work/Queue/Resource": [{"type": "aws:cdk:logicalId", "data": "Q"}, "junk"],
            "/Top/Gone": [{"type": "aws:cdk:warning", "data": "Gone"}],
            "/Top/NotHere": [{"type": "aws:cdk:logicalId", "data": "Absent"}],
            "bad": "not a list",
        },
    )
    _write(
        root / "manifest.json",
        {
            "artifacts": {
                "Top": {
                    "type": "aws:cloudformation:stack",
                    "properties": {"templateFile": "Top.template.json"},
                    "additionalMetadataFile": "Top.metadata.json",
                },
                "NoTemplate": {"type": "aws:cloudformation:stack", "properties": {}},
                "Junk": "not an artifact",
                "Stage": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}},
                "Again": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}},
                "Missing": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "nowhere"}},
                "NoDir": {"type": "cdk:cloud-assembly", "properties": {}},
            }
        },
    )
    nested = root / "assembly-Prod"
    _write(
        nested / "ProdData.template.json",
        {
            "Resources": {
                "Bucket": bucket,
                "Other": {"Type": "X", "Metadata": {"aws:cdk:path": "Elsewhere/Thing"}},
                "Flat": {"Type": "X", "Metadata": {"aws:cdk:path": "NoSlash"}},
                "NumberPath": {"Type": "X", "Metadata": {"aws:cdk:path": 5}},
                "NoMeta": {"Type": "X", "Metadata": "x"},
            }
        },
    )
    _write(
        nested / "manifest.json",
        {
            "artifacts": {
                "ProdData": {
                    "type": "aws:cloudformation:stack",
                    "displayName": "Prod/Data",
                    "properties": {"templateFile": "ProdData.template.json"},
                    "metadata": {"/Prod/Data/Flat": [{"type": "aws:cdk:logicalId", "data": "Flat"}]},
                    "additionalMetadataFile": "missing.json",
                },
                "Back": {"type": "cdk:cloud-assembly", "properties": {"directoryName": ".."}},
            }
        },
    )
    stacks = load_assembly(root)
    assert [(s.name, s.display_name, s.paths) for s in stacks] == [
        ("Top", "Top", {"Q": "Work/Queue/Resource"}),
        ("ProdData", "Prod/Data", {"Bucket": "Bucket/Resource", "Other": "Thing"}),
    ]


def test_a_broken_metadata_file_is_ignored(tmp_path):
    root = write_assembly(tmp_path / "cdk.out", {"S": {"Resources": {"A": {"Type": "X"}}}})
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["artifacts"]["S"]["additionalMetadataFile"] = "S.metadata.json"
    manifest["artifacts"]["S"]["metadata"] = {
        "/S/From/Manifest": [{"type": "aws:cdk:logicalId", "data": "A"}]
    }
    (root / "manifest.json").write_text(json.dumps(manifest))
    (root / "S.metadata.json").write_text("{broken")
    assert load_assembly(root)[0].paths == {"A": "From/Manifest"}
    (root / "S.metadata.json").write_text("[1, 2]")
    assert load_assembly(root)[0].paths == {"A": "From/Manifest"}
    (root / "S.metadata.json").write_text(
        json.dumps({"/S/From/File": [{"type": "aws:cdk:logicalId", "data": "A"}]})
    )
    assert load_assembly(root)[0].paths == {"A": "From/File"}


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ([], "lists no CloudFormation stack"),
        ({"artifacts": []}, "lists no CloudFormation stack"),
        (
            {
                "artifacts": {
                    "S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "gone.json"}}
                }
            },
            "cannot read template ",
        ),
    ],
)
def test_manifests_without_stacks(tmp_path, manifest, message):
    root = tmp_path / "cdk.out"
    _write(root / "manifest.json", manifest)
    with pytest.raises(ReviewError, match=message) as caught:
        load_assembly(root)
    assert "\n" not in str(caught.value)


def test_error_messages_in_full(tmp_path):
    root = tmp_path / "out"
    hint = "run `make synth` (or `cdk synth`) first"
    with pytest.raises(ReviewError) as caught:
        load_assembly(root)
    assert str(caught.value) == f"{root}: no such directory; {hint}"
    root.mkdir()
    with pytest.raises(ReviewError) as caught:
        load_assembly(root)
    assert str(caught.value) == f"{root} is empty; {hint}"
    (root / "x").write_text("x")
    with pytest.raises(ReviewError) as caught:
        load_assembly(root)
    assert str(caught.value) == f"{root} has no manifest.json: not a cloud assembly; {hint}"
    _write(root / "manifest.json", {"artifacts": {}})
    with pytest.raises(ReviewError) as caught:
        load_assembly(root)
    assert str(caught.value) == f"{root}/manifest.json lists no CloudFormation stack; {hint}"
    (root / "manifest.json").write_text('{"a":\n  nope}')
    with pytest.raises(ReviewError) as caught:
        load_assembly(root)
    assert (
        str(caught.value)
        == f"manifest {root / 'manifest.json'} is not valid JSON (line 2, column 3: Expecting value)"
    )
    write_assembly(root, {"S": "[]"})
    with pytest.raises(ReviewError) as caught:
        load_assembly(root)
    assert str(caught.value) == f"template {root / 'S.template.json'} is not a JSON object"
    (root / "S.template.json").unlink()
    with pytest.raises(ReviewError) as caught:
        load_assembly(root)
    assert str(caught.value) == f"cannot read template {root / 'S.template.json'}: No such file or directory"


# --- resources by service, the report's name, and the written files -------------------------------------------


def test_resources_by_service_most_first_then_by_name_without_cdk_metadata():
    stack = StackTemplate(
        "S",
        {
            "Resources": {
                "Fn": {"Type": "AWS::Lambda::Function"},
                "Meta": {"Type": "AWS::CDK::Metadata"},
                "Role": {"Type": "AWS::IAM::Role"},
                "Sub1": {"Type": "AWS::EC2::Subnet"},
                "Sub2": {"Type": "AWS::EC2::Subnet"},
                "Vpc": {"Type": "AWS::EC2::VPC"},
                "Policy": {"Type": "AWS::IAM::Policy"},
            }
        },
    )
    assert list(resources_by_service(stack).items()) == [
        ("EC2", [("Sub1", "AWS::EC2::Subnet"), ("Sub2", "AWS::EC2::Subnet"), ("Vpc", "AWS::EC2::VPC")]),
        ("IAM", [("Role", "AWS::IAM::Role"), ("Policy", "AWS::IAM::Policy")]),
        ("Lambda", [("Fn", "AWS::Lambda::Function")]),
    ]
    report = review(stack)
    assert report.resource_count == 6
    assert report.name == "S" and report.path_of("Fn") == ""
    named = review(StackTemplate("S", {}, paths={"Fn": "Api/Fn"}, display_name="Stage/S"))
    assert named.name == "Stage/S" and named.path_of("Fn") == "Api/Fn" and named.resource_count == 0


def test_file_names_are_safe_and_unique(tmp_path):
    root = tmp_path / "cdk.out"
    _write(
        root / "manifest.json",
        {
            "artifacts": {
                name: {
                    "type": "aws:cloudformation:stack",
                    "displayName": display,
                    "properties": {"templateFile": "t.json"},
                }
                for name, display in [("A", "Prod/Web"), ("B", "Prod-Web"), ("C", "..//.."), ("D", "x.y_z")]
            }
        },
    )
    _write(root / "t.json", {"Resources": {}})
    written = write_report(root)
    assert [p.name for p in written] == ["Prod-Web.md", "Prod-Web_.md", "stack.md", "x.y_z.md", "index.html"]
    assert all(p.parent == root / "review" and p.is_file() for p in written)
    assert written[0].read_text().startswith("# Review of stack `Prod/Web`\n")


def test_an_unwritable_output_is_a_review_error(tmp_path):
    root = write_assembly(tmp_path / "cdk.out", {"S": {"Resources": {}}})
    (tmp_path / "file").write_text("x")
    with pytest.raises(ReviewError) as caught:
        write_report(root, tmp_path / "file" / "sub")
    assert str(caught.value).startswith(f"cannot write the report to {tmp_path / 'file' / 'sub'}: ")
