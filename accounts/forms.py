from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": "用户名或密码不正确。请注意：连续输错 5 次将暂时锁定账户。",
        "inactive": "该账户已停用，请联系系统管理员。",
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        enterprise = user.enterprise if user.enterprise_id else None
        if enterprise is not None and enterprise.rejected_at is not None:
            raise ValidationError(
                f"{enterprise.name} 的注册已被办公室驳回，不能登录。理由：{enterprise.rejection_reason}",
                code="rejected",
            )


LOCKED_MESSAGE = "原密码输错次数过多，账户已暂时锁定 30 分钟，请稍后再试或联系系统管理员。"


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """A wrong old password is a failed login to django-axes: the same count, the same lockout
    (username + client address), so an open session cannot be used to guess the password."""

    def __init__(self, user: User, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            raise ValidationError(LOCKED_MESSAGE, code="locked")
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise ValidationError("原密码不正确，请重新输入。", code="password_incorrect")
        return old_password
