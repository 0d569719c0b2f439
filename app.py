#!/usr/bin/env python3
"""The example CDK app: every example stack, with cdk-nag AwsSolutions as a validation plugin."""

from aws_cdk import App

from stacks import build

app = App()
build(app)
app.synth()
