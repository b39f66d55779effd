"""The shop owners' sign-in for the dashboard: accounts made from the command line, enrolled
through a one-time link (password and authenticator app), signed in with both, in sessions
kept in the database; every sign-in and owner action in an activity log.

Modules: models (the tables), passwords, totp and recovery (the three secrets), enrolment,
sign_in (with throttle), sessions, activity, clock, and cli (`flask --app bookstore owners`).
The HTTP edge is bookstore.web.admin.
"""
