"""Form filling in the browser: the native-messaging host and what the app answers it.

The WebExtension (``browser/extension/``) collects the field descriptions of one form after the
person clicks, and sends them to ``secondme browser-host`` (:mod:`secondme.browser.host`), which
the browser starts and talks to over stdin/stdout. The host holds no key and reads no file of
ours: it forwards the request to the running, unlocked app over its private local socket
(:mod:`secondme.app_channel`); the app answers with :func:`secondme.browser.answer.answer_fill`.
"""
