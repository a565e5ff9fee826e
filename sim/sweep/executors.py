"""Executors: where runs run. Each takes an iterator of jobs (consumed lazily, a bounded
number in flight) and yields results as they finish, in any order.

* :func:`serial_executor` runs in this process;
* :func:`process_executor` in local worker processes (forkserver);
* :func:`dask_executor` on a Dask ``distributed`` cluster (``dask_client`` connects to a
  scheduler address or starts a ``LocalCluster``); a worker lost mid-run has its task run
  again elsewhere (the scheduler reschedules it; exceptions are retried ``retries`` times).

No process is left behind: worker processes watch the coordinating process (a pidfd on
Linux, polling elsewhere) and exit the moment it dies, even by SIGKILL; on an exception,
SIGINT or SIGTERM the executors kill their workers before returning.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from sim.sweep.job import Job, run_job

if TYPE_CHECKING:
    from sim.sweep.store import RunRecord

#: Runs jobs (an iterator, consumed lazily) and yields their results as they finish.
Executor = Callable[[Iterator["Job"]], Iterator["RunRecord"]]

__all__ = ["Executor", "dask_client", "dask_executor", "process_executor", "serial_executor", "watch_parent"]


def serial_executor(jobs: Iterator[Job]) -> Iterator[RunRecord]:
    """Run the jobs one after the other in this process."""
    for job in jobs:
        yield run_job(job)


# --------------------------------------------------------------------------- orphan watch


def _watch(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)  # type: ignore[attr-defined]
    except ProcessLookupError:
        os._exit(70)
    except (AttributeError, OSError):  # no pidfd: poll
        while True:
            time.sleep(0.5)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(70)
    select.select([fd], [], [])
    os._exit(70)


def watch_parent(pid: int | None = None) -> None:
    """Exit this process as soon as process ``pid`` (default: the parent) ends."""
    threading.Thread(target=_watch, args=(pid or os.getppid(),), name="govsim-orphan-watch", daemon=True).start()


def dask_setup(worker: Any = None) -> None:  # noqa: ARG001 - Dask preload hook
    """Preload of ``--dask-local`` workers: exit with the coordinating process."""
    watch_parent()


# --------------------------------------------------------------------------- processes


def _mp_context() -> Any:
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["sim.sweep.job", "sim.run", "sim.scenario.loading"])
        return ctx
    return multiprocessing.get_context("spawn")


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    kill = getattr(pool, "kill_workers", None)  # Python 3.14+
    if kill is not None:
        with suppress(Exception):
            kill()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with suppress(Exception):
            proc.kill()


def process_executor(workers: int | None = None) -> Executor:
    """Executor running jobs in up to ``workers`` local processes (default: all cores), with
    at most two jobs per worker in flight. On a failing job the jobs in flight are finished
    and yielded, then the failure is raised with a note naming the job."""
    n_workers = max(1, workers or os.cpu_count() or 1)

    def execute(jobs: Iterator[Job]) -> Iterator[RunRecord]:
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=_mp_context(), initializer=watch_parent,
                                   initargs=(os.getpid(),))
        futures: dict[Future[RunRecord], Job] = {}
        failed: tuple[Job, BaseException] | None = None
        clean = False
        try:
            for job in jobs:
                futures[pool.submit(run_job, job)] = job
                if len(futures) >= 2 * n_workers:
                    failed = yield from _drain(futures, failed, block=True)
                    if failed:
                        break
            while futures:
                failed = yield from _drain(futures, failed, block=True)
            if failed is not None:
                job, exc = failed
                exc.add_note(f"while running scenario '{job.name}', point {job.point}, seed {job.seed}")
                raise exc
            clean = True
        finally:
            if not clean:
                _kill_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)

    return execute


def _drain(futures: dict[Future[RunRecord], Job], failed: tuple[Job, BaseException] | None, *,
           block: bool) -> Iterator[RunRecord]:
    done, _ = wait(list(futures), return_when=FIRST_COMPLETED, timeout=None if block else 0)
    for fut in sorted(done, key=lambda f: futures[f].key):
        job = futures.pop(fut)
        exc = fut.exception()
        if exc is not None:
            failed = failed or (job, exc)
        else:
            yield fut.result()
    return failed


# --------------------------------------------------------------------------- dask


@contextmanager
def dask_client(*, scheduler: str | None = None, local: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` on the scheduler at ``scheduler``, or on a ``LocalCluster``
    of ``local`` single-threaded worker processes (closed on exit)."""
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler:
        with Client(scheduler, timeout="10s") as client:
            yield client
        return
    with LocalCluster(n_workers=max(1, local or 1), threads_per_worker=1, processes=True, dashboard_address=None,
                      preload=["sim.sweep.executors"], silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def dask_executor(client: Any, *, retries: int = 2, in_flight: int | None = None) -> Executor:
    """Executor submitting jobs to a Dask cluster through ``client``, with at most
    ``in_flight`` (default: twice the cluster's threads) pending at a time."""

    def execute(jobs: Iterator[Job]) -> Iterator[RunRecord]:
        from distributed import as_completed

        limit = in_flight or max(2, 2 * sum(client.nthreads().values()))
        queue = as_completed()
        pending: dict[Any, Job] = {}
        try:
            for job in jobs:
                fut = client.submit(run_job, job, key=f"govsim-{job.config_hash[:16]}-{job.point}-{job.scenario}-{job.seed}",
                                    pure=False, retries=retries)
                pending[fut] = job
                queue.add(fut)
                while len(pending) >= limit:
                    yield _collect(next(queue), pending)
            for fut in queue:
                yield _collect(fut, pending)
        finally:
            for fut in pending:
                fut.cancel()

    return execute


def _collect(fut: Any, pending: dict[Any, Job]) -> RunRecord:
    job = pending.pop(fut)
    try:
        return fut.result()
    except Exception as exc:
        exc.add_note(f"while running scenario '{job.name}', point {job.point}, seed {job.seed} on Dask")
        raise
