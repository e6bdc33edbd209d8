from django.urls import path

from claims.views import feeds

urlpatterns = [
    path("feeds/", feeds.feed_list, name="feed_list"),
    path("feeds/new/", feeds.feed_create, name="feed_create"),
    path("feeds/<int:pk>/", feeds.feed_detail, name="feed_detail"),
    path("feeds/<int:pk>/edit/", feeds.feed_edit, name="feed_edit"),
    path("feeds/<int:pk>/poll/", feeds.feed_poll_now, name="feed_poll_now"),
]
