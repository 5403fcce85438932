"""The open form of `consortium-bot shell`: its fields found by label or block ID, values typed
as `field=value`, what Slack's own client checks before it sends a form, and the form as text.

A value is read as the person would pick it in Slack: a select takes an option's text or
value, a date picker a date, a channel select `#name` or an ID; nothing is filled in until
every `field=value` of the line reads.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from bot.local.render import render_message


class ShellInputError(ValueError):
    """A line the shell could not act on; the message says what it expected, with an example."""


def normalised(text: str) -> str:
    """Lower case, letters and digits only: `Start time` and `start_time` read the same."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _words(name: str) -> list[str]:
    return [normalised(w) for w in re.split(r"[\s_\-/]+", name) if normalised(w)]


MATCH_TIERS = 5


def matches(name: str, key: str, tier: int) -> bool:
    """Whether `name` is `key` (tier 0), has a word that is it (1), starts with it (2), has
    a word that starts with it (3) or is several of its words in a row (4); compared as `normalised`
    text."""
    if tier == 0:
        return normalised(name) == key
    if tier == 1:
        return key in _words(name)
    if tier == 2:
        return normalised(name).startswith(key)
    if tier == 3:
        return any(word.startswith(key) for word in _words(name))
    # Several words of the name in a row (`4 march` for “Thursday 4 March 2027”).
    words = _words(name)
    return any(
        "".join(words[start:end]) == key
        for start in range(len(words))
        for end in range(start + 2, len(words) + 1)
    )


def pick(
    wanted: str, candidates: Sequence[tuple[Sequence[str], Any]], what: str, example: str
) -> Any:
    """The one candidate one of whose names is `wanted`, else has it as a word, else starts
    with it, else has a word that starts with it; names compare case- and punctuation-
    insensitively. Anything else is a ShellInputError that lists the candidates."""
    key = normalised(wanted)
    names = ", ".join(names[0] for names, _ in candidates) or "none"
    if not key:
        raise ShellInputError(f"Say which {what}: one of {names}. Example: {example}")
    for tier in range(MATCH_TIERS):
        found = [item for names, item in candidates if any(matches(n, key, tier) for n in names)]
        unique = [item for i, item in enumerate(found) if item not in found[:i]]
        if len(unique) == 1:
            return unique[0]
        if len(unique) > 1:
            matching = ", ".join(ns[0] for ns, item in candidates if item in unique)
            raise ShellInputError(
                f"{wanted!r} could be more than one {what}: {matching}. Say more of it."
            )
    raise ShellInputError(
        f"There is no {what} {wanted!r}. Choose one of: {names}. Example: {example}"
    )


_TEXT_KINDS = ("plain_text_input", "number_input", "email_text_input", "url_text_input")
_SINGLE_OPTION = ("static_select", "external_select", "radio_buttons")
_MANY_OPTIONS = ("multi_static_select", "multi_external_select", "checkboxes")
# kind -> (key of the chosen ID in state values, key of the initial ID in the element, sigil)
_ONE_ENTITY = {
    "conversations_select": ("selected_conversation", "initial_conversation", "#"),
    "channels_select": ("selected_channel", "initial_channel", "#"),
    "users_select": ("selected_user", "initial_user", "@"),
}
_MANY_ENTITIES = {
    "multi_conversations_select": ("selected_conversations", "initial_conversations", "#"),
    "multi_channels_select": ("selected_channels", "initial_channels", "#"),
    "multi_users_select": ("selected_users", "initial_users", "@"),
}


@dataclass(frozen=True)
class FormField:
    block_id: str
    action_id: str
    label: str
    element: dict[str, Any]
    optional: bool

    @property
    def kind(self) -> str:
        return str(self.element.get("type", ""))

    @property
    def short_label(self) -> str:
        """The label without its explanation in brackets: `Start time`."""
        return self.label.split(" (")[0].strip() or self.block_id


@dataclass
class Directory:
    """How the shell reads the names of channels and members typed into a select."""

    channels: Mapping[str, str]  # name -> channel ID
    member_id: Callable[[str], str]


def _options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def _option_text(option: Mapping[str, Any]) -> str:
    return str((option.get("text") or {}).get("text", ""))


