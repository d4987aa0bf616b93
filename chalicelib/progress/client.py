"""A minimal server-sent-events parser for the tests and the benchmark."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field


@dataclass
class Event:
    """One dispatched event, or a comment block (`: ping`) when `comments` is all it has."""

    event: str = "message"
    id: str | None = None
    data_lines: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def data(self) -> str:
        return "\n".join(self.data_lines)


async def iter_events(lines: AsyncIterable[str]) -> AsyncIterator[Event]:
    """Group the lines of an event stream into events, split at blank lines."""
    current = Event()
    async for line in lines:
        if line == "":
            if current.data_lines or current.comments:
                yield current
            current = Event()
        elif line.startswith(":"):
            current.comments.append(line[1:].strip())
        else:
            name, _, value = line.partition(":")
            _set_field(current, name, value.removeprefix(" "))


def _set_field(event: Event, name: str, value: str) -> None:
    if name == "data":
        event.data_lines.append(value)
    elif name == "event":
        event.event = value
    elif name == "id":
        event.id = value
