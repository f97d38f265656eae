"""Loaded by pytest before Django's settings (``-p cockpit.pytest_plugin`` in pyproject.toml).

The settings refuse to start without a secret key when debug is off, and redirect to HTTPS in
production; the test suite runs with production settings otherwise.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-never-used-in-production")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Playwright runs an event loop in the test thread; Django's ORM calls from it are fine in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Two-factor login is not required by default (the client's force_login gives no code); the tests
# of tests/accounts/ turn it on.
os.environ.setdefault("DJANGO_OTP_REQUIRED", "0")
# Background tasks run inline when enqueued (tests/cockpit/test_task_queue.py runs the worker).
os.environ.setdefault("TASKS_BACKEND", "immediate")
# The benchmark harness is installed for its own tests (tests/bench/).
os.environ.setdefault("COCKPIT_BENCH", "1")
# Files the suite's jobs keep (STORAGES["default"]) go to a temporary folder, never the checkout.
if "DJANGO_MEDIA_ROOT" not in os.environ:
    import tempfile

    os.environ["DJANGO_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="cockpit-tests-media-")
