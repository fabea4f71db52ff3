// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Browsers we no longer support (Terms §5): Internet Explorer, Opera Mini, and
  // iOS 12 or older (every browser there uses Safari's engine). The notice is in every
  // page, hidden; the server never looks at the user agent, so that public pages are
  // the same for everyone and a shared cache can keep them. First, and plain ES5, so
  // that it runs in those browsers before anything that may fail there.
  function isOutdatedBrowser(ua) {
    if (/MSIE |Trident\/|IEMobile|Opera Mini|OPiOS/.test(ua)) return true;
    var ios = /\b(?:iPhone|iPad|iPod)\b.*?\bOS (\d+)_/.exec(ua);
    return !!ios && parseInt(ios[1], 10) <= 12;
  }
  var notice = document.getElementById("outdated-browser");
  if (notice && isOutdatedBrowser(navigator.userAgent || "")) {
    notice.removeAttribute("hidden");
  }

  var me = document.currentScript;

  // htmx comes from the CDN with Subresource Integrity; if that did not load
  // (offline, blocked, integrity mismatch), use the copy we serve ourselves.
  if (!window.htmx && me && me.dataset.htmxFallback) {
    var script = document.createElement("script");
    script.src = me.dataset.htmxFallback;
    script.integrity = me.dataset.htmxIntegrity;
    // htmx starts on DOMContentLoaded; loaded this late it may have missed it.
    script.onload = function () {
      if (document.readyState !== "loading" && document.body && !document.body["htmx-internal-data"]) {
        document.dispatchEvent(new Event("DOMContentLoaded"));
      }
    };
    document.head.appendChild(script);
  }

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      return true;
    }
    return false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // After an htmx swap: focus the error summary if the answer had errors.
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.detail.target.parentNode || document);
  });

  // The promo code's live check answered: the field's error marks follow its message
  // (a good code typed after a wrong one clears them). The error summary stays: it is
  // the account of the last submission, as the page title's "Error:" is.
  document.addEventListener("htmx:afterSwap", function (event) {
    var region = event.detail.target;
    if (!region || region.id !== "code-status") return;
    var wrong = !!region.querySelector(".field-error");
    var field = region.closest(".field");
    var input = document.getElementById("code");
    if (field) field.classList.toggle("field--error", wrong);
    if (input) {
      input.classList.toggle("input--error", wrong);
      if (wrong) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  });

  // A confirmation loaded into a <dialog> (Settings → Premium: Cancel) opens as a
  // modal: focus goes into it, Escape closes it and focus returns to the button that
  // opened it. Without JavaScript the same confirmation is a page of its own.
  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = event.detail.target;
    if (!dialog || dialog.tagName !== "DIALOG") return;
    var title = dialog.querySelector("h1[id], h2[id]");
    if (title) dialog.setAttribute("aria-labelledby", title.id);
    if (!dialog.open) dialog.showModal();
  });
  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("dialog [data-close-dialog]");
    if (!close) return;
    event.preventDefault();
    close.closest("dialog").close();
  });

  // A poll that left before the member's own reply came back may bring that reply too:
  // an item already in the list is not shown twice (the first stays, and takes the
  // request for focus if the copy had it).
  function dropRepeatedItems() {
    var seen = {};
    var items = document.querySelectorAll("#messages > li > article[id], #posts > li > article[id]");
    Array.prototype.forEach.call(items, function (article) {
      var first = seen[article.id];
      if (!first) {
        seen[article.id] = article;
        return;
      }
      if (article.hasAttribute("data-focus-after-swap")) {
        first.setAttribute("data-focus-after-swap", "");
      }
      article.parentNode.remove();
    });
  }

  // A reply posted with htmx joins the thread marked data-focus-after-swap: focus moves
  // to it (the message region announces it), once, after htmx has settled the page.
  document.addEventListener("htmx:afterSettle", function () {
    dropRepeatedItems();
    var arrived = document.querySelector("[data-focus-after-swap]");
    if (!arrived) return;
    arrived.removeAttribute("data-focus-after-swap");
    arrived.focus();
  });

  // Polls (new replies, the unread badge) rest while the tab is hidden: the request is
  // held back, and the next tick after the tab shows again asks.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (document.hidden && elt && elt.hasAttribute && elt.hasAttribute("data-poll-while-visible")) {
      event.preventDefault();
    }
  });

  // Catalog filters: leave empty fields out of the URL (/courses?q=python, not
  // /courses?q=python&level=&language=…), as the shareable address.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-drop-empty")) return;
    var params = event.detail.parameters;
    var names = [];
    params.forEach(function (value, name) { if (value === "") names.push(name); });
    names.forEach(function (name) { params.delete(name); });
  });

  // Error summary links move focus to the field, as on GOV.UK.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var input = target.matches("fieldset") ? target.querySelector("input") : target;
    (input || target).focus();
    target.scrollIntoView({ block: "center" });
  });
})();
