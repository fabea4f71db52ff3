"""Keyboard only: from the footer to the Terms of Service, then download the PDF."""

import pytest

MAX_TABS = 150


def focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {href: el.getAttribute("href") || "", text: (el.textContent || "").trim(),
                  inFooter: !!el.closest("footer")};
        }"""
    )


def tab_to(page, predicate) -> dict:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("never reached the element with the Tab key")


@pytest.mark.parametrize(
    ("locale", "link_text", "pdf_name"),
    [
        ("en", "Terms of Service", "terms-2026-11-en.pdf"),
        ("fr", None, "terms-2026-11-fr.pdf"),
    ],
)
def test_footer_to_terms_to_pdf_with_the_keyboard(new_context, locale, link_text, pdf_name):
    page = new_context(locale, accept_downloads=True).new_page()
    page.goto("/")
    link = tab_to(page, lambda el: el["inFooter"] and el["href"] == "/terms")
    if link_text:
        assert link["text"] == link_text
    page.keyboard.press("Enter")
    page.wait_for_url("**/terms")
    assert page.locator("h1").inner_text() != ""
    assert page.get_attribute("html", "lang") == locale

    # The first PDF link is the page's own language's.
    own = f"/terms/2026-11.pdf?lang={locale}"
    pdf_link = tab_to(page, lambda el: el["href"] == own)
    assert "PDF, " in pdf_link["text"] and ("KB" in pdf_link["text"] or "Ko" in pdf_link["text"])
    with (
        page.expect_response(lambda r: r.url.endswith(own)) as answer,
        page.expect_download() as download_info,
    ):
        page.keyboard.press("Enter")
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="{pdf_name}"'
    download = download_info.value
    assert download.suggested_filename == pdf_name
    with open(download.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"
