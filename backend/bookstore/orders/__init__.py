"""Orders: the order and its status table, applying payment events, refunds, and the owner's
commands. Below checkout, which writes orders at Pay; above catalogue, payments and
notifications, which it drives.
"""
