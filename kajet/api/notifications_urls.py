from django.urls import path

from kajet.api import notifications as views

urlpatterns = [
    path("notifications", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/unread", views.UnreadCountView.as_view(), name="notification-unread"),
    path("notifications/read", views.MarkReadView.as_view(), name="notification-read"),
    path(
        "notifications/preferences",
        views.PreferencesView.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/push-subscriptions",
        views.PushSubscriptionListView.as_view(),
        name="push-subscription-list",
    ),
    path(
        "notifications/push-subscriptions/<id:subscription_id>",
        views.PushSubscriptionView.as_view(),
        name="push-subscription",
    ),
]
