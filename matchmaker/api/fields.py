"""The API's objects: request and response schemas of postings, interests and the rest.

Request schemas come from the web forms (``rules.text`` reads their limits); vocabularies come
from ``matchmaker.domain``. Response schemas list every field the serializers write and no other
(``additionalProperties: false``), so a field added to one but not the other fails the tests.
"""

from __future__ import annotations

from matchmaker import domain
from matchmaker.admin.forms import ReviewForm
from matchmaker.api import rules
from matchmaker.api.schema import Array, Boolean, Date, Free, Integer, Money, Object, Ref, Schema, String, named
from matchmaker.converters import MAX_ID
from matchmaker.interests.forms import DealForm, DeclineForm, ExpressForm
from matchmaker.postings.forms import FORMS

# API name → form (and service) name, where they differ.
RENAMED = {
    "achievement": {"transfer_modes": "modes", "price_min_wan": "price_min", "price_max_wan": "price_max"},
    "need": {"cooperation_modes": "modes", "budget_min_wan": "budget_min", "budget_max_wan": "budget_max"},
}
CONTACT_FIELDS = {"name": "contact_name", "phone": "contact_phone", "email": "contact_email"}
# Keys a client may not send: the platform sets them.
READ_ONLY = (
    "id",
    "kind",
    "url",
    "status",
    "owner",
    "organization",
    "organization_id",
    "created_by",
    "region",
    "city",
    "published_at",
    "created_at",
    "updated_at",
    "submitted_at",
    "review_note",
)
TRL = Integer(minimum=min(domain.TRL), maximum=max(domain.TRL))


def _enum(table) -> String:
    return String(enum=tuple(table))


def _keywords() -> Array:
    word = String(
        min_length=1, max_length=rules.KEYWORD_LENGTH, pattern=rules.KEYWORD, message=rules.MESSAGES[rules.KEYWORD]
    )
    return Array(
        items=word,
        min_items=rules.KEYWORDS_MIN,
        max_items=rules.KEYWORDS_MAX,
        unique=True,
        description="1–5 keywords, each 1–20 characters without spaces or separators.",
    )


def _modes() -> Array:
    return Array(items=_enum(domain.TRANSFER_MODES), min_items=1, max_items=len(domain.TRANSFER_MODES), unique=True)


def _money(description: str) -> Money:
    return Money(maximum=rules.MONEY_MAX, nullable=True, description=description)


def contact_input(form) -> Object:
    return Object(
        properties={
            "name": rules.text(form, "contact_name"),
            "phone": rules.text(form, "contact_phone", rules.PHONE, example="0311-8888 1234"),
            "email": rules.text(form, "contact_email", rules.EMAIL, example="tech@example.com"),
        },
        required=tuple(CONTACT_FIELDS),
    )


def posting_properties(kind: str) -> dict[str, Schema]:
    """Writable fields of a posting, by API name, with the form's limits."""
    form = FORMS[kind]
    common = {"title": rules.text(form, "title"), "field": _enum(domain.FIELDS), "keywords": _keywords()}
    if kind == "achievement":
        return {
            **common,
            "summary": rules.text(form, "summary"),
            "description": rules.text(form, "description"),
            "advantages": rules.text(form, "advantages"),
            "applications": rules.text(form, "applications"),
            "trl": TRL,
            "ip_type": _enum(domain.IP_TYPES),
            "patent_numbers": rules.text(form, "patent_numbers"),
            "transfer_modes": _modes(),
            "price_min_wan": _money(
                "Lowest price in 10,000 yuan; null with price_max_wan null means negotiable. At most price_max_wan (the stored one when a PATCH does not send it)."
            ),
            "price_max_wan": _money(
                "Highest price in 10,000 yuan; not below price_min_wan (the stored one when a PATCH does not send it)."
            ),
        }
    return {
        **common,
        "problem": rules.text(form, "problem"),
        "key_points": rules.text(form, "key_points"),
        "goals": rules.text(form, "goals"),
        "min_trl": TRL,
        "cooperation_modes": _modes(),
        "budget_min_wan": _money(
            "Lowest budget in 10,000 yuan; null means open. At most budget_max_wan (the stored one when a PATCH does not send it)."
        ),
        "budget_max_wan": _money(
            "Highest budget in 10,000 yuan; not below budget_min_wan (the stored one when a PATCH does not send it)."
        ),
        "deadline": Date(nullable=True, description="YYYY-MM-DD, not in the past; null for no deadline."),
    }


def posting_input(kind: str) -> Ref:
    """POST body: every required field of the form, plus the contact person."""
    form = FORMS[kind]
    properties = {**posting_properties(kind), "contact": contact_input(form)}
    optional = {
        "applications",
        "patent_numbers",
        "price_min_wan",
        "price_max_wan",
        "budget_min_wan",
        "budget_max_wan",
        "deadline",
    }
    required = tuple(name for name in properties if name not in optional)
    return named(f"{kind.title()}Input", Object(properties=properties, required=required, read_only=READ_ONLY))


