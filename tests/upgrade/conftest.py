"""The upgrade test's marker (``slow``: it builds a database with the previous code)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: builds a database with the previous code, then upgrades it (about 30 s)",
    )
