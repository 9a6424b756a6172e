"""The published site: publishing and rolling back versions atomically, changes and the feed, the index page."""
