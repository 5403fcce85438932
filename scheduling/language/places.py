"""Countries and audiences as people name them: `Portugal`, `pt`, `Turkey` or `Türkiye`,
`Czechia` or `Czech Republic`, `Holland`, `EL` (the EU's code for Greece), `core countries`,
`everyone`, `work-package leads`."""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Mapping, Sequence

from scheduling.language.words import suggest
from scheduling.vocabulary import VocabularyError

# Other names (and the EU's own codes) of countries, by ISO code.
COUNTRY_ALIASES: dict[str, str] = {
    "turkey": "TR",
    "turkiye": "TR",
    "czechia": "CZ",
    "czech republic": "CZ",
    "czech": "CZ",
    "holland": "NL",
    "the netherlands": "NL",
    "el": "GR",
    "hellas": "GR",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "britain": "GB",
    "slovak republic": "SK",
    "moldova": "MD",
    "north macedonia": "MK",
    "macedonia": "MK",
    "bosnia": "BA",
    "deutschland": "DE",
    "österreich": "AT",
    "osterreich": "AT",
    "suomi": "FI",
    "sverige": "SE",
    "polska": "PL",
    "românia": "RO",
    "magyarország": "HU",
    "magyarorszag": "HU",
    "italia": "IT",
    "españa": "ES",
    "espana": "ES",
    "ελλάδα": "GR",
    "българия": "BG",
}
# Audience groups as people say them.
AUDIENCE_PHRASES: dict[str, str] = {
    "all": "all",
    "everyone": "all",
    "everybody": "all",
    "all countries": "all",
    "whole consortium": "all",
    "the whole consortium": "all",
    "core": "core",
    "core countries": "core",
    "the core countries": "core",
    "supporting": "supporting",
    "supporting countries": "supporting",
    "the supporting countries": "supporting",
    "wp-lead": "wp-lead",
    "wp-leads": "wp-lead",
    "wp leads": "wp-lead",
    "wp lead": "wp-lead",
    "work-package leads": "wp-lead",
    "work package leads": "wp-lead",
    "work-package and task leaders": "wp-lead",
}


def _plain(text: str) -> str:
    """Lower case, single spaces, accents kept (Türkiye) but also matched without them."""
    return " ".join(text.casefold().split())


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def country_names(countries: Mapping[str, str]) -> dict[str, str]:
    """Every name a consortium country is known by (its code, its name in the consortium
    file with and without accents, common aliases) -> its code."""
    names: dict[str, str] = {}
    for alias, code in COUNTRY_ALIASES.items():
        if code in countries:
            names[alias] = code
    for code, name in countries.items():
        names[code.casefold()] = code
        names[_plain(name)] = code
        names[_ascii(_plain(name))] = code
    return names


def find_country(text: str, countries: Mapping[str, str], field: str = "country") -> str:
    """The code of the consortium country `text` names; VocabularyError with the closest
    name otherwise."""
    names = country_names(countries)
    cleaned = _plain(text)
    code = names.get(cleaned) or names.get(_ascii(cleaned))
    if code is not None:
        return code
    raise VocabularyError(unknown_country(text, countries), field)


def unknown_country(text: str, countries: Mapping[str, str]) -> str:
    names = country_names(countries)
    close = suggest(_plain(text), [n for n in names if len(n) > 2], cutoff=0.75)
    if close is not None:
        code = names[close]
        return f"{text!r} is not a consortium country: did you mean {countries[code]} ({code})?"
    return (
        f"{text!r} is not a consortium country: say a name or a code, e.g. "
        f"{', '.join(f'{name} ({code})' for code, name in list(countries.items())[:3])}"
    )


def audience_words(words: Sequence[str], countries: Mapping[str, str]) -> list[str]:
    """An audience as `Audience.parse` reads it (`core`, or codes) from what people say:
    `core countries`, `Portugal and Czechia`, `PT, EL`."""
    joined = _plain(" ".join(words))
    if not joined:
        return []
    if joined in AUDIENCE_PHRASES:
        return [AUDIENCE_PHRASES[joined]]
    names = country_names(countries)
    typed = [t for t in re.split(r"[,;\s]+", " ".join(words)) if t and t.lower() != "and"]
    tokens = [_plain(t) for t in typed]
    codes: list[str] = []
    position = 0
    while position < len(tokens):
        for size in (3, 2, 1):
            phrase = " ".join(tokens[position : position + size])
            code = names.get(phrase) or names.get(_ascii(phrase))
            if code is not None and position + size <= len(tokens):
                codes.append(code)
                position += size
                break
        else:
            word = typed[position]
            group = suggest(joined, AUDIENCE_PHRASES, cutoff=0.75)
            if group is not None and len(tokens) <= 3:
                raise VocabularyError(
                    f"{' '.join(words)!r} is not an audience: did you mean {group!r}?",
                    "audience",
                )
            raise VocabularyError(
                unknown_country(word, countries)
                + "; or say core countries, supporting countries or everyone",
                "audience",
            )
    return codes


@functools.lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Every IANA zone by its lower-case name and by its city (`vienna` -> Europe/Vienna)."""
    zones: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        if name.startswith(("Etc/", "SystemV/")) or "/" not in name:
            zones.setdefault(name.lower(), name)
            continue
        zones[name.lower()] = name
        city = name.rsplit("/", 1)[1].lower().replace("_", " ")
        if name.startswith("Europe/") or city not in zones:
            zones[city] = name
    return zones


def find_zone(text: str, field: str = "timezone") -> str:
    """The IANA zone `text` names (`Europe/Vienna`, `europe/vienna`, `Vienna`), with the
    closest one when it names none."""
    if "/" in text.strip() or text.strip() == "UTC":
        # An exact IANA name needs no table (which costs a scan of the tz database once).
        with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(text.strip()).key
    cleaned = " ".join(text.strip().split()).lower().replace("_", " ")
    zones = _zones()
    found = zones.get(cleaned) or zones.get(cleaned.replace(" ", "_"))
    if found is not None:
        return found
    close = suggest(cleaned, zones, cutoff=0.8)
    hint = f": did you mean {zones[close]}?" if close else "; use a name such as Europe/Vienna"
    raise VocabularyError(f"{text!r} is not a time zone{hint}", field)
