"""The SQL of the workspace itself: whether it is active, its deactivated members, and the
Slack events already handled."""
