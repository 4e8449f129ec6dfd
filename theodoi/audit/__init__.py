"""Who changed what: an audit trail of publishing, deadlines, reviews and accounts.

django-auditlog keeps one LogEntry per change (the fields before and after, the actor, the
client address, the time); this app says which models it watches (`apps.py`) and who the
actor is, on the pages (the session's user) and in the API (the token's user).
"""
