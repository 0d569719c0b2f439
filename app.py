#!/usr/bin/env python3
"""The example CDK app: every example stack, checked by cdk-nag AwsSolutions and CloudDesignPatternChecks.

Run it through the CDK CLI (`make synth`, `npx cdk deploy ...`); `python app.py` works too, with the
same feature flags (read from cdk.json) and the same checks. A context mistake (`-c vpn=flase`) prints
one line naming the key and exits with status 1.
"""

import gc

# One short run that builds a large, long-lived object graph (aws-cdk-lib's classes, the construct tree):
# the cyclic collector's full passes over it cost ~0.5 s and free next to nothing. Reference counting
# still frees everything else.
gc.disable()

from stacks import ContextError, create_app, synth  # noqa: E402

try:
    app = create_app()
except ContextError as error:
    raise SystemExit(str(error)) from None
synth(app)
