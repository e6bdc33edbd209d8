from django.urls import path

from claims.views import articles, dashboard, jobs

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_create, name="article_create"),
    # Every job with a progress page (an article added by URL, an article fetched again).
    path("articles/jobs/<int:pk>/", jobs.job_status, name="job_status"),
]
