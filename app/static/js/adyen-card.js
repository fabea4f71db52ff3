// Adyen Web's Card component in the payment step (templates/checkout/_adyen_card.html).
// The card data is encrypted inside Adyen's iframes; this page only ever sees the
// encrypted state, which goes into the hidden `adyen_state_data` input. Labels, errors
// and keyboard use inside the fields are Adyen's.
(function () {
  "use strict";

  var loading = null;

  // Adds a <link> or <script> from Adyen's CDN with its Subresource Integrity hash, set
  // before the URL so the browser checks it.
  function addTag(tag, url, integrity, onload, onerror) {
    var el = document.createElement(tag);
    if (integrity) el.integrity = integrity;
    el.crossOrigin = "anonymous";
    el.onload = onload;
    el.onerror = onerror;
    if (tag === "link") {
      el.rel = "stylesheet";
      el.href = url;
    } else {
      el.src = url;
    }
    document.head.appendChild(el);
  }

  function loadAdyenWeb(settings) {
    if (window.AdyenWeb) return Promise.resolve(window.AdyenWeb);
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      addTag("link", settings.stylesheetUrl, settings.stylesheetIntegrity);
      addTag("script", settings.scriptUrl, settings.scriptIntegrity, function () {
        if (window.AdyenWeb) resolve(window.AdyenWeb);
        else reject(new Error("Adyen Web did not start"));
      }, function () {
        // Blocked, offline or an integrity mismatch: let a later mount try again.
        loading = null;
        reject(new Error("Adyen Web did not load"));
      });
    });
    return loading;
  }

  function mount(root) {
    if (root.hasAttribute("data-adyen-ready")) return;
    root.setAttribute("data-adyen-ready", "");
    var settings = root.dataset;
    var noScript = root.querySelector("[data-adyen-no-script]");
    var failed = root.querySelector("[data-adyen-failed]");
    var container = root.querySelector("[data-adyen-container]");
    var state = root.querySelector("[data-adyen-state]");
    if (noScript) noScript.hidden = true;

    function fail() {
      root.removeAttribute("data-adyen-ready");
      if (failed) failed.hidden = false;
    }

    if (!settings.clientKey || !container || !state) {
      fail();
      return;
    }
    loadAdyenWeb(settings)
      .then(function (AdyenWeb) {
        return AdyenWeb.AdyenCheckout({
          clientKey: settings.clientKey,
          environment: settings.environment,
          locale: settings.locale,
          countryCode: settings.countryCode,
          analytics: { enabled: false },
          onError: function () { state.value = ""; }
        }).then(function (checkout) {
          new AdyenWeb.Card(checkout, {
            // Our form's own button submits; the server makes the payment.
            showPayButton: false,
            onChange: function (cardState) {
              // Only a complete, valid card is posted; otherwise the server says which.
              state.value = cardState.isValid ? JSON.stringify(cardState.data) : "";
            }
          }).mount(container);
          if (failed) failed.hidden = true;
        });
      })
      .catch(fail);
  }

  function mountAll(scope) {
    var roots = (scope || document).querySelectorAll("[data-adyen-card]");
    Array.prototype.forEach.call(roots, mount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { mountAll(document); });
  } else {
    mountAll(document);
  }
  // The payment step swapped in by htmx (a 422 with errors, say): its <script> tag does
  // not run again (allowScriptTags is off), so mount from here.
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.querySelectorAll) {
      if (elt.matches && elt.matches("[data-adyen-card]")) mount(elt);
      mountAll(elt);
    }
  });
})();
