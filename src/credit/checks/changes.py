"""What changed since a stored check, told by whoever knows (the notices app registers
here at start-up): checks show it on the result page without importing the apps that sit
above them.

A provider is `f(check) -> {(subject public id, dataset or list code, document number):
[change text, ...]}`; the answers of all providers are joined.
"""

from __future__ import annotations

from collections.abc import Callable

Changes = dict[tuple[str, str, str], list[str]]
_providers: dict[str, Callable[[object], Changes]] = {}


def register(name: str, provider: Callable[[object], Changes]) -> None:
    _providers[name] = provider


def changes_for_check(check) -> Changes:
    joined: Changes = {}
    for provider in _providers.values():
        for key, texts in (provider(check) or {}).items():
            joined.setdefault(key, []).extend(texts)
    return joined
