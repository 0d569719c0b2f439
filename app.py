#!/usr/bin/env python3
"""The example CDK app: every example stack, checked by cdk-nag AwsSolutions and CloudDesignPatternChecks."""

from aws_cdk import App

from stacks import build, synth

app = App()
build(app)
synth(app)
