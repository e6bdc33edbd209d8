"""Which failures of a background job are worth trying again, and how long to wait before each retry.

A job whose handler raises a *transient* error (one that may clear by itself) goes back in the queue and
is tried again after a back-off, up to JOB_MAX_ATTEMPTS runs in all (claims/services/jobs.py, `job_run`).
Anything else fails the job at once, as a refusal is not going to change its mind. Transient means:

- the database or Redis (the broker, the cache) not answering or dropping the connection: a restart,
  a fail-over, a network blip;
- a host name that does not resolve, and a page that did not answer in time: DNS and busy servers
  recover, a refusal (an internal address, a 404, a PDF) does not;
- whatever a handler raises as `claims.errors.TransientError`, with its own message.

The back-off is "full jitter" exponential: after the n-th run a random wait between 0 and
min(JOB_RETRY_MAX_SECONDS, JOB_RETRY_BASE_SECONDS × 2^(n−1)), so the jobs a database restart failed
together do not all come back at the same second.
"""

import random

import kombu.exceptions
import redis.exceptions
import urllib3.exceptions
from django.conf import settings
from django.db import InterfaceError, OperationalError

from claims import fetching
from claims.errors import TransientError

DATABASE_DOWN = "The database did not answer."
REDIS_DOWN = "The message queue (Redis) did not answer."

# Connection failures of the services every job relies on, and the reason a person reads for them.
SERVICE_ERRORS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((OperationalError, InterfaceError), DATABASE_DOWN),
    ((redis.exceptions.ConnectionError, redis.exceptions.TimeoutError), REDIS_DOWN),
    ((kombu.exceptions.OperationalError,), REDIS_DOWN),
)


def transient_reason(error: BaseException) -> str | None:
    """Why `error` is worth trying again, in words for the person who asked; None if it is not."""
    if isinstance(error, TransientError):
        return error.message
    if isinstance(error, fetching.HostNotFound) or _fetch_timed_out(error):
        return error.message
    for classes, reason in SERVICE_ERRORS:
        if isinstance(error, classes):
            return reason
    return None


def is_transient(error: BaseException) -> bool:
    return transient_reason(error) is not None


def _fetch_timed_out(error: BaseException) -> bool:
    # The guarded client turns every network error into a FetchError with a message for people; the error
    # it was translated from (kept as __context__, even when raised `from None`) tells a timeout apart from
    # a refused connection or a bad certificate. NewConnectionError subclasses the connect timeout.
    if not isinstance(error, fetching.FetchError):
        return False
    cause = error.__context__
    return isinstance(cause, urllib3.exceptions.TimeoutError | TimeoutError) and not isinstance(
        cause, urllib3.exceptions.NewConnectionError
    )


def retry_delay(*, attempt: int) -> float:
    """Seconds to wait before running a job again after its `attempt`-th run (1, 2, …) failed transiently."""
    ceiling = min(settings.JOB_RETRY_MAX_SECONDS, settings.JOB_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return random.uniform(0, ceiling)


def gave_up_error(*, reason: str, attempts: int) -> str:
    """The error of a job whose last try failed transiently too: how often it was tried, and the last reason."""
    return f"We gave up after {attempts} attempts: {_lower_first(reason)}"


def _lower_first(sentence: str) -> str:
    # "The database…" reads on after a colon as "the database…"; "HTTPS…" or "“example.org”…" stay as they are.
    if len(sentence) > 1 and sentence[0].isupper() and sentence[1].islower():
        return sentence[0].lower() + sentence[1:]
    return sentence
