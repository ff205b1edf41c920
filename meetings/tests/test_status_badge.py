from django.template.loader import render_to_string
from django.test.html import parse_html

from meetings.models import Meeting
from meetings.status import FollowUpStatus


def test_each_status_badge_is_the_markup_of_the_status_partial():
    for status in FollowUpStatus:
        partial = render_to_string("meetings/_status.html", {"colour": status.colour, "label": status.label})
        assert parse_html(status.badge) == parse_html(partial), status


def test_each_meeting_status_badge_is_the_markup_of_the_meeting_status_partial():
    for status in Meeting.Status:
        meeting = Meeting(status=status)
        partial = render_to_string("meetings/_meeting_status.html", {"meeting": meeting})
        assert parse_html(meeting.status_badge) == parse_html(partial), status
