"""core's own endpoints (probes). They share the ``core`` URL namespace with the top-level pages of
``portal`` (see ``jianli_quality/urls.py``), the names every link and test has always used."""

from django.urls import path

from . import import_views, views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("imports/<int:pk>/", import_views.preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", import_views.confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", import_views.discard, name="import_discard"),
]
