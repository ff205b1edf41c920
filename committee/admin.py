from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Appointment, MemberUnit, Role, Seat, UnitContact


class UnitContactInline(admin.TabularInline):
    model = UnitContact
    extra = 0


@admin.register(MemberUnit)
class MemberUnitAdmin(SimpleHistoryAdmin):
    inlines = [UnitContactInline]
    list_display = (
        "name",
        "full_name",
        "kind",
        "is_member",
        "order",
        "active",
    )
    list_filter = ("kind", "is_member", "active")
    search_fields = ("name", "full_name")


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("order", "code", "name", "group")
    list_filter = ("group",)


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0


@admin.register(Seat)
class SeatAdmin(SimpleHistoryAdmin):
    list_display = ("order", "role", "title", "unit", "active")
    list_select_related = ("role", "unit")
    list_filter = ("role", "active")
    search_fields = ("title", "unit__name", "appointments__person_name")
    inlines = [AppointmentInline]


@admin.register(Appointment)
class AppointmentAdmin(SimpleHistoryAdmin):
    list_display = ("person_name", "seat", "start_date", "end_date")
    search_fields = ("person_name",)
