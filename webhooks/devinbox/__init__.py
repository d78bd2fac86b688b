"""Dev inbox: emails (and later SMS/voice) caught on loopback, readable as HTML and JSON."""
