"""`sprx serve`: the Open Referral UK API and the published site over HTTP (the `serve` extra)."""
