"""My account: password, my data (download), account deletion."""
