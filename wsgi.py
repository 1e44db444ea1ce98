"""The WSGI entry point for gunicorn and ``flask run``: ``gunicorn wsgi:app``."""

from matchmaker.app import create_app

app = create_app()
