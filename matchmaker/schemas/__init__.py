"""Input schemas, one per use case (marshmallow): the single statement of what a request may carry.

Field names are the models' names. The services load their input through these schemas, so the web
forms (which only render fields and show the errors these schemas report), the JSON API (which serves
them through flask-smorest, and documents them in its OpenAPI document) and the importer can never
disagree on a rule. Messages are Flask-Babel lazy strings: Chinese by default, English on request.
"""

from matchmaker.schemas.base import Input, InvalidInput, load

__all__ = ["Input", "InvalidInput", "load"]
