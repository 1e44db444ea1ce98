"""The admin area (until the curation issue: the minimal review queue)."""