@dataclass
class OpenForm:
    """A modal the bot opened for a member, with what they filled in so far."""

    view: dict[str, Any]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.fields:
            self.values.setdefault(item.block_id, _initial_state(item))

    @property
    def title(self) -> str:
        return str((self.view.get("title") or {}).get("text", "form"))

    @property
    def submit_label(self) -> str | None:
        submit = self.view.get("submit")
        return str(submit.get("text")) if isinstance(submit, dict) else None

    @property
    def fields(self) -> list[FormField]:
        return [
            FormField(
                block_id=str(block.get("block_id", "")),
                action_id=str(block["element"].get("action_id", block.get("block_id", ""))),
                label=str((block.get("label") or {}).get("text", block.get("block_id", ""))),
                element=block["element"],
                optional=bool(block.get("optional")),
            )
            for block in self.view.get("blocks", [])
            if block.get("type") == "input" and isinstance(block.get("element"), dict)
        ]

    def field(self, name: str) -> FormField:
        fields = self.fields
        candidates = [((f.short_label, f.label, f.block_id), f) for f in fields]
        texts = [f for f in fields if f.kind == "plain_text_input"] or fields
        first = _words(texts[0].short_label)[0] if texts else "title"
        example = f':fill {first}="..."'
        found: FormField = pick(name, candidates, "field", example)
        return found

    def fill(self, assignments: Sequence[str], directory: Directory) -> list[FormField]:
        """Reads every `field=value` first; fills them in only if all read."""
        read: list[tuple[FormField, dict[str, Any]]] = []
        for assignment in assignments:
            name, equals, value = assignment.partition("=")
            if not equals:
                raise ShellInputError(
                    f'{assignment!r} is not field=value. Example: :fill title="Kick-off"'
                )
            chosen = self.field(name.strip())
            read.append((chosen, _state(chosen, value.strip(), directory)))
        for chosen, state in read:
            self.values[chosen.block_id] = state
            self.errors.pop(chosen.block_id, None)
        return [chosen for chosen, _ in read]

    def missing(self) -> list[FormField]:
        """Required fields left empty: Slack's client refuses to send the form then."""
        return [f for f in self.fields if not f.optional and _is_empty(self.values[f.block_id])]

    def state_values(self) -> dict[str, Any]:
        """Slack's `view.state.values`: by block ID, then action ID."""
        return {f.block_id: {f.action_id: self.values[f.block_id]} for f in self.fields}

    def describe(self, tz: str, names: Mapping[str, str]) -> str:
        """The form as it looks now: every field with its value, and errors under their field."""
        lines = [f"[Form] {self.title}"]
        for block in self.view.get("blocks", []):
            block_id = block.get("block_id")
            if block.get("type") == "input" and block_id in self.values:
                block = _with_current(block, self.values[block_id])
            lines += render_message(" ", [block], tz=tz, names=names).splitlines()
            if block_id in self.errors:
                lines.append(f"  ^ {self.errors[block_id]}")
        buttons = [f"[{(self.view.get('close') or {}).get('text', 'Cancel')}]"]
        if self.submit_label:
            buttons.append(f"[{self.submit_label}]")
        return "\n".join([*lines, " ".join(buttons)])


def _initial_state(item: FormField) -> dict[str, Any]:
    element, kind = item.element, item.kind
    state: dict[str, Any] = {"type": kind}
    if kind in _SINGLE_OPTION:
        state["selected_option"] = element.get("initial_option")
    elif kind in _MANY_OPTIONS:
        state["selected_options"] = list(element.get("initial_options") or [])
    elif kind == "datepicker":
        state["selected_date"] = element.get("initial_date")
    elif kind == "timepicker":
        state["selected_time"] = element.get("initial_time")
    elif kind in _ONE_ENTITY:
        key, initial, _ = _ONE_ENTITY[kind]
        state[key] = element.get(initial)
    elif kind in _MANY_ENTITIES:
        key, initial, _ = _MANY_ENTITIES[kind]
        state[key] = list(element.get(initial) or [])
    else:
        state["value"] = element.get("initial_value")
    return state


def _is_empty(state: Mapping[str, Any]) -> bool:
    return all(value in (None, "", []) for key, value in state.items() if key != "type")


