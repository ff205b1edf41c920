"""core's own endpoints (probes). They share the ``core`` URL namespace with the top-level pages of
``portal`` (see ``jianli_quality/urls.py``), the names every link and test has always used."""

from django.urls import path

from . import views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
]
