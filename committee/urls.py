from django.urls import path

from . import views

app_name = "committee"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("export.xlsx", views.roster_export_xlsx, name="roster_export_xlsx"),
    path("export.docx", views.roster_export_docx, name="roster_export_docx"),
    path("import/", views.roster_import, name="roster_import"),
    path("import/confirm/", views.roster_import_confirm, name="roster_import_confirm"),
    path("seats/new/", views.seat_create, name="seat_create"),
    path("seats/<int:pk>/", views.seat_detail, name="seat_detail"),
    path("seats/<int:pk>/replace/", views.seat_replace, name="seat_replace"),
    path("seats/<int:pk>/retire/", views.seat_retire, name="seat_retire"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_pk>/contacts/new/", views.contact_edit, name="contact_create"),
    path("units/<int:unit_pk>/contacts/<int:pk>/", views.contact_edit, name="contact_update"),
    path("units/<int:unit_pk>/contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
]
