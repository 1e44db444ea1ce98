"""What the API answers and the query parameters it takes, as marshmallow schemas for flask-smorest.

A posting's answer is its input schema (``schemas.postings``: the same names, labels and limits)
plus what the platform sets; the serializers (``api.serialize``) decide what a reader may see, these
schemas what the document promises. Vocabularies come from ``matchmaker.domain``.
"""

from __future__ import annotations

import copy

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from matchmaker import domain
from matchmaker.schemas import fields as f
from matchmaker.schemas.base import Input
from matchmaker.schemas.postings import INPUTS
from matchmaker.services import browse

MAX_PAGE = 100_000  # as on the pages


def Timestamp(**kwargs) -> fields.String:
    """An RFC 3339 UTC time as the serializers write it (``2026-12-04T10:30:00.123456Z``)."""
    metadata = {"format": "date-time", **kwargs.pop("metadata", {})}
    return fields.String(metadata=metadata, **kwargs)


def Day(**kwargs) -> fields.String:
    return fields.String(metadata={"format": "date"}, **kwargs)


class Out(ma.Schema):
    class Meta:
        ordered = True


class QueryInteger(fields.Integer):
    """An integer written in a query string: digits with an optional sign, nothing else."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not value.lstrip("-").isdigit() or len(value) > 11 or not value.isascii():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def query_integer(minimum: int, maximum: int, **kwargs) -> QueryInteger:
    return QueryInteger(
        validate=f.Between(min=minimum, max=maximum),
        error_messages={"invalid": _l("Must be an integer.")},
        **kwargs,
    )


def _browse_query(kind: str) -> type[ma.Schema]:
    sorts = browse.SORTS[kind]
    sort_text = "deadline (soonest first), budget (highest first)" if kind == "need" else "price (highest first)"
    return Input.from_dict(
        {
            "q": f.Text(100, pattern=f.ANY_TEXT, description="Keywords, separated by spaces; ranked by relevance."),
            "field": f.Choice(domain.FIELDS),
            "region": f.Choice(domain.REGIONS, description="Region of the posting organization."),
            "min_trl": query_integer(
                min(domain.TRL),
                max(domain.TRL),
                metadata={
                    "description": "Achievements at least this mature"
                    if kind == "achievement"
                    else "Needs that accept a result this mature"
                },
            ),
            "sort": f.Choice(
                sorts, description=f"relevance (with q; the default), newest (the default without q), {sort_text}"
            ),
            "page": query_integer(1, MAX_PAGE, load_default=1),
            "per_page": query_integer(1, 100, load_default=20),
        },
        name=f"{kind.title()}Query",
    )


BROWSE_QUERY = {kind: _browse_query(kind) for kind in ("achievement", "need")}
SuggestionsQuery = Input.from_dict({"k": query_integer(1, 50, load_default=10)}, name="SuggestionsQuery")
PublishQuery = Input.from_dict(
    {
        "version": fields.String(
            validate=validate.Regexp(
                r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$",
                error=_l("Reload the page and review the posting again."),
            ),
            metadata={
                "format": "date-time",
                "description": "The posting's `updated_at` as you reviewed it (e.g. 2026-12-04T10:30:00.123456Z): if "
                "the owner changed the posting since, it is not published (409). Recommended.",
            },
        )
    },
    name="PublishQuery",
)


class OrganizationOut(Out):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(domain.ORG_KINDS))
    region = fields.String(required=True, validate=validate.OneOf(domain.REGIONS))
    city = fields.String(required=True)
    verified = fields.Boolean(required=True)


def _posting_out(kind: str) -> type[ma.Schema]:
    """The input schema's fields (not required in an answer: a reader may not see contacts) and the platform's."""
    statuses = domain.ACHIEVEMENT_STATUSES if kind == "achievement" else domain.NEED_STATUSES
    given = {}
    for name, field in INPUTS[kind]().fields.items():
        field = copy.copy(field)
        field.required, field.allow_none, field.validators = False, True, []
        given[name] = field
    nullable_day = Day(allow_none=True, required=True)
    platform = {
        "id": fields.Integer(required=True),
        "kind": fields.String(required=True, validate=validate.OneOf((kind,))),
        "url": fields.Url(required=True, metadata={"description": "The address of the object's page on the site."}),
        "status": fields.String(required=True, validate=validate.OneOf(statuses)),
        "region": fields.String(required=True, validate=validate.OneOf(domain.REGIONS)),
        "city": fields.String(required=True),
        "organization": fields.Nested(OrganizationOut, required=True),
        "published_at": Timestamp(allow_none=True, required=True),
        "created_at": Timestamp(required=True),
        "updated_at": Timestamp(required=True),
        "review_note": fields.String(
            metadata={"description": "The reviewer's note; only for the posting's organization and admins."}
        ),
    }
    for name in ("title", "field", "keywords", "modes"):
        given[name].required, given[name].allow_none = True, False
    if kind == "need":
        given["deadline"] = nullable_day
    return ma.Schema.from_dict(
        {**platform, **given},
        name=kind.title(),
    )


POSTING_OUT = {kind: _posting_out(kind) for kind in ("achievement", "need")}
for _kind, _schema in POSTING_OUT.items():
    _schema.__doc__ = (
        "Contact fields appear only for the posting's organization, admins, and the other side of an accepted interest."
    )


def _page_of(kind: str) -> type[ma.Schema]:
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(POSTING_OUT[kind]), required=True),
            "total": fields.Integer(required=True, validate=validate.Range(min=0)),
            "page": fields.Integer(required=True, validate=validate.Range(min=1)),
            "per_page": fields.Integer(required=True, validate=validate.Range(min=1)),
            "words": fields.List(
                fields.String(),
                metadata={"description": "The keywords searched for (a long one typed without spaces, segmented)."},
            ),
            "highlights": fields.List(
                fields.String(),
                metadata={"description": "The keywords and their equivalents, as matched in the texts."},
            ),
            "partial": fields.Boolean(
                metadata={"description": "true: no result holds every keyword; these hold some of them."}
            ),
        },
        name=f"{kind.title()}Page",
    )


PAGE_OUT = {kind: _page_of(kind) for kind in ("achievement", "need")}


class SuggestionOut(Out):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("achievement", "need")))
    title = fields.String(required=True)
    url = fields.Url(required=True)
    score = fields.Float(required=True)
    text_score = fields.Float(required=True)
    strength = fields.String(required=True, validate=validate.OneOf(("strong", "medium", "weak")))
    shared_terms = fields.List(fields.String(), required=True)
    reasons = fields.List(fields.String(), required=True)
    organization = fields.Nested(OrganizationOut, required=True)


class SuggestionsOut(Out):
    items = fields.List(fields.Nested(SuggestionOut), required=True)


class PostingRefOut(Out):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.Url(required=True)


class ContactOut(Out):
    name = fields.String(required=True)
    phone = fields.String(required=True)
    email = fields.String(required=True)


class ContactsOut(Out):
    need = fields.Nested(ContactOut)
    achievement = fields.Nested(ContactOut)


class WithdrawnOut(Out):
    need = Timestamp(allow_none=True, required=True)
    achievement = Timestamp(allow_none=True, required=True)


class DealOut(Out):
    contract_type = fields.String(required=True, validate=validate.OneOf(domain.CONTRACT_TYPES))
    amount_wan = fields.Float(required=True)
    signed_on = Day(required=True)
    registration_no = fields.String(required=True)


class InterestOut(Out):
    id = fields.Integer(required=True)
    url = fields.Url(required=True)
    status = fields.String(required=True, validate=validate.OneOf(domain.INTEREST_STATUSES))
    need = fields.Nested(PostingRefOut, required=True)
    achievement = fields.Nested(PostingRefOut, required=True)
    initiator = fields.Nested(OrganizationOut, required=True)
    recipient = fields.Nested(OrganizationOut, required=True)
    message = fields.String(required=True)
    decline_reason = fields.String(required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)
    accepted_at = Timestamp(allow_none=True, required=True)
    contacts = fields.Nested(
        ContactsOut,
        metadata={
            "description": "Only once the interest is accepted, and only for its two organizations and admins; a "
            "side that has withdrawn its consent (POST …/contact) is left out."
        },
    )
    contact_withdrawn_at = fields.Nested(
        WithdrawnOut,
        required=True,
        metadata={"description": "When each side withdrew its consent to share its contact, or null."},
    )
    deal = fields.Nested(DealOut, allow_none=True, required=True)


class InterestsOut(Out):
    items = fields.List(fields.Nested(InterestOut), required=True)
    total = fields.Integer(required=True, validate=validate.Range(min=0))


class ReviewQueueOut(Out):
    achievements = fields.List(fields.Nested(POSTING_OUT["achievement"]), required=True)
    needs = fields.List(fields.Nested(POSTING_OUT["need"]), required=True)


class TokenOut(Out):
    token = fields.String(
        required=True, metadata={"description": "Send it as `Authorization: Bearer <token>`. Shown once."}
    )
    token_type = fields.String(required=True, validate=validate.OneOf(("Bearer",)))
    expires_at = Timestamp(required=True)
    prefix = fields.String(required=True)


class MeOut(Out):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(domain.ROLES))
    organization = fields.Nested(
        OrganizationOut,
        allow_none=True,
        required=True,
        metadata={"description": "null while the account's request to join an organization waits for approval."},
    )


class StatsOut(Out):
    """The admin dashboard's figures, as ``services.figures.overview()`` returns them."""

    class Meta:
        unknown = ma.INCLUDE

    self_sufficiency = fields.Raw(required=True)


class ErrorBody(Out):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "Field name → what is wrong with it (may be empty)."},
    )


class ErrorOut(Out):
    error = fields.Nested(ErrorBody, required=True)
