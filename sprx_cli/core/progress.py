"""Progress of long work, told to whoever shows it: `step(name)` as a stage begins, and
`step(name, done, total)` as its items are counted. The library only tells; the CLI decides
whether and how to show it (a rich display on a terminal; nothing under --quiet, cron or JSON logs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Step = Callable[..., None]  # step(name: str, done: int | None = None, total: int | None = None)
EVERY = 2000  # items between two counts told: often enough to see, rarely enough to cost nothing

T = TypeVar("T")


def no_step(name: str, done: int | None = None, total: int | None = None) -> None:
    """Progress told to no one."""


def counted(items: Iterable[T], step: Step, name: str, total: int | None, every: int = EVERY) -> Iterator[T]:
    """`items`, telling `step` how many have gone by every `every` items and at the end."""
    done = 0
    step(name, 0, total)
    for item in items:
        yield item
        done += 1
        if done % every == 0:
            step(name, done, total)
    step(name, done, total)


class Tally:
    """Items counted one by one where they are not an iterable's (a callback's calls), told to
    `step` every `every` of them and by `end()`."""

    def __init__(self, step: Step, name: str, total: int | None, every: int = EVERY):
        self.step, self.name, self.total, self.every, self.done = step, name, total, every, 0
        step(name, 0, total)

    def add(self) -> None:
        """One more item."""
        self.done += 1
        if self.done % self.every == 0:
            self.step(self.name, self.done, self.total)

    def end(self) -> None:
        """Tell the last count."""
        self.step(self.name, self.done, self.total)
