"""The notification centre, e-mail settings and saved searches."""
