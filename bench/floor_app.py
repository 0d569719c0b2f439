#!/usr/bin/env python3
"""The floor for bench/synth.py: one empty stack, synthesized through the same CLI and venv."""

from aws_cdk import App, CfnWaitConditionHandle, Stack

app = App()
stack = Stack(app, "Floor")
CfnWaitConditionHandle(stack, "Nothing")  # a stack needs one resource
app.synth()
