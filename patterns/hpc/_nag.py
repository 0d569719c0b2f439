"""cdk-nag finding ids about this pattern's buckets (names computed with ``_core.nag_ref``)."""

from __future__ import annotations

from constructs import IConstruct

from .._core import nag_ref


def bucket_objects_finding(bucket: IConstruct) -> str:
    """The IAM5 finding id of a grant on every object of ``bucket`` ('' for an imported bucket)."""
    ref = nag_ref(bucket)
    return f"AwsSolutions-IAM5[Resource::{ref}/*]" if ref else ""
