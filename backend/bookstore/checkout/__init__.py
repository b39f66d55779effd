"""Checkout: quotes (prices, shipping, tax), and Pay, which writes the order and its
PaymentIntent. Above orders, which it writes; it reads the catalogue and calls the gateway.
"""
