"""Phone verification: E.164 numbers, allowed countries, codes by SMS or voice, anti-pumping limits."""
