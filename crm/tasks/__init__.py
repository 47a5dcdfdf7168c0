"""Follow-up tasks, the cross-body channel."""
