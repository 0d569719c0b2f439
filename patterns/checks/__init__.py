"""The talks' lessons as policy checks any CDK app can run next to cdk-nag.

from aws_cdk import Validations
from patterns.checks import CloudDesignPatternChecks
Validations.of(app).add_plugins(CloudDesignPatternChecks())
"""

from .model import Result, Severity, Status, Template
from .plugin import PLUGIN_NAME, CloudDesignPatternChecks
from .rules import ALL_RULES

__all__ = ["ALL_RULES", "PLUGIN_NAME", "CloudDesignPatternChecks", "Result", "Severity", "Status", "Template"]
