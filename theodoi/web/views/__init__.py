"""Views of the pages: each checks access (tracking/access.py), validates a form and calls
one service (tracking/services.py or web/actions.py)."""
