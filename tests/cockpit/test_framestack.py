"""Python 3.11 maps and unmaps a frame-stack chunk on every call that crosses a chunk's edge
(CPython gh-142183): pages were up to 2.7 times slower from some stack depths. The cockpit keeps
freed chunks (``cockpit/_framestack.c``), installed in every process by the app's ``ready()``."""

import resource

from cockpit.benchmarks.timing import DEPTH_SPAN, at_depth
from cockpit.framestack import frame_chunks_kept


def leaf():
    return None


def page_faults_of(function) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    function()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def calls(times: int):
    def run():
        for _ in range(times):
            leaf()

    return run


def test_the_chunk_keeper_is_active_in_every_django_process():
    assert frame_chunks_kept()


def test_calls_across_a_frame_chunk_edge_do_not_map_memory_on_every_call():
    # From one of these depths the leaf's frame lands on a new chunk: without the keeper each of
    # the 2,000 calls maps a fresh chunk and faults its first page in.
    worst = max(
        page_faults_of(lambda depth=depth: at_depth(depth, calls(2000)))
        for depth in range(DEPTH_SPAN + 20)
    )
    assert worst < 200
