"""The demo province, its quiz and simulated activity (demo and development only)."""
