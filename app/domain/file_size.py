"""File sizes as people read them: "120 KB" in English, "120 Ko" in French."""

from babel.numbers import format_decimal

UNITS = {"en": ("bytes", "KB", "MB"), "fr": ("octets", "Ko", "Mo")}


def file_size(size: int, locale: str) -> str:
    """Sizes in decimal units (1 KB = 1,000 bytes), rounded up so nothing shows as 0 KB."""
    units = UNITS.get(locale, UNITS["en"])
    if size < 1000:
        return f"{format_decimal(size, locale=locale)} {units[0]}"
    kilobytes = -(-size // 1000)
    if kilobytes < 1000:
        return f"{format_decimal(kilobytes, locale=locale)} {units[1]}"
    megabytes = round(size / 1_000_000, 1)
    return f"{format_decimal(megabytes, format='#,##0.0', locale=locale)} {units[2]}"
