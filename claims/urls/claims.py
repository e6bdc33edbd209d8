from django.urls import path

from claims.views import claims

urlpatterns = [
    path("articles/<int:pk>/claims/new/", claims.claim_create, name="claim_create"),
    path("claims/<int:pk>/dismiss/", claims.claim_dismiss, name="claim_dismiss"),
    path("claims/<int:pk>/restore/", claims.claim_restore, name="claim_restore"),
    path("claims/<int:pk>/merge/", claims.claim_merge, name="claim_merge"),
    path("claims/<int:pk>/split/", claims.claim_split, name="claim_split"),
    path("claims/<int:pk>/reword/", claims.claim_reword, name="claim_reword"),
    path("claims/<int:pk>/assign/", claims.claim_assign, name="claim_assign"),
]
