"""The pool's entities, one module per area; importing this package registers them all."""

from matchmaker.models.challenge import (
    Challenge,
    ChallengeExpert,
    ChallengeSponsor,
    Milestone,
    Proposal,
    ProposalScore,
)
from matchmaker.models.curation import AuditLog, CuratedPair, DuplicateVerdict
from matchmaker.models.figures import FigureCounter, FigureState, NeedCoverage
from matchmaker.models.interest import Deal, Interest, InterestEvent, Message
from matchmaker.models.membership import JoinRequest
from matchmaker.models.notification import Notification, SavedSearch, SuggestionFeedback
from matchmaker.models.organization import Organization
from matchmaker.models.posting import Achievement, Need, Posting
from matchmaker.models.signup import Signup
from matchmaker.models.token import ApiToken
from matchmaker.models.user import User

__all__ = [
    "Organization",
    "User",
    "Achievement",
    "Need",
    "Posting",
    "Interest",
    "InterestEvent",
    "Message",
    "Deal",
    "Notification",
    "SavedSearch",
    "SuggestionFeedback",
    "AuditLog",
    "CuratedPair",
    "DuplicateVerdict",
    "ApiToken",
    "JoinRequest",
    "Signup",
    "NeedCoverage",
    "FigureCounter",
    "FigureState",
    "Challenge",
    "ChallengeSponsor",
    "ChallengeExpert",
    "Proposal",
    "ProposalScore",
    "Milestone",
]
