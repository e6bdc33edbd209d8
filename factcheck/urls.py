from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("robots.txt", robots_txt),
    path("", include("claims.urls")),
]
