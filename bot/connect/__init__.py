"""Partners from other workspaces (Slack Connect): who acts from which workspace, and what
reaches a partner privately in a shared channel when no DM reaches them.

What Slack sends and answers, as documented (checked against slack-bolt 1.30's own code):

- A shared channel is one channel in several workspaces; users of the other workspace post,
  run slash commands and press buttons in it like our own users, with their own user IDs,
  which do not collide with ours ("Understanding Slack Connect",
  https://docs.slack.dev/apis/slack-connect).
- Events in a shared channel carry `is_ext_shared_channel: true`; their top-level `team_id`
  may be the other workspace's, while `authorizations[0]` is always our own installation
  (bolt-js #687 and #935, https://github.com/slackapi/bolt-js/issues/935; Bolt's
  `extract_team_id` prefers `authorizations[0].team_id`).
- Buttons (`block_actions`): `team.id` is the workspace the app is installed in, and
  `user.team_id` the presser's own. Forms (`view_submission`) submitted from the other
  workspace carry *their* `team.id`, and ours only in `view.app_installed_team_id`
  (bolt-js #1614, https://github.com/slackapi/bolt-js/issues/1614; Bolt reads that field
  first). A slash command's `team_id` is where the user is in Slack
  (https://docs.slack.dev/interactivity/implementing-slash-commands).
- Bolt passes whatever team it extracted to `authorize`. Ours (bot/app.py) ignores it and
  answers with the one installation checked by `auth.test` at start-up, so a payload naming
  the other team is authorised with our token: no "installation not found" (bolt-python
  #767, https://github.com/slackapi/bolt-python/issues/767, is that failure with a
  multi-workspace installation store). There is no single-workspace check to trip over:
  `SingleTeamAuthorization` (used without `authorize`) also never compares teams.
- DMs: `conversations.open` documents `invalid_user_combination` ("All external people must
  already be in at least one channel together") and `user_not_visible` ("restricted from
  seeing the requested user"); a post addressed to a user ID with no DM of the app answers
  `channel_not_found` (https://docs.slack.dev/reference/methods/conversations.open,
  https://docs.slack.dev/reference/methods/chat.postMessage). Which one a partner
  organisation's policy on apps of other workspaces yields is not documented, so all three
  mean "no DM reaches them" here. `chat.postEphemeral` reaches a user in a channel they are
  in (`user_not_in_channel` otherwise), including a shared one, and cannot be read back:
  no history lists it (https://docs.slack.dev/reference/methods/chat.postEphemeral).

So: the door accepts a member by Slack ID wherever they act from (a user ID names one person
across workspaces; the request is signed by Slack); a mismatch between the workspace they act
from and the one the consortium file names is logged, not refused (Enterprise Grid users act
from whichever workspace of their org they are in, and a refusal would lock a partner out
for a typo in the file with nothing gained). What would go by DM and cannot goes to them
privately (an ephemeral) in the consortium's announcements channel, once at most.
"""

from __future__ import annotations
