"""manifest.yml declares exactly the commands the bot answers, and what they need."""

from __future__ import annotations

from typing import Any

import yaml

from bot.core.catalogue import slash_commands
from tests.support import ROOT


def _manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_every_command_in_help_is_declared_and_no_other() -> None:
    declared = [c["command"] for c in _manifest()["features"]["slash_commands"]]
    assert sorted(declared) == sorted(slash_commands())


def test_home_tab_interactivity_and_events_are_declared() -> None:
    manifest = _manifest()
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_messages_to_the_bot_arrive_for_the_welcome() -> None:
    manifest = _manifest()
    assert "message.im" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert "im:history" in manifest["oauth_config"]["scopes"]["bot"]
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False


def test_only_the_scopes_the_features_use() -> None:
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "commands", "chat:write", "im:write", "files:write", "canvases:write",
        "channels:history", "groups:history", "im:history", "users:read",
    }  # fmt: skip
