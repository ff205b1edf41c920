"""An e-mail backend for the crash test: records which process is sending, then takes its time.

``EMAIL_BACKEND=scheduler.tests.slow_mail.SlowFileBackend`` in a worker's environment; the test kills
the process named in ``<JIANLI_VAR_DIR>/sending.pid`` while it waits, i.e. in the middle of a send.
"""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        (Path(settings.VAR_DIR) / "sending.pid").write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "30")))
        return super().send_messages(email_messages)
