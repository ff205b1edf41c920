"""Run by test_stored_files: a request killed (SIGKILL) after its upload was written, before commit.

    python -m core.tests.killed_upload USERNAME

Uses the database and var/ of the environment (the test's PostgreSQL test database and tmp dir).
"""

import os
import signal
import sys

import django


def main(username: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianli_quality.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from awards.tests.factories import pdf
    from core.storage import CheckedFileSystemStorage

    setup_test_environment()
    real_save = CheckedFileSystemStorage._save

    def save_then_die(self, name, content):
        saved = real_save(self, name, content)
        print(saved, flush=True)  # the file is on disk, its rows are not committed
        os.kill(os.getpid(), signal.SIGKILL)
        return saved

    CheckedFileSystemStorage._save = save_then_die
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.post(
        reverse("awards:application_create"),
        {
            "intent": "submit",
            "reward_item": "national_standard",
            "award_date": "2023-05-01",
            "reference": "GB/T 43210-2023",
            "issuing_body": "国家市场监督管理总局",
            "description": "本企业主导起草的国家标准",
            "attachments": pdf(),
            "declaration": "on",
        },
    )
    sys.exit("the request was not killed")  # pragma: no cover


if __name__ == "__main__":
    main(sys.argv[1])
