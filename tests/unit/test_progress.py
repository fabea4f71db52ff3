"""Terms §2.1a (courses and exercises): a learner's progress through a course."""

import pytest

from app.domain.progress import course_progress


@pytest.mark.parametrize(
    ("chapters", "done", "exercises", "passed", "expected"),
    [
        ([1, 2, 3], [], [10], [], (0, 1, 1, 0)),
        ([1, 2, 3], [1], [10], [], (1, 2, 1, 25)),
        ([1, 2, 3], [1, 3], [10], [], (2, 2, 1, 50)),  # the first not done comes next
        ([1, 2, 3], [1, 2, 3], [10], [10], (3, None, 0, 100)),
        ([1, 2, 3], [1, 2, 3, 99], [], [], (3, None, 0, 100)),  # another course's chapter
        ([], [], [], [], (0, None, 0, 0)),
        ([1], [], [10, 11], [11, 12], (0, 1, 1, 33)),
    ],
)
def test_course_progress(chapters, done, exercises, passed, expected):
    p = course_progress(chapters, done, exercises, passed)
    assert (p.chapters_done, p.next_chapter, p.exercises_left, p.percent) == expected
