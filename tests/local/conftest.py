"""Fixtures of the emulator's tests: one running emulator per module, reset for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.local.emulator import SlackEmulator
from tests.local.emulator_support import ALICE, BOB, GENERAL, TRIGGER_TTL, FakeClock


@pytest.fixture(scope="module")
def monotonic() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def running_emulator(monotonic: FakeClock) -> Iterator[SlackEmulator]:
    with SlackEmulator(
        users=[ALICE, BOB], channels=[GENERAL], trigger_ttl=TRIGGER_TTL, clock=monotonic
    ) as emulator:
        yield emulator


@pytest.fixture
def emulator(running_emulator: SlackEmulator) -> SlackEmulator:
    running_emulator.reset()
    return running_emulator


@pytest.fixture
def client(emulator: SlackEmulator) -> WebClient:
    return WebClient(base_url=emulator.api_url, token="xoxb-test")
