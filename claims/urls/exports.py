from django.urls import path

from claims.views import exports

urlpatterns = [
    path("exports/", exports.export_report, name="export_report"),
    path("exports/jobs/<int:pk>/download/", exports.export_download, name="export_download"),
]
