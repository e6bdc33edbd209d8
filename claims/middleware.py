"""Middleware of the claims app."""

from claims.services.job_queue import ensure_local_sweeper


def local_beat(get_response):
    """With JOB_RUNNER=thread (`make run`: no Celery beat) the web process runs the beat schedule itself,
    from the moment it loads its handler: jobs left behind by a reload are swept and due feeds polled."""
    ensure_local_sweeper()
    return get_response
