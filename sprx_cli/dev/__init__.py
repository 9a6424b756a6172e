"""Tools for tests, benchmarks and scripts, used by no command."""
