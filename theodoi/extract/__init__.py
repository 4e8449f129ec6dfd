"""Reading plan decisions into structured plans. Plain Python: no web framework here."""
