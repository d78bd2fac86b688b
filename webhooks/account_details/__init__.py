"""Account details: country, personal or business account, company name and a checked tax id."""
