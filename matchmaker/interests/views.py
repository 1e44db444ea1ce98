"""Interest pages: express, list mine, the conversation with its actions, and the deal."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.auth.views import safe_next
from matchmaker.errors import refusal
from matchmaker.forms import error_text, show_errors
from matchmaker.interests.forms import ContactConsentForm, DealForm, DeclineForm, ExpressForm, MessageForm, StatusForm
from matchmaker.schemas import InvalidInput
from matchmaker.services import contacts, interests
from matchmaker.services.errors import DomainError

bp = Blueprint("interests", __name__, url_prefix="/interests")


@bp.before_request
@login_required
def _login() -> None:
    """Every interest page needs an account."""


def _refuse(error: DomainError):
    """403/404/409/429 as pages (``errors.refusal``); any other refusal as a message (then None)."""
    page = refusal(error)
    if page is None:
        flash(str(error), "error")
    return page


@bp.route("", methods=["POST"])
def express():
    form = ExpressForm()
    back = safe_next(request.form.get("next"), url_for("interests.index"))
    if not form.validate():
        flash(error_text(form), "error")
        return redirect(back, 303)
    try:
        interest = interests.express(current_user, form.need_id.data, form.achievement_id.data, form.message.data or "")
    except DomainError as error:
        return _refuse(error) or redirect(back, 303)
    flash(_("Your interest was sent. You will be notified when the other side answers."), "success")
    return redirect(url_for("interests.detail", interest_id=interest.id), 303)


@bp.route("")
def index():
    rows = interests.for_organization(current_user.organization_id)
    return render_template("interests/index.html", rows=rows)


@bp.route("/<int:interest_id>")
def detail(interest_id: int):
    try:
        interest = interests.get_visible(current_user, interest_id)
    except DomainError as error:
        return _refuse(error)
    return _page(interest)


def _page(interest, status: int = 200, **bound):
    """The conversation page; a form that failed (``bound``) keeps what was typed and shows its errors."""
    is_party = current_user.organization_id in interest.party_org_ids()
    forms = {
        "decline_form": DeclineForm(formdata=None),
        "status_form": StatusForm(formdata=None),
        "message_form": MessageForm(formdata=None),
        "deal_form": DealForm(formdata=None),
        **bound,
    }
    return render_template(
        "interests/detail.html",
        interest=interest,
        is_party=is_party,
        is_recipient=current_user.organization_id == interest.recipient_org_id,
        contacts=contacts.of_interest(current_user, interest),
        show_contacts=interest.contacts_shared,
        my_side=interest.side_of(current_user.organization_id) if is_party else None,
        **forms,
    ), status


def _act(interest_id: int, action, recipient_only: bool = False) -> object:
    """Run ``action`` on an interest the user is a party to (others: 404, admins: 403) first, then input."""
    try:
        interest = interests.get_visible(current_user, interest_id)
        interests.require_party(current_user, interest, recipient_only)
        action(interest)
    except DomainError as error:
        page = _refuse(error)
        if page is not None:
            return page
    return redirect(url_for("interests.detail", interest_id=interest_id), 303)


def _with_form(interest_id: int, form, name: str, action, done: str, recipient_only: bool = False):
    """Like ``_act`` for a form: when its input (or the service) refuses it, the page comes back (400)
    with the form as typed and the error at its field, instead of a banner over an emptied form."""
    try:
        interest = interests.get_visible(current_user, interest_id)
        interests.require_party(current_user, interest, recipient_only)
        if not form.validate():
            return _page(interest, 400, **{name: form})
        action(interest)
    except InvalidInput as error:
        show_errors(form, error.fields)
        return _page(interests.get_visible(current_user, interest_id), 400, **{name: form})
    except DomainError as error:
        page = refusal(error)
        if page is not None:
            return page
        form.form_errors.append(str(error))
        return _page(interests.get_visible(current_user, interest_id), 400, **{name: form})
    flash(done, "success")
    return redirect(url_for("interests.detail", interest_id=interest_id), 303)


@bp.route("/<int:interest_id>/accept", methods=["POST"])
def accept(interest_id: int):
    def run(interest):
        interests.accept(current_user, interest)
        flash(_("Accepted. Both sides can now see each other's contact details."), "success")

    return _act(interest_id, run, recipient_only=True)


@bp.route("/<int:interest_id>/decline", methods=["POST"])
def decline(interest_id: int):
    form = DeclineForm()
    return _with_form(
        interest_id,
        form,
        "decline_form",
        lambda interest: interests.decline(current_user, interest, form.reason.data),
        _("Declined."),
        recipient_only=True,
    )


@bp.route("/<int:interest_id>/withdraw", methods=["POST"])
def withdraw(interest_id: int):
    return _act(interest_id, lambda interest: interests.withdraw(current_user, interest))


@bp.route("/<int:interest_id>/status", methods=["POST"])
def change_status(interest_id: int):
    form = StatusForm()
    return _with_form(
        interest_id,
        form,
        "status_form",
        lambda interest: interests.move(current_user, interest, form.status.data, form.note.data or ""),
        _("Status updated."),
    )


@bp.route("/<int:interest_id>/contact", methods=["POST"])
def contact_consent(interest_id: int):
    form = ContactConsentForm()

    def run(interest):
        if not form.validate():
            raise DomainError(_("Choose whether to share your contact details or to stop sharing them."))
        share = form.consent.data == "share"
        interests.set_contact_consent(current_user, interest, share)
        flash(
            _("Your contact details are shown to the other side again.")
            if share
            else _("Your contact details are no longer shown to the other side through this interest."),
            "success",
        )

    return _act(interest_id, run)


@bp.route("/<int:interest_id>/messages", methods=["POST"])
def message(interest_id: int):
    form = MessageForm()
    return _with_form(
        interest_id,
        form,
        "message_form",
        lambda interest: interests.post_message(current_user, interest, form.body.data),
        _("Message sent."),
    )


@bp.route("/<int:interest_id>/deal", methods=["POST"])
def deal(interest_id: int):
    form = DealForm()

    def run(interest):
        interests.record_deal(current_user, interest, interests.DealData(**form.to_data()))

    return _with_form(interest_id, form, "deal_form", run, _("Deal recorded. Congratulations!"))
