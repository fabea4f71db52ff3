// WAI-ARIA tabs (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/), built over plain
// headed sections: without JavaScript every section shows, one after the other.
// Markup: <div data-tabs><section class="tabs__panel" id="…"><hN data-tab-label>…
(function () {
  "use strict";

  function setUp(container) {
    if (container.hasAttribute("data-tabs-ready")) return;
    container.setAttribute("data-tabs-ready", "");
    var panels = Array.prototype.filter.call(container.children, function (el) {
      return el.classList.contains("tabs__panel");
    });
    // One panel is not a choice: it stays a plain section.
    if (panels.length < 2) return;
    var list = document.createElement("div");
    list.setAttribute("role", "tablist");
    list.className = "tabs__list";
    var named = container.getAttribute("data-tabs-labelledby");
    var heading = named
      ? document.getElementById(named)
      : container.closest("section") && container.closest("section").querySelector("h2");
    if (heading && heading.id && !container.contains(heading)) {
      list.setAttribute("aria-labelledby", heading.id);
    } else {
      list.setAttribute("aria-label", container.getAttribute("data-tabs-label") || document.title);
    }
    var tabs = panels.map(function (panel, i) {
      var label = panel.querySelector("[data-tab-label]");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.id = "tab-" + panel.id;
      tab.className = "tabs__tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = label ? label.textContent : panel.id;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.setAttribute("tabindex", "0");
      // The tab names the panel now; the visible heading inside it would repeat it.
      if (label) label.classList.add("visually-hidden");
      tab.addEventListener("click", function () { select(i, true); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") next = (i + 1) % tabs.length;
        else if (event.key === "ArrowLeft") next = (i - 1 + tabs.length) % tabs.length;
        else if (event.key === "Home") next = 0;
        else if (event.key === "End") next = tabs.length - 1;
        if (next === null) return;
        event.preventDefault();
        select(next, true);
      });
      list.appendChild(tab);
      return tab;
    });

    function select(selected, focus) {
      tabs.forEach(function (tab, i) {
        var active = i === selected;
        tab.setAttribute("aria-selected", active ? "true" : "false");
        tab.tabIndex = active ? 0 : -1;
        panels[i].hidden = !active;
      });
      if (focus) tabs[selected].focus();
    }

    container.insertBefore(list, panels[0]);
    container.classList.add("tabs--enhanced");
    // A link to a section (#equipment) opens the tab that holds it.
    var start = 0;
    if (location.hash.length > 1) {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      panels.forEach(function (panel, i) { if (target && panel.contains(target)) start = i; });
    }
    select(start, false);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-tabs]"), setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
