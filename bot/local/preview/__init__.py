"""Block Kit as Slack shows it, as HTML pages (and PNG pictures through a headless Chromium),
so reviewers see what members see: `consortium-bot preview DIR`."""
