#!/usr/bin/env python3
"""The example CDK app: every example stack, checked by cdk-nag AwsSolutions and CloudDesignPatternChecks.

Run it through the CDK CLI (`make synth`, `npx cdk deploy ...`); `python app.py` works too, with the
same feature flags (read from cdk.json) and the same checks. A context mistake (`-c vpn=flase`) prints
one line naming the key and exits with status 1.
"""

from stacks import ContextError, create_app, synth

try:
    app = create_app()
except ContextError as error:
    raise SystemExit(str(error)) from None
synth(app)
