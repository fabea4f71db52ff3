"""A learner's progress through a course: chapters marked done, the next one to read,
and the graded exercises still to pass."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CourseProgress:
    chapters_total: int
    chapters_done: int
    # The first chapter, in the course's order, not marked done (None: all are).
    next_chapter: int | None
    exercises_total: int
    exercises_left: int

    @property
    def percent(self) -> int:
        """Chapters and exercises together, rounded down."""
        total = self.chapters_total + self.exercises_total
        done = self.chapters_done + self.exercises_total - self.exercises_left
        return done * 100 // total if total else 0

    @property
    def started(self) -> bool:
        return self.chapters_done > 0 or self.exercises_left < self.exercises_total


def course_progress(
    chapters: Sequence[int],
    done: Iterable[int],
    exercises: Sequence[int],
    passed: Iterable[int],
) -> CourseProgress:
    """`chapters`: the course's chapter ids in order; `done`: those marked done (ids of
    other courses are ignored); `exercises` / `passed` likewise for graded exercises."""
    done_set = set(done) & set(chapters)
    passed_set = set(passed) & set(exercises)
    following = next((c for c in chapters if c not in done_set), None)
    return CourseProgress(
        chapters_total=len(chapters),
        chapters_done=len(done_set),
        next_chapter=following,
        exercises_total=len(exercises),
        exercises_left=len(exercises) - len(passed_set),
    )
