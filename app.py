#!/usr/bin/env python3
"""The example CDK app: every example stack, checked by cdk-nag AwsSolutions and CloudDesignPatternChecks.

Run it through the CDK CLI (`make synth`, `npx cdk deploy ...`); `python app.py` works too, with the
same feature flags (read from cdk.json) and the same checks.
"""

from stacks import create_app, synth

synth(create_app())
