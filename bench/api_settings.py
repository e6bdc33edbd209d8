"""Settings of the API benchmark's server (bench/bench_api.py): the project's own, production-like as
bench/_django.py makes them through the environment, with a URL configuration that adds the baseline view."""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_baseline_urls"
