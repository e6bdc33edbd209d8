from django.contrib import admin
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found, server_error

from claims.api.errors import problem_response


def robots_txt(request):
    # The public fact-check pages are meant to be found; the workbench behind its sign-in is not. Allow
    # comes first for crawlers that take the first matching rule (Google takes the longest).
    return HttpResponse("User-agent: *\nAllow: /fact-checks/\nDisallow: /\n", content_type="text/plain")


@require_safe
def favicon_ico(request):
    # Browsers ask for /favicon.ico whatever a page links; send them to the SVG icon. Not permanent:
    # the static URL carries a content hash in production and changes when the icon does.
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("robots.txt", robots_txt),
    path("favicon.ico", favicon_ico),
    path("api/v1/", include("claims.api.urls")),
    path("", include("claims.urls")),
]


def handler404(request, exception):
    if request.path.startswith("/api/"):
        return problem_response(404, "There is nothing at this address of the API; see /api/v1/docs/.")
    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return problem_response(500, "The error has been logged; try again later.")
    return server_error(request)
