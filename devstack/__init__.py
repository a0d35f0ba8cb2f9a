"""The local stack: starts, watches and stops every process of the system (`make run`)."""

from devstack.config import StackSettings
from devstack.stack import Stack, StackError

__all__ = ["Stack", "StackError", "StackSettings"]
