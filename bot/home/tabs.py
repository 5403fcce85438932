"""Publishing Home tabs: when a member opens theirs, and when something in it changes.

A change (a round opened or closed, an update posted, an RSVP, a meeting changed) redraws
the tabs of the members who have opened theirs, each through the redraw lane, keyed by
member: changes that come in while a member's redraw waits to start cost nothing more (it
reads the newest state when it runs), so `views.publish` is called at most once per member
per change however many changes arrive together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import ids
from bot.core.access import stranger_message
from bot.core.blocks import header
from bot.core.web_api.background import Background
from bot.core.web_api.retries import retry_after_seconds
from bot.home.blocks import home_view
from scheduling.consortium.directory import DirectoryService
from scheduling.home.service import HomeService

logger = logging.getLogger("consortium_bot.home")


class HomeTabs:
    def __init__(
        self,
        web: WebClient,
        home: HomeService,
        directory: DirectoryService,
        background: Background,
        public_url: str | None,
    ) -> None:
        self.web = web
        self.home = home
        self.directory = directory
        self.background = background
        self.public_url = public_url

    def opened(self, slack_id: str) -> None:
        """The member opened the tab: remember it, and draw it now, on the same lane as its
        redraws (so an older drawing never lands after a newer one, and a 429 is waited out)."""
        if self.directory.profile(slack_id) is not None:
            self.home.opened(slack_id)
        self.background.redraws.request(("home", slack_id), self._redraw_of(slack_id))

    def changed(self, only: Collection[str] | None = None) -> None:
        """Something the tabs show changed: redraw every open tab (or those of `only`)."""
        for slack_id in self.home.viewers(only):
            self.background.redraws.request(("home", slack_id), self._redraw_of(slack_id))

    def forgotten(self, slack_id: str) -> None:
        """The member was erased: the tab Slack still shows them (their settings, e-mail,
        feed links) is replaced by what anyone outside the consortium sees."""
        self.background.redraws.request(("home", slack_id), self._redraw_of(slack_id))

    def answered(self, slack_id: str) -> None:
        """An RSVP: the member's own tab shows their answer, the coordinators' the totals."""
        coordinators = [person.slack_id for person in self.directory.directory().coordinators]
        self.changed([slack_id, *coordinators])

    def _redraw_of(self, slack_id: str) -> Callable[[], float | None]:
        return lambda: self.publish(slack_id)

    def publish(self, slack_id: str) -> float | None:
        """Draw the member's tab; the seconds Slack asked to wait, when it did."""
        profile = self.directory.profile(slack_id)
        if profile is None:
            directory = self.directory.directory()
            blocks = [header(f"{directory.consortium_name} coordination").to_dict()]
            view = {
                "type": "home",
                "callback_id": ids.HOME_VIEW_CALLBACK,
                "blocks": blocks + stranger_message(directory).blocks,
            }
        else:
            view = home_view(self.home.facts(profile), self.public_url)
        try:
            self.web.views_publish(user_id=slack_id, view=view)
        except SlackApiError as error:
            if error.response.status_code == 429:
                return retry_after_seconds(error.response.headers)
            logger.warning(
                "Home tab of %s not published: %s", slack_id, error.response.get("error")
            )
        return None
