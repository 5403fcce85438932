"""Personal data as the GDPR asks: what the bot holds about a member (access and
portability), erasing a member while their country's record stays, and how long each kind
of record is kept (retention)."""
