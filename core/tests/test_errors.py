"""One way to fail (issue 15, point 4): ``ServiceError`` and ``show_error``."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from assessment.services import AssessmentError
from core.errors import ServiceError, refused_as, show_error
from core.storage import StorageUnavailable
from targets.excel import TemplateRefused
from targets.services import ImportRefused, ReportError


class NameForm(forms.Form):
    name = forms.CharField(label="名称")


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_service_error_is_a_validation_error_with_its_chinese_message_and_a_code():
    exc = ServiceError("该报告已采纳，不能再修改。", code="accepted")
    assert isinstance(exc, ValidationError)
    assert str(exc) == "该报告已采纳，不能再修改。"
    assert exc.code == "accepted"
    assert ServiceError("不能提交。").code == "refused"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ReportError, "report_refused"),
        (ImportRefused, "import_refused"),
        (TemplateRefused, "template_refused"),
        (AssessmentError, "assessment_refused"),
    ],
)
def test_every_service_error_of_the_project_is_a_service_error_with_its_own_default_code(error, code):
    exc = error("不能这样做。")
    assert isinstance(exc, ServiceError)
    assert exc.code == code and str(exc) == "不能这样做。"


def test_storage_unavailable_is_a_service_error():
    exc = StorageUnavailable()
    assert isinstance(exc, ServiceError) and exc.code == "storage_unavailable"
    assert "存储空间" in str(exc)


def test_shown_on_a_form_an_error_naming_a_field_goes_to_that_field_and_others_to_the_top():
    form = NameForm(data={"name": "甲"})
    assert form.is_valid()
    show_error(_request(), ServiceError({"name": "名称已被使用。", "elsewhere": "另一条。"}), form=form)
    assert form.errors["name"] == ["名称已被使用。"]
    assert form.non_field_errors() == ["另一条。"]


def test_shown_on_a_form_a_plain_error_goes_to_the_top_and_no_message_is_added():
    request = _request()
    form = NameForm(data={"name": "甲"})
    form.is_valid()
    show_error(request, ReportError("已提交，不能再修改。"), form=form)
    assert form.non_field_errors() == ["已提交，不能再修改。"]
    assert list(get_messages(request)) == []


def test_without_a_form_each_error_becomes_one_message_at_the_level_asked():
    request = _request()
    show_error(request, ValidationError(["第一条。", "第二条。"]))
    show_error(request, ServiceError("已处理。"), level=20)
    shown = [(m.level, m.message) for m in get_messages(request)]
    assert shown == [(40, "第一条。"), (40, "第二条。"), (20, "已处理。")]


def test_a_service_error_naming_fields_or_listing_messages_still_has_its_code():
    fields = ServiceError({"username": "该用户名已被使用。"}, code="username_taken")
    assert fields.code == "username_taken" and fields.message_dict == {"username": ["该用户名已被使用。"]}
    listed = ServiceError(["缺少列：A。", "缺少列：B。"], code="header")
    assert listed.code == "header" and listed.messages == ["缺少列：A。", "缺少列：B。"]
    assert ServiceError({"name": "必填。"}).code == "refused"


def test_refused_as_turns_a_django_validator_refusal_into_a_service_error_with_its_fields():
    with pytest.raises(ServiceError) as refused, refused_as("weak_password"):
        raise ValidationError({"password": ["密码太短。"]})
    assert refused.value.code == "weak_password"
    assert refused.value.message_dict == {"password": ["密码太短。"]}


def test_refused_as_lets_a_service_error_through_with_its_own_code():
    with pytest.raises(ServiceError) as refused, refused_as("other"):
        raise ServiceError("已处理。", code="decided")
    assert refused.value.code == "decided"


@pytest.mark.django_db
def test_save_with_history_clean_refuses_an_invalid_row_as_a_service_error_and_saves_nothing():
    from committee.models import MemberUnit
    from core.history import save_with_history

    before = MemberUnit.objects.count()
    with pytest.raises(ServiceError) as refused:
        save_with_history(MemberUnit(name=""), None, clean=True)
    assert refused.value.code == "invalid"
    assert "name" in refused.value.message_dict
    assert MemberUnit.objects.count() == before
