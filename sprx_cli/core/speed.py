"""What keeps large registries fast and that is not about any one stage."""

from __future__ import annotations

import gc
import os
from itertools import accumulate
from contextlib import contextmanager
from typing import TypeVar
from collections.abc import Callable, Iterator, Sequence

T = TypeVar("T")
R = TypeVar("R")


_SHORT_LIVED = False  # whether this process ends with its command (see short_lived)


def short_lived() -> None:
    """Say that this process ends as soon as its command is done (the console script does): what is
    made while the collector is paused then stays out of its later passes (see no_cyclic_gc)."""
    global _SHORT_LIVED
    _SHORT_LIVED = True


_KEPT: list = []  # see keep_till_exit


def keep_till_exit(*objects) -> None:
    """In a short-lived process, keep these until it leaves: they are freed at once then, not one by one
    now (a large import's rows take a fifth of a second to free). Elsewhere, nothing."""
    if _SHORT_LIVED:
        _KEPT.extend(objects)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector. Loading or rendering a registry makes millions of small
    acyclic objects, and the collector's repeated passes over them cost a third of the time.
    In a short-lived process they are frozen when it resumes: its next pass would go over every
    one of them (a fifth of a second for an import of 100,000 rows) to free next to nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if _SHORT_LIVED:
                gc.freeze()
            gc.enable()


# Below this many items the work is done in one process: forking and sending the results back cost
# more than they save. (Tests set it lower to run the forked path on small inputs.)
PARALLEL_FROM = 10_000
_in_part = False  # whether a part of split_work's is running here: work within it is not split again
PARTS_PER_CORE = 4  # split_work's parts, handed out as cores become free


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on macOS or Windows)
        return os.cpu_count() or 1


def split_work(work: Callable[[Sequence[T], int], R], items: Sequence[T]) -> list[R]:
    """`work(part, start)` for consecutive parts of `items` (`start`: the part's first index), done at
    the same time on every core: by this process and by forked copies of it, each taking the next part
    as it finishes one (so a core that runs slower does fewer). A forked copy pickles each result into
    a file of its own (a pipe carries 64 KB a turn), which this process reads between its own parts,
    while the others still work. The results in order, the same as one `work(items, 0)` split up.

    Pure Python work on one core is the limit of a large import; forking needs no pickling of the
    input. Where fork is unavailable (Windows), on one core, or for few items, it is one call here; a
    part whose process fails is done again here (so an error in `work` is raised as it would be).
    Work split within a part (this process's or a forked one's) is done there in one call: every core
    is busy already."""
    import multiprocessing  # (here, not above: the console script imports this module as it starts)
    import shutil
    import tempfile
    import warnings

    n, k = len(items), min(cores(), 4)
    if _in_part or k < 2 or n < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [work(items, 0)]
    parts = min(n, k * PARTS_PER_CORE)
    # each round of parts half the size of the one before, so that the last to finish are short
    weights = [0.5 ** (j // k) for j in range(parts)]
    ends = list(accumulate(weights))
    bounds = sorted({0, *(round(n * e / ends[-1]) for e in ends)})  # (no empty part)
    parts = len(bounds) - 1
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)  # how many parts have been taken (shared with the forked copies)
    children = []
    spool = tempfile.mkdtemp(prefix="sprx-parts-")  # a forked copy's results, a file each (see _collect)
    try:
        with warnings.catch_warnings():  # (Python 3.12+ warns of forking with threads; the child only
            warnings.simplefilter("ignore", DeprecationWarning)  # runs `work`, which takes no locks)
            for _ in range(1, k):
                receive, send = context.Pipe(duplex=False)
                child = context.Process(target=_run_parts, daemon=True,
                                        args=(work, items, bounds, taken, send, spool))
                child.start()
                send.close()
                children.append((child, receive))
        results: dict[int, R] = {}
        while (j := _next_part(taken, parts)) is not None:
            results[j] = _part_here(work, items[bounds[j]:bounds[j + 1]], bounds[j])
            _collect(spool, results)
        for _, receive in children:
            try:
                receive.recv()  # (done, or failed: either way it writes no more)
            except Exception:  # noqa: BLE001 - the process died
                pass
        _collect(spool, results)
        for j in range(parts):
            if j not in results:  # (its process failed: done again here)
                results[j] = _part_here(work, items[bounds[j]:bounds[j + 1]], bounds[j])
        return [results[j] for j in range(parts)]
    finally:
        for child, receive in children:
            receive.close()
            if child.is_alive():
                child.kill()
            child.join()
        shutil.rmtree(spool, ignore_errors=True)


def _next_part(taken, parts: int) -> int | None:
    with taken.get_lock():
        j = taken.value
        taken.value = j + 1
    return j if j < parts else None


def _collect(spool: str, results: dict) -> None:
    """The results the forked copies have finished so far (a part's file appears whole: it is renamed
    into place once written), read and removed."""
    import pickle

    for name in os.listdir(spool):
        if name.endswith(".pickle"):
            path = os.path.join(spool, name)
            try:
                with open(path, "rb") as f:
                    results[int(name.removesuffix(".pickle"))] = pickle.load(f)
            except Exception:  # noqa: BLE001 - not whole after all: the part is done again here
                pass
            os.unlink(path)


def _part_here(work, items, start: int):
    global _in_part
    _in_part = True
    try:
        return work(items, start)
    finally:
        _in_part = False


def _run_parts(work, items, bounds: list[int], taken, send, spool: str) -> None:
    import pickle

    ok = True
    try:
        while (j := _next_part(taken, len(bounds) - 1)) is not None:
            result = _part_here(work, items[bounds[j]:bounds[j + 1]], bounds[j])
            path = os.path.join(spool, f"{j}.pickle")
            with open(path + ".part", "wb") as f:
                pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.rename(path + ".part", path)
    except BaseException:  # noqa: BLE001 - (failed, or unpicklable): the parent does its parts again
        ok = False
    try:
        send.send(ok)
    except Exception:  # noqa: BLE001 - the parent gone
        pass
    finally:
        send.close()
