"""Interests, conversations and deals between the two sides of a pair."""
