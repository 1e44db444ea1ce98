"""Suggestions across my postings, and feedback on them."""
