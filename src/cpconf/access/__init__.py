"""Who may see what, and the record of who saw and changed what.

``rules`` and ``gateways`` decide need-to-know (R-AF-5); ``log`` writes the tamper-evident access log
and audit history in the same transaction as the read or write they record.
"""
