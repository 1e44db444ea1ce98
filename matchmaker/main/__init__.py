"""Public pages: home, language switch, health."""
