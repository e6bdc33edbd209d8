from django.urls import path

from claims.views import article_text, reading

urlpatterns = [
    path("articles/<int:pk>/", reading.article_detail, name="article_detail"),
    path("articles/<int:pk>/text/", article_text.article_correct_text, name="article_correct_text"),
    path("articles/<int:pk>/refetch/", article_text.article_refetch, name="article_refetch"),
    path("claims/<int:pk>/", reading.claim_panel, name="claim_panel"),
    path("claims/<int:pk>/history/", reading.claim_history, name="claim_history"),
]
