from django.urls import path

from claims.views import articles, dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_create, name="article_create"),
    path("articles/jobs/<int:pk>/", articles.ingestion_job_status, name="ingestion_job_status"),
]
