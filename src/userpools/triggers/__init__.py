"""Lambda triggers: Cognito's event envelope, the invocation backends and the trigger call sites' helpers.

See the developer guide's "Customizing user pool workflows with Lambda triggers" and docs/triggers.md.
"""

from userpools.triggers.invoke import run_trigger

__all__ = ["run_trigger"]
