"""The catalogue: the books for sale, their copies on the shelf and held by orders, and the
owner's stock commands. Below checkout and orders; it knows an order only by its id.
"""
