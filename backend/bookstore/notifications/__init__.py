"""Notifications: the emails the shop sends, the outbox that queues them, and their transport.

Below checkout and orders: an order is handed in (as the fields an email shows, by its id),
never looked up from here.
"""
