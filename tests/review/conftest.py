"""The review tests use the delivery tests' real SMTP server (aiosmtpd on 127.0.0.1)."""

from tests.deliver.conftest import isolated_smtp_environment, smtp_server  # noqa: F401  (fixtures)
