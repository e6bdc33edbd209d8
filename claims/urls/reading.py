from django.urls import path

from claims.views import reading

urlpatterns = [
    path("articles/<int:pk>/", reading.article_detail, name="article_detail"),
    path("claims/<int:pk>/", reading.claim_panel, name="claim_panel"),
    path("claims/<int:pk>/history/", reading.claim_history, name="claim_history"),
]
