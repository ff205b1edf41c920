from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer: home, policy page, workbench, system pages and demo data. It may import every
    feature app; nothing imports it."""

    name = "portal"
    verbose_name = "门户与工作台"

    def ready(self) -> None:
        from core import navigation

        from . import nav

        navigation.register(nav.nav_group)
