"""Achievements and needs: browse the pool, read, create, edit, submit, withdraw, delete, suggestions.

Each view calls the service the pages call; who may do what is decided there and in
``matchmaker.permissions``. The public list never carries contacts, whoever asks.
"""

from __future__ import annotations

from flask import url_for

from matchmaker import domain
from matchmaker.api import bp, fields, serialize
from matchmaker.api.forms import posting_data, validated
from matchmaker.api.registry import operation
from matchmaker.api.rules import ANY_TEXT, ANY_TEXT_MESSAGE, max_length
from matchmaker.api.schema import Integer, String
from matchmaker.postings.forms import FilterForm
from matchmaker.services import browse, postings, suggestions

PLURAL = {"achievement": "achievements", "need": "needs"}
NAMES = {"achievement": ("achievement", "成果"), "need": ("need", "需求")}
MAX_PAGE = 100_000  # as on the pages


def list_query(kind: str) -> dict:
    return {
        "q": String(
            max_length=max_length(FilterForm, "q"),
            pattern=ANY_TEXT,
            message=ANY_TEXT_MESSAGE,
            description="Keywords, separated by spaces; ranked by relevance.",
        ),
        "field": String(enum=tuple(domain.FIELDS)),
        "region": String(enum=tuple(domain.REGIONS), description="Region of the posting organization."),
        "min_trl": Integer(
            minimum=min(domain.TRL),
            maximum=max(domain.TRL),
            description=(
                "Achievements at least this mature"
                if kind == "achievement"
                else "Needs that accept a result this mature"
            ),
        ),
        "sort": String(
            enum=browse.SORTS[kind],
            description=(
                "relevance (with q; the default), newest (the default without q), "
                + ("deadline (soonest first), budget (highest first)" if kind == "need" else "price (highest first)")
            ),
        ),
        "page": Integer(minimum=1, maximum=MAX_PAGE, default=1),
        "per_page": Integer(minimum=1, maximum=100, default=20),
    }


def browse_pool(user, kind: str, query: dict):
    names = (("q", "q"), ("field", "field"), ("region", "region"), ("trl", "min_trl"), ("sort", "sort"))
    values = {name: query[api] for name, api in names}
    filters = validated(FilterForm, values, {"trl": "min_trl"}).to_filters()
    page = browse.browse(kind, filters, query["page"], query["per_page"])
    items = [serialize.posting(item, user, public=True) for item in page.items]
    out = {"items": items, "total": page.total, "page": query["page"], "per_page": query["per_page"]}
    found = getattr(page, "found", None)
    if found is not None:
        out.update(words=found.words, highlights=found.highlights, partial=found.partial)
    return out, 200


def _location(posting) -> dict:
    return {"Location": url_for(f"api.{posting.kind}_read", posting_id=posting.id, _external=True)}


def create(user, kind: str, body):
    postings.ensure_can_post(user, kind)
    posting = postings.create(user, kind, posting_data(kind, body()), submit=True)
    return serialize.posting(posting, user), 201, _location(posting)


def read(user, kind: str, posting_id: int):
    return serialize.posting(postings.get_visible(user, kind, posting_id), user), 200


def update(user, kind: str, posting_id: int, body):
    posting = postings.get_editable(user, kind, posting_id)
    posting = postings.update(user, posting, posting_data(kind, body(), posting), submit=False)
    return serialize.posting(posting, user), 200


def delete(user, kind: str, posting_id: int):
    postings.delete_draft(user, postings.get_visible(user, kind, posting_id))
    return None, 204


def submit(user, kind: str, posting_id: int):
    posting = postings.submit(user, postings.get_visible(user, kind, posting_id))
    return serialize.posting(posting, user), 200


def withdraw(user, kind: str, posting_id: int):
    posting = postings.withdraw(user, postings.get_visible(user, kind, posting_id))
    return serialize.posting(posting, user), 200


def suggestions_for(user, kind: str, posting_id: int, query: dict):
    posting = postings.get_visible(user, kind, posting_id)
    rows = suggestions.for_posting(user, posting, k=query["k"])
    return {"items": [serialize.suggestion(row) for row in rows]}, 200


def _register(kind: str) -> None:
    plural, (en, zh) = PLURAL[kind], NAMES[kind]
    output, tag, item = fields.posting_output(kind), plural, f"/{plural}/<id:posting_id>"
    common = dict(tag=tag)

    def bound(view):
        return lambda user, **kwargs: view(user, kind, **kwargs)

    operation(
        bp,
        bound(browse_pool),
        method="GET",
        rule=f"/{plural}",
        endpoint=f"{kind}_list",
        auth="optional",
        summary=(f"Browse published {plural}", f"浏览已发布的{zh}"),
        query=list_query(kind),
        response=fields.page_of(output, f"{kind.title()}Page", fields.SEARCH),
        **common,
    )
    operation(
        bp,
        bound(create),
        method="POST",
        rule=f"/{plural}",
        endpoint=f"{kind}_create",
        auth="user",
        summary=(f"Post a new {en} (goes to review)", f"发布新{zh}（提交审核）"),
        body=fields.posting_input(kind),
        status=201,
        response=output,
        errors=(403,),
        **common,
    )
    operation(
        bp,
        bound(read),
        method="GET",
        rule=item,
        endpoint=f"{kind}_read",
        auth="optional",
        summary=(f"Read an {en}" if kind == "achievement" else f"Read a {en}", f"查看{zh}"),
        response=output,
        **common,
    )
    operation(
        bp,
        bound(update),
        method="PATCH",
        rule=item,
        endpoint=f"{kind}_update",
        auth="user",
        summary=(
            f"Change an {en}; a published one goes back to review"
            if kind == "achievement"
            else f"Change a {en}; a published one goes back to review",
            f"修改{zh}（已发布的将重新审核）",
        ),
        body=fields.posting_patch(kind),
        response=output,
        errors=(403, 409),
        **common,
    )
    operation(
        bp,
        bound(delete),
        method="DELETE",
        rule=item,
        endpoint=f"{kind}_delete",
        auth="user",
        summary=("Delete a draft", "删除草稿"),
        status=204,
        errors=(403, 409),
        **common,
    )
    operation(
        bp,
        bound(submit),
        method="POST",
        rule=f"{item}/submit",
        endpoint=f"{kind}_submit",
        auth="user",
        summary=("Submit for review", "提交审核"),
        response=output,
        errors=(403, 409),
        **common,
    )
    operation(
        bp,
        bound(withdraw),
        method="POST",
        rule=f"{item}/withdraw",
        endpoint=f"{kind}_withdraw",
        auth="user",
        summary=("Withdraw (back to draft)", "撤回（恢复为草稿）"),
        response=output,
        errors=(403, 409),
        **common,
    )
    operation(
        bp,
        bound(suggestions_for),
        method="GET",
        rule=f"{item}/suggestions",
        endpoint=f"{kind}_suggestions",
        auth="user",
        summary=(
            "Suggested counterparts (the posting's organization and admins)",
            "推荐的对接对象（仅本机构与管理员）",
        ),
        query={"k": Integer(minimum=1, maximum=50, default=10)},
        response=fields.SUGGESTIONS,
        **common,
    )


for _kind in PLURAL:
    _register(_kind)