def posting_patch(kind: str) -> Ref:
    """PATCH body: any subset of the writable fields (contact fields one by one, too)."""
    form = FORMS[kind]
    contact = contact_input(form)
    contact.required = ()
    contact.min_properties = 1
    properties = {**posting_properties(kind), "contact": contact}
    return named(f"{kind.title()}Patch", Object(properties=properties, read_only=READ_ONLY, min_properties=1))


# ---- responses -------------------------------------------------------------------------------

DATETIME = String(format="date-time")
DATETIME_OR_NULL = String(format="date-time", nullable=True)
URL = String(format="uri", description="The address of the object's page on the site.")
_ORGANIZATION = dict(
    properties={
        "id": Integer(),
        "name": String(),
        "kind": _enum(domain.ORG_KINDS),
        "region": _enum(domain.REGIONS),
        "city": String(),
        "verified": Boolean(),
    },
    required=("id", "name", "kind", "region", "city", "verified"),
)
ORGANIZATION = named("Organization", Object(**_ORGANIZATION))
CONTACT = named(
    "Contact",
    Object(properties={"name": String(), "phone": String(), "email": String()}, required=("name", "phone", "email")),
)


def posting_output(kind: str) -> Ref:
    statuses = domain.ACHIEVEMENT_STATUSES if kind == "achievement" else domain.NEED_STATUSES
    modes = Array(items=_enum(domain.TRANSFER_MODES))
    money = Free(type="number", nullable=True, description="10,000 yuan; null: negotiable")
    common = {
        "id": Integer(),
        "kind": String(enum=(kind,)),
        "url": URL,
        "status": _enum(statuses),
        "title": String(),
        "field": _enum(domain.FIELDS),
        "keywords": Array(items=String()),
        "region": _enum(domain.REGIONS),
        "city": String(),
        "organization": ORGANIZATION,
        "published_at": DATETIME_OR_NULL,
        "created_at": DATETIME,
        "updated_at": DATETIME,
    }
    if kind == "achievement":
        specific = {
            "summary": String(),
            "description": String(),
            "advantages": String(),
            "applications": String(),
            "trl": Integer(),
            "ip_type": _enum(domain.IP_TYPES),
            "patent_numbers": String(),
            "transfer_modes": modes,
            "price_min_wan": money,
            "price_max_wan": money,
        }
    else:
        specific = {
            "problem": String(),
            "key_points": String(),
            "goals": String(),
            "min_trl": Integer(),
            "cooperation_modes": modes,
            "budget_min_wan": money,
            "budget_max_wan": money,
            "deadline": String(format="date", nullable=True),
        }
    properties = {
        **common,
        **specific,
        "review_note": String(description="The reviewer's note; only for the posting's organization and admins."),
        "contact": CONTACT,
    }
    required = tuple(name for name in properties if name not in ("review_note", "contact"))
    return named(
        kind.title(),
        Object(
            properties=properties,
            required=required,
            description=(
                "`contact` appears only for the posting's organization, admins, and the other side of an accepted interest."
            ),
        ),
    )


def page_of(item: Schema, name: str, extra: dict | None = None) -> Ref:
    return named(
        name,
        Object(
            properties={
                "items": Array(items=item),
                "total": Integer(minimum=0),
                "page": Integer(minimum=1),
                "per_page": Integer(minimum=1),
                **(extra or {}),
            },
            required=("items", "total", "page", "per_page"),
        ),
    )


SEARCH = {  # beside a page of search results (``q`` given)
    "words": Array(
        items=String(), description="The keywords searched for (a long one typed without spaces, segmented)."
    ),
    "highlights": Array(items=String(), description="The keywords and their equivalents, as matched in the texts."),
    "partial": Boolean(description="true: no result holds every keyword; these hold some of them."),
}


SUGGESTION = named(
    "Suggestion",
    Object(
        properties={
            "id": Integer(),
            "kind": String(enum=("achievement", "need")),
            "title": String(),
            "url": URL,
            "score": Free(type="number"),
            "text_score": Free(type="number"),
            "strength": String(enum=("strong", "medium", "weak")),
            "shared_terms": Array(items=String()),
            "reasons": Array(items=String()),
            "organization": ORGANIZATION,
        },
        required=(
            "id",
            "kind",
            "title",
            "url",
            "score",
            "text_score",
            "strength",
            "shared_terms",
            "reasons",
            "organization",
        ),
    ),
)
SUGGESTIONS = named("Suggestions", Object(properties={"items": Array(items=SUGGESTION)}, required=("items",)))