def _with_current(block: dict[str, Any], state: Mapping[str, Any]) -> dict[str, Any]:
    """The input block with its current value shown as its initial value."""
    shown = copy.deepcopy(block)
    element = shown["element"]
    for key in [k for k in element if k.startswith("initial_")]:
        del element[key]
    kind = str(element.get("type"))
    if state.get("selected_option"):
        element["initial_option"] = state["selected_option"]
    elif state.get("selected_options"):
        element["initial_options"] = state["selected_options"]
    elif state.get("selected_date"):
        element["initial_date"] = state["selected_date"]
    elif state.get("selected_time"):
        element["initial_time"] = state["selected_time"]
    elif kind in _ONE_ENTITY and state.get(_ONE_ENTITY[kind][0]):
        element[_ONE_ENTITY[kind][1]] = state[_ONE_ENTITY[kind][0]]
    elif kind in _MANY_ENTITIES and state.get(_MANY_ENTITIES[kind][0]):
        element[_MANY_ENTITIES[kind][1]] = state[_MANY_ENTITIES[kind][0]]
    elif state.get("value"):
        element["initial_value"] = state["value"]
    return shown


def _state(item: FormField, value: str, directory: Directory) -> dict[str, Any]:
    """The state Slack would send for `item` once `value` is picked or typed into it."""
    kind, element = item.kind, item.element
    state: dict[str, Any] = {"type": kind}
    label = item.short_label
    if kind in _SINGLE_OPTION:
        state["selected_option"] = _option(item, value) if value else None
    elif kind in _MANY_OPTIONS:
        words = [w.strip() for w in value.split(",") if w.strip()]
        state["selected_options"] = [_option(item, word) for word in words]
    elif kind == "datepicker":
        state["selected_date"] = _date(label, value) if value else None
    elif kind == "timepicker":
        state["selected_time"] = _time(label, value) if value else None
    elif kind in _ONE_ENTITY:
        key, _, sigil = _ONE_ENTITY[kind]
        state[key] = _entity(label, value, sigil, directory) if value else None
    elif kind in _MANY_ENTITIES:
        key, _, sigil = _MANY_ENTITIES[kind]
        words = [w.strip() for w in value.split(",") if w.strip()]
        state[key] = [_entity(label, word, sigil, directory) for word in words]
    elif kind in _TEXT_KINDS:
        text = value.replace("\\n", "\n") if element.get("multiline") else value
        limit = element.get("max_length")
        if isinstance(limit, int) and len(text) > limit:
            raise ShellInputError(
                f"{label} takes at most {limit} characters; that was {len(text)}."
            )
        state["value"] = text or None
    else:
        raise ShellInputError(f"{label} is a {kind}, which the shell cannot fill in.")
    return state


def _option(item: FormField, wanted: str) -> dict[str, Any]:
    options = _options(item.element)
    candidates = [((_option_text(o), str(o.get("value", ""))), o) for o in options]
    first = (_words(item.short_label) or [item.block_id])[0]
    example = f':fill {first}="{_option_text(options[0]) if options else ""}"'
    found: dict[str, Any] = pick(wanted, candidates, f"choice for {item.short_label}", example)
    return found


def _date(label: str, value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ShellInputError(
            f"{label}: {value!r} is not a date; a date picker takes YYYY-MM-DD, "
            f"e.g. {label.split()[0].lower()}=2025-03-12"
        ) from None


def _time(label: str, value: str) -> str:
    try:
        return time.fromisoformat(value).strftime("%H:%M")
    except ValueError:
        raise ShellInputError(
            f"{label}: {value!r} is not a time; a time picker takes HH:MM, "
            f"e.g. {label.split()[0].lower()}=14:30"
        ) from None


def _entity(label: str, value: str, sigil: str, directory: Directory) -> str:
    bare = value.removeprefix(sigil)
    if sigil == "@":
        try:
            return directory.member_id(bare)
        except ValueError as error:
            raise ShellInputError(f"{label}: {error}") from None
    if bare in directory.channels.values():
        return bare
    candidates = [((name, f"#{name}"), cid) for name, cid in directory.channels.items()]
    example = f":fill channel=#{next(iter(directory.channels), 'general')}"
    found: str = pick(bare, candidates, f"channel for {label}", example)
    return found
