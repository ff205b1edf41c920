from django.apps import AppConfig


class PolicypackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policypack"
    verbose_name = "政策数据包"
