"""The offline demo: a stand-in for Stripe's test mode, with its own API for the frontend's
Stripe.js stand-in, its bank page, and the webhook events it delivers to the shop.
"""
