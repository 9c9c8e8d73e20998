"""Email distribution: the pack in every inbox on the list, with its attachments, exactly once.

`config` reads the [email] and [smtp] settings (pack file, user config, BRIEF_SMTP_* variables),
`message` builds the message (safe headers, text and HTML bodies from a template, attachments),
`smtp` hands it to a server and says, per recipient, what happened, and `outbox` keeps that in
the run history so that a rerun sends only what was not sent.
"""
