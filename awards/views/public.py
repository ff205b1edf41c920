"""Pages for everyone: enterprise registration and the 公示 lists."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_ratelimit.decorators import ratelimit

from core.clientip import ratelimit_key
from core.errors import show_error

from .. import selectors, services
from ..forms import RegistrationForm
from ..models import PublicityBatch


# per client address (core.clientip, the lockout's address): every registration POST counts, so
# probing usernames or credit codes ("已被使用"/"已经注册") is bounded like registering itself
@ratelimit(key=ratelimit_key, rate=settings.REGISTRATION_RATE, method="POST", block=True)
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, "您已登录。如需为另一家企业注册，请先退出当前账户。")
        return redirect("core:workbench")
    form = RegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise, user = services.enterprise_register(
                name=data["name"],
                credit_code=data["credit_code"],
                address=data["address"],
                contact_person=data["contact_person"],
                contact_phone=data["contact_phone"],
                licence=data["licence"],
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
            )
        except ValidationError as exc:
            show_error(request, exc, form=form)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"{enterprise.name} 注册成功。办公室核验企业信息后，您提交的申报即可进入审核；现在就可以填写申报。",
            )
            return redirect("awards:my_applications")
    return render(request, "awards/register.html", {"form": form})


def publicity(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    current = selectors.current_lists(today)
    past = Paginator(selectors.past_batches(today), 20).get_page(request.GET.get("page"))
    return render(request, "awards/publicity.html", {"current": current, "page_obj": past, "today": today})


def publicity_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(PublicityBatch, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "awards/publicity_batch.html",
        {
            "batch": batch,
            "entries": selectors.batch_entries(batch),
            "today": today,
            "is_open": batch.is_open(today),
        },
    )
