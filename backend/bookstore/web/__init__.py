"""The HTTP edge: routes, request and response schemas, errors, security headers, CORS, rate
limits, the OpenAPI document and the built SPA. Routes parse, call checkout and orders, and
shape the response; nothing below imports this package.
"""
