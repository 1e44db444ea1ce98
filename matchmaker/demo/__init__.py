"""Demo data for `flask seed demo`: the project's own, fictional."""
