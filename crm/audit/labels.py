"""Readable names for audit actions; unknown actions show their code."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Failed sign-in"),
    "auth.login_throttled": _l("Sign-in refused: too many attempts"),
    "auth.login_refused_disabled": _l("Sign-in refused: account deactivated"),
    "auth.password_changed": _l("Password changed"),
    "auth.reset_requested": _l("Password reset requested"),
    "auth.reset_requested_unknown": _l("Password reset requested for an unknown address"),
    "auth.password_reset": _l("Password reset through an e-mailed link"),
    "user.created": _l("Account created"),
    "user.updated": _l("Account updated"),
    "user.enabled": _l("Account activated"),
    "user.disabled": _l("Account deactivated"),
    "organisation.created": _l("Organisation created"),
    "organisation.renamed": _l("Organisation renamed"),
    "organisation.aliases_changed": _l("Organisation aliases changed"),
    "contact.created": _l("Contact created"),
    "contact.updated": _l("Contact modified"),
    "contact.deleted": _l("Contact moved to the trash"),
    "contact.restored": _l("Contact restored"),
    "contact.tagged": _l("Beat added"),
    "contact.erased": _l("Contact erased on request (RGPD), with the duplicates merged into it"),
    "contact.merged": _l("Another contact merged into this one"),
    "contact.merged_into": _l("Contact merged into another one"),
    "contact.merge_undone": _l("Merge undone"),
    "duplicate.not_same": _l("Marked as not the same person"),
    "outlet.created": _l("Outlet created"),
    "outlet.updated": _l("Outlet modified"),
    "outlet.deleted": _l("Outlet moved to the trash"),
    "outlet.restored": _l("Outlet restored"),
    "import.staged": _l("Import previewed"),
    "import.committed": _l("Import carried out"),
    "import.undone": _l("Import undone"),
    "contact_block.created": _l("Contact block recorded"),
    "interaction.created": _l("Interaction logged"),
    "interaction.updated": _l("Interaction modified"),
    "interaction.deleted": _l("Interaction moved to the trash"),
    "interaction.restored": _l("Interaction restored"),
    "task.created": _l("Task created"),
    "task.updated": _l("Task modified"),
    "task.reassigned": _l("Task reassigned"),
    "task.completed": _l("Task completed"),
    "task.cancelled": _l("Task cancelled"),
    "task.reopened": _l("Task reopened"),
    "task.commented": _l("Task commented"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
