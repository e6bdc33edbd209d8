# Placeholder while the dashboard is written (helper G replaces this file).
from django.http import Http404


def dashboard(request):
    raise Http404
