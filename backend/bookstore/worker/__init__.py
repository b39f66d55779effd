"""The worker process (`flask --app bookstore worker`): the shop's background work, apart from
the web servers, one thread per kind of work so that a slow payment provider never holds up
the emails."""
