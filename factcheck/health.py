"""The liveness probe for load balancers and docker-compose."""

from django.db import connection
from django.http import JsonResponse

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answer `/healthz` before the host check and the HTTPS redirect.

    The container probes itself over plain HTTP as 127.0.0.1, which production settings rightly refuse
    (not in ALLOWED_HOSTS, not HTTPS). The probe reveals nothing but "the app and its database answer".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return JsonResponse({"status": "ok"})
        return self.get_response(request)
