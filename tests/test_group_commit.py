"""Group commit: what arrives while a group is written goes in the next group, each item answered.

The write function here records the groups it is given. The first group is held open until the
test lets it go, so the submitters that arrive meanwhile must wait for the next one; the test
waits for them to be waiting (a condition, not a pause).
"""

import threading
import time

import pytest
from django.db import transaction

from facilitation.group_commit import GroupCommit


class Refused(Exception):
    pass


class Writer:
    """Writes items (numbers) and records each group; 13 is refused, a group with 666 fails."""

    def __init__(self):
        self.groups = []
        self.first_group_may_finish = threading.Event()
        self.first_group_begun = threading.Event()

    def __call__(self, items):
        self.groups.append(list(items))
        if len(self.groups) == 1:
            self.first_group_begun.set()
            assert self.first_group_may_finish.wait(timeout=30)
        if 666 in items and len(items) > 1:
            raise RuntimeError("this group cannot be written")
        return [Refused(item) if item == 13 else item * 10 for item in items]


def submit_in_threads(commit, items):
    """Start a thread per item; returns ``results`` (item -> value or exception) and the threads."""
    results = {}

    def submit(item):
        try:
            results[item] = commit.submit(item)
        except Exception as error:  # noqa: BLE001 - the test looks at it
            results[item] = error

    threads = [threading.Thread(target=submit, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return results, threads


def wait_until(condition):
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come about"
        time.sleep(0.001)


def first_group_held(commit, writer, first):
    """Submit ``first`` and return once its group is being written (and held)."""
    results, threads = submit_in_threads(commit, [first])
    assert writer.first_group_begun.wait(timeout=30)
    return results, threads


def run_burst(writer, first, burst, **options):
    return run_burst_on(GroupCommit(writer, **options), writer, first, burst)


def run_burst_on(commit, writer, first, burst):
    first_results, first_threads = first_group_held(commit, writer, first)
    results, threads = submit_in_threads(commit, burst)
    wait_until(lambda: len(commit._waiting) == len(burst))
    writer.first_group_may_finish.set()
    for thread in first_threads + threads:
        thread.join(timeout=30)
    return {**first_results, **results}


def test_what_arrives_during_a_write_is_written_as_the_next_group():
    writer = Writer()
    results = run_burst(writer, 1, [2, 3, 4, 5])
    assert writer.groups[0] == [1]
    assert sorted(writer.groups[1]) == [2, 3, 4, 5]
    assert len(writer.groups) == 2
    assert results == {1: 10, 2: 20, 3: 30, 4: 40, 5: 50}


def test_a_refusal_is_raised_for_its_own_item_only():
    results = run_burst(Writer(), 1, [2, 13, 4])
    assert isinstance(results[13], Refused)
    assert {item: results[item] for item in (1, 2, 4)} == {1: 10, 2: 20, 4: 40}


def test_a_group_that_fails_is_written_again_item_by_item():
    writer = Writer()
    results = run_burst(writer, 1, [2, 666, 4])
    assert {item: results[item] for item in (1, 2, 4, 666)} == {1: 10, 2: 20, 4: 40, 666: 6660}
    # The failed group, then each of its items alone.
    assert sorted(writer.groups[1]) == [2, 4, 666]
    assert sorted(writer.groups[2:], key=str) == [[2], [4], [666]]


def test_groups_are_no_larger_than_most():
    writer = Writer()
    results = run_burst(writer, 1, list(range(2, 9)), most=3)
    assert [len(group) for group in writer.groups] == [1, 3, 3, 1]
    assert results == {item: item * 10 for item in range(1, 9)}


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_an_item_is_written_alone_at_once():
    writer = Writer()
    writer.first_group_may_finish.set()
    commit = GroupCommit(writer)
    with transaction.atomic():
        assert commit.submit(7) == 70
        with pytest.raises(Refused):
            commit.submit(13)
    assert writer.groups == [[7], [13]]
    assert not commit._waiting


def burst_then_idle(commit, writer):
    """[1] written (and held) while 2 and 3 wait, then [2, 3]: the commit is in a burst."""
    results = run_burst_on(commit, writer, 1, [2, 3])
    assert [sorted(group) for group in writer.groups] == [[1], [2, 3]]
    return results


def test_in_a_burst_the_next_group_waits_until_enough_have_come():
    writer = Writer()
    commit = GroupCommit(writer, linger=3600, enough=3)
    burst_then_idle(commit, writer)
    results, threads = submit_in_threads(commit, [4])
    wait_until(lambda: len(commit._waiting) == 1)
    more_results, more_threads = submit_in_threads(commit, [5])
    # 4 has not been written alone: it waits for enough to come.
    wait_until(lambda: len(commit._waiting) == 2)
    last_results, last_threads = submit_in_threads(commit, [6])
    for thread in threads + more_threads + last_threads:
        thread.join(timeout=30)
    assert sorted(writer.groups[2]) == [4, 5, 6]
    assert {**results, **more_results, **last_results} == {4: 40, 5: 50, 6: 60}


def test_the_wait_ends_when_its_time_is_up_though_too_few_came():
    writer = Writer()
    commit = GroupCommit(writer, linger=0.05, enough=100)
    burst_then_idle(commit, writer)
    results, threads = submit_in_threads(commit, [4])
    threads[0].join(timeout=30)
    assert results == {4: 40}
    assert writer.groups[2] == [4]


def test_out_of_a_burst_an_item_is_written_at_once_however_long_the_wait_may_be():
    writer = Writer()
    writer.first_group_may_finish.set()
    commit = GroupCommit(writer, linger=3600, enough=3)
    for item in (1, 2):
        results, [thread] = submit_in_threads(commit, [item])
        thread.join(timeout=30)
        assert not thread.is_alive(), "a lone item waited for company"
        assert results == {item: item * 10}
    assert writer.groups == [[1], [2]]
