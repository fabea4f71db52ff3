import pytest

from app.domain.browsers import is_outdated_browser
from app.web.templating import _outdated

IOS_12 = "Mozilla/5.0 (iPhone; CPU iPhone OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1"
IOS_13 = "Mozilla/5.0 (iPhone; CPU iPhone OS 13_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Mobile/15E148 Safari/604.1"
IOS_17 = "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
IE_11 = "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko"
IE_9 = "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)"
OPERA_MINI = "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"


@pytest.mark.parametrize(
    ("family", "os_family", "os_major", "outdated"),
    [
        ("Opera Mini", "Android", "10", True),
        ("IE", "Windows", "10", True),
        ("Mobile Safari", "iOS", "12", True),
        ("Mobile Safari", "iOS", "9", True),
        ("Mobile Safari", "iOS", "13", False),
        ("Chrome Mobile iOS", "iOS", "11", True),  # every iOS browser uses the same engine
        ("Chrome", "Linux", None, False),
        ("Safari", "Mac OS X", "10", False),
    ],
)
def test_is_outdated_browser(family, os_family, os_major, outdated):
    assert is_outdated_browser(family, os_family, os_major) is outdated


@pytest.mark.parametrize(
    ("user_agent", "outdated"),
    [
        (IOS_12, True),
        (IOS_13, False),
        (IOS_17, False),
        (IE_11, True),
        (IE_9, True),
        (OPERA_MINI, True),
        (CHROME, False),
        (FIREFOX, False),
        ("", False),
    ],
)
def test_user_agent_strings(user_agent, outdated):
    assert _outdated(user_agent) is outdated
