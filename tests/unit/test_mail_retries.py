from datetime import timedelta

import pytest

from app.domain.mail import MAX_ATTEMPTS, retry_delay


@pytest.mark.parametrize(
    ("failed_attempts", "wait"),
    [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=5)),
        (3, timedelta(minutes=30)),
        (4, timedelta(hours=2)),
        (5, timedelta(hours=12)),
        (6, None),  # the sixth attempt was the last: the message has failed
        (7, None),  # an attempt beyond it (one cut short by a crash) is the last too
    ],
)
def test_the_wait_after_each_failed_attempt(failed_attempts, wait):
    assert retry_delay(failed_attempts) == wait


def test_six_attempts_over_about_fifteen_hours():
    waits = [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]
    assert MAX_ATTEMPTS == 6
    assert sum(waits, timedelta()) == timedelta(hours=14, minutes=36)


def test_no_wait_before_the_first_attempt():
    with pytest.raises(ValueError):
        retry_delay(0)
