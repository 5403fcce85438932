"""Partners from other workspaces (Slack Connect) in the domain: what was meant for the DM of
a member no DM reaches goes to them privately in a channel they share with the bot."""
