"""The pool's entities, one module each; importing this package registers them all."""

from matchmaker.models.organization import Organization
from matchmaker.models.user import User
from matchmaker.models.posting import Achievement, Need, Posting

__all__ = ["Organization", "User", "Achievement", "Need", "Posting"]
