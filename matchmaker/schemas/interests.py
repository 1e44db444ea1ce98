"""Inputs of the interest → deal flow: express interest, decline, share or withdraw a contact, record the deal."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from matchmaker import clock, domain
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
    # Dates before 2000 and in the future are refused; the pattern states the first part.
    signed_on = f.Day(
        required=True,
        pattern=r"^2[0-9]{3}-",
        message=_l("Enter the real signing date."),
        label=_l("Signing date"),
        description="YYYY-MM-DD, from 2000 on and not in the future.",
    )
    registration_no = f.Text(
        40,
        pattern=f.REGISTRATION_NO,
        message=_l("Letters, digits and hyphens only."),
        label=_l("Technology contract registration number (optional)"),
    )
    mark_achievement_transferred = f.Flag(label=_l("Mark the achievement as transferred"))
    mark_need_fulfilled = f.Flag(label=_l("Mark the need as fulfilled"))

    @ma.validates("signed_on")
    def real_day(self, value, **_kwargs):
        if value > clock.today():
            raise ma.ValidationError(str(_l("The signing date cannot be in the future.")))
        if value.year < 2000:
            raise ma.ValidationError(str(_l("Enter the real signing date.")))
