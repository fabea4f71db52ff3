"""Demo data for `flask demo-data` and the tests: accounts, a bilingual catalog, promo codes."""