POSTING_REF = Object(properties={"id": Integer(), "title": String(), "url": URL}, required=("id", "title", "url"))
DEAL = Object(
    properties={
        "contract_type": _enum(domain.CONTRACT_TYPES),
        "amount_wan": Free(type="number"),
        "signed_on": String(format="date"),
        "registration_no": String(),
    },
    required=("contract_type", "amount_wan", "signed_on", "registration_no"),
    nullable=True,
)
INTEREST = named(
    "Interest",
    Object(
        properties={
            "id": Integer(),
            "url": URL,
            "status": _enum(domain.INTEREST_STATUSES),
            "need": POSTING_REF,
            "achievement": POSTING_REF,
            "initiator": ORGANIZATION,
            "recipient": ORGANIZATION,
            "message": String(),
            "decline_reason": String(),
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "accepted_at": DATETIME_OR_NULL,
            "contacts": Object(
                properties={"need": CONTACT, "achievement": CONTACT},
                required=(),
                description="Only once the interest is accepted, and only for its two organizations and admins; "
                "a side that has withdrawn its consent (POST …/contact) is left out.",
            ),
            "contact_withdrawn_at": Object(
                properties={"need": DATETIME_OR_NULL, "achievement": DATETIME_OR_NULL},
                required=("need", "achievement"),
                description="When each side withdrew its consent to share its contact, or null.",
            ),
            "deal": DEAL,
        },
        required=(
            "id",
            "url",
            "status",
            "need",
            "achievement",
            "initiator",
            "recipient",
            "message",
            "decline_reason",
            "created_at",
            "updated_at",
            "accepted_at",
            "contact_withdrawn_at",
            "deal",
        ),
    ),
)
INTERESTS = named(
    "Interests",
    Object(properties={"items": Array(items=INTEREST), "total": Integer(minimum=0)}, required=("items", "total")),
)

INTEREST_INPUT = named(
    "InterestInput",
    Object(
        properties={
            "need_id": Integer(minimum=1, maximum=MAX_ID),
            "achievement_id": Integer(minimum=1, maximum=MAX_ID),
            "message": rules.text(ExpressForm, "message"),
        },
        required=("need_id", "achievement_id"),
        read_only=READ_ONLY,
    ),
)
DECLINE_INPUT = named(
    "DeclineInput", Object(properties={"reason": rules.text(DeclineForm, "reason")}, required=("reason",))
)
CONSENT_INPUT = named(
    "ContactConsentInput",
    Object(
        properties={
            "consent": String(
                enum=("withdraw", "share"),
                description="withdraw: stop showing your side's contact; share: show it again.",
            ),
        },
        required=("consent",),
    ),
)
DEAL_INPUT = named(
    "DealInput",
    Object(
        properties={
            "contract_type": _enum(domain.CONTRACT_TYPES),
            "amount_wan": Money(maximum=rules.MONEY_MAX, description="Contract amount in 10,000 yuan."),
            # The form refuses dates before 2000 and in the future; the pattern says the first part.
            "signed_on": Date(pattern=r"^2[0-9]{3}-", description="YYYY-MM-DD, from 2000 on and not in the future."),
            "registration_no": rules.text(DealForm, "registration_no", rules.REGISTRATION_NO),
            "mark_achievement_transferred": Boolean(),
            "mark_need_fulfilled": Boolean(),
        },
        required=("contract_type", "amount_wan", "signed_on"),
    ),
)
REJECT_INPUT = named(
    "RejectInput",
    Object(
        properties={
            "reason": String(
                min_length=1,
                max_length=rules.max_length(ReviewForm, "reason"),
                pattern=rules.NON_BLANK,
                message=rules.TEXT_MESSAGE,
            ),
            "revise": Boolean(description="true: send back for revision instead of rejecting for good."),
        },
        required=("reason",),
    ),
)

TOKEN_INPUT = named(
    "TokenInput",
    Object(
        properties={
            "email": String(min_length=1, max_length=254, pattern=rules.ANY_TEXT, message=rules.ANY_TEXT_MESSAGE),
            "password": String(min_length=1, max_length=128),
            "name": String(
                max_length=100,
                pattern=rules.ANY_TEXT,
                message=rules.ANY_TEXT_MESSAGE,
                description="A label for the token, shown in the list on the site.",
            ),
        },
        required=("email", "password"),
    ),
)
TOKEN = named(
    "Token",
    Object(
        properties={
            "token": String(description="Send it as `Authorization: Bearer <token>`. Shown once."),
            "token_type": String(enum=("Bearer",)),
            "expires_at": DATETIME,
            "prefix": String(),
        },
        required=("token", "token_type", "expires_at", "prefix"),
    ),
)
ME = named(
    "Me",
    Object(
        properties={
            "id": Integer(),
            "name": String(),
            "email": String(),
            "role": _enum(domain.ROLES),
            "organization": Object(
                **_ORGANIZATION,
                nullable=True,
                description="null while the account's request to join an organization waits for approval.",
            ),
        },
        required=("id", "name", "email", "role", "organization"),
    ),
)
STATS = named(
    "Stats",
    Free(
        required=("self_sufficiency",),
        description=(
            "The admin dashboard's figures, as `matchmaker.services.figures.overview()` returns them: the first "
            "50 unmet cells and 20 groups of common needs (`unmet_demand_total`, `common_needs_total` count all), "
            "`computed_at` (when each group was computed) and `pending` (needs still to be re-ranked)."
        ),
    ),
)
ERROR = named(
    "Error",
    Object(
        properties={
            "error": Object(
                properties={
                    "code": String(),
                    "message": String(),
                    "fields": Free(description="Field name → what is wrong with it (may be empty)."),
                },
                required=("code", "message", "fields"),
            )
        },
        required=("error",),
    ),
)
