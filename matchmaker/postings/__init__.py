"""Achievements and needs: browse, detail, create, edit, submit, withdraw, my postings."""
