"""My organization: its members, requests to join it and their decisions, or asking to join one."""
