"""Browsers the platform no longer supports (Terms §5)."""

IOS_LAST_UNSUPPORTED_MAJOR = 12


def is_outdated_browser(browser_family: str, os_family: str, os_major: str | None) -> bool:
    if browser_family in {"Opera Mini", "IE", "IE Mobile"}:
        return True
    if os_family == "iOS" and os_major and os_major.isdigit():
        return int(os_major) <= IOS_LAST_UNSUPPORTED_MAJOR
    return False
