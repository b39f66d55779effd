"""Work done after a commit, by the worker process: claimed once, retried with backoff, or dead.

The tables are the queue (an email in outbox_messages, everything else in jobs), written in the
transaction that makes the work due, which no broker could join. claims.py claims and settles
a row of either; queue.py is the jobs table's kinds, their policies and their handlers.
"""
