"""Each body's rights over a contact it does not own (pure): who acts as the owner, and what
another body's edit may write. The services apply these rules; the forms reflect them."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.contacts.models import Contact
    from crm.contacts.services import ContactData


class OwnerOnly(PermissionError):
    """Only the body that owns the contact may do this."""


def is_owner(user: User | None, contact: Contact) -> bool:
    """Whether ``user`` acts for the owner body (``None``, the system, always does)."""
    return user is None or user.organisation_id == contact.organisation_id


def another_body_may_write(before: ContactData, data: ContactData) -> ContactData:
    """What an edit by another body than the owner writes: the visibility stays the owner's,
    and opt-outs and the bounce flag can be added but never cleared."""
    return replace(
        data, visibility=before.visibility,
        is_opted_out=before.is_opted_out or data.is_opted_out,
        is_email_bounced=before.is_email_bounced or data.is_email_bounced,
        opt_out_organisation_ids=sorted({*before.opt_out_organisation_ids,
                                         *data.opt_out_organisation_ids}))
