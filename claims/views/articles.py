# Placeholder while the article list and forms are written (helper G replaces this file).
from django.http import Http404


def article_list(request):
    raise Http404


def article_create(request):
    raise Http404


def ingestion_job_status(request, pk):
    raise Http404
