"""Upkeep: review cycles, adding a scheme, starting a registry, synthetic registries."""
