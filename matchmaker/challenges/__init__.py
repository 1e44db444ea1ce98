"""Open challenges (揭榜挂帅): the public list, a challenge's page, proposals, evaluation and the agreement.

The views parse the request and call the services (``services/challenges*.py``, ``services/proposals.py``),
which check every rule and own the transaction; refusals come back as a message or a 403/404/409.
"""

from flask import Blueprint

bp = Blueprint("challenges", __name__)

from matchmaker.challenges import agreement, bids, views  # noqa: E402,F401  (routes register on bp)
