"""Inputs of the interest → deal flow: express interest, decline, share or withdraw a contact, record the deal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from matchmaker import domain
from matchmaker.schemas import fields as f
from matchmaker.schemas.base import Input


class InterestInput(Input):
    need_id = f.Id()
    achievement_id = f.Id()
    message = f.Text(2000, label=_l("Message to the other side"))


class DeclineInput(Input):
    reason = f.Text(1000, required=True, label=_l("Reason"))


class ContactConsentInput(Input):
    consent = f.Choice(
        ("withdraw", "share"),
        required=True,
        description="withdraw: stop showing your side's contact; share: show it again.",
    )


class DealInput(Input):
    contract_type = f.Choice(domain.CONTRACT_TYPES, required=True, label=_l("Contract type"))
    amount_wan = f.Money(
        required=True, label=_l("Amount (ten-thousand yuan)"), description="Contract amount in 10,000 yuan."
    )
    signed_on = f.PastDay(
        _l("Signing date"), _l("The signing date cannot be in the future."), _l("Enter the real signing date.")
    )
    registration_no = f.RegistrationNo()
    mark_achievement_transferred = f.Flag(label=_l("Mark the achievement as transferred"))
    mark_need_fulfilled = f.Flag(label=_l("Mark the need as fulfilled"))
