"""The workspace's lifecycle: whether the bot may send at all (the app uninstalled, its token
revoked or refused), members whose Slack accounts were deactivated, and Slack's retries of an
event already handled."""
