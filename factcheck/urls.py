from django.contrib import admin
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe


def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


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
    path("", include("claims.urls")),
]
