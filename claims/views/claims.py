# Placeholder while claim editing is written (helper D replaces this file).
from django.http import Http404


def claim_create(request, pk):
    raise Http404
