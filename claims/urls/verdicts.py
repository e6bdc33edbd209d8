from django.urls import path

from claims.views import verdicts

urlpatterns = [
    path("claims/<int:pk>/verdict/", verdicts.verdict_edit, name="verdict_edit"),
    path("claims/<int:pk>/comments/", verdicts.comment_create, name="comment_create"),
    path("verdicts/<int:pk>/approve/", verdicts.verdict_approve, name="verdict_approve"),
    path("verdicts/<int:pk>/return/", verdicts.verdict_return, name="verdict_return"),
    path("verdicts/<int:pk>/revise/", verdicts.verdict_revise, name="verdict_revise"),
]
