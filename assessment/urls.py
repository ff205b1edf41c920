from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("<int:year>/", views.scheme, name="scheme"),
    path("<int:year>/publish/", views.publish, name="publish"),
    path("<int:year>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:year>/export.docx", views.export_docx, name="export_docx"),
]
