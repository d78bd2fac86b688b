"""The account balance: a ledger of entries whose sum is the balance, never a number that can drift."""
