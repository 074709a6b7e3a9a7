"""A named table of entries where an unknown name is an error that lists the known ones.

Activations, losses, optimizers and learning-rate schedules are each one `Registry`. Asking for a
name that is not there raises that registry's own `UnknownName` subclass (a KeyError) whose
message lists every known name, instead of quietly answering with a default: a derivative that
fell back to 1.0 once made "Check my answer" wrong without a sound (CONVENTIONS rule 11).
"""

from __future__ import annotations

from typing import Generic, Iterator, TypeVar

T = TypeVar("T")


class UnknownName(KeyError):
    """A name no entry of the registry has. ``name`` is the name asked for."""

    kind = "name"

    def __init__(self, name: object, known: tuple[str, ...]) -> None:
        self.name = name
        super().__init__(f"Unknown {self.kind} {name!r}: the known {self.kind}s are "
                         f"{', '.join(known)}.")

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class Registry(Generic[T]):
    """Entries by their ``name`` attribute, in the order they were added."""

    def __init__(self, error: type[UnknownName]) -> None:
        self._entries: dict[str, T] = {}
        self._error = error

    def add(self, entry: T) -> T:
        name = entry.name  # type: ignore[attr-defined]
        if name in self._entries:
            raise ValueError(f"{name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except (KeyError, TypeError):  # TypeError: an unhashable value read from a file
            raise self._error(name, self.names()) from None

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._entries

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))
