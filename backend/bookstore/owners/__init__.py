"""The shop owners' sign-in for the dashboard: accounts made from the command line, enrolled
through a one-time link (password and authenticator app), signed in with both, in sessions
kept in the database; every sign-in and owner action in an activity log.

Modules: models (the tables); passwords, totp, recovery and tokens (the secrets); accounts
and enrolment; sign_in and its throttle; sessions; activity (the log); clock (the time the
rules are judged at, which tests move); cli (`flask --app bookstore owners`). The HTTP edge
is bookstore.web.admin.
"""
