"""Matching as a pure library: plain posting dicts in, ranked ids out (no Flask, no database)."""

from .config import REASONS, MatchConfig
from .matcher import Matcher, Suggestion

__all__ = ["Matcher", "MatchConfig", "Suggestion", "REASONS"]
