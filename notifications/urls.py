from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("sent/", views.sent, name="sent"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/resend/", views.resend, name="resend"),
]
