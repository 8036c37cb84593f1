// Sortable tables: each heading with data-sort becomes a button that sorts the
// table's row groups (<tbody>) by the group's data-<key> attribute. Without the
// script the headings stay plain text and the table keeps its server order.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th[data-sort]"));
    heads.forEach(function (head) {
      var key = head.getAttribute("data-sort");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (head.firstChild) { button.appendChild(head.firstChild); }
      head.appendChild(button);
      button.addEventListener("click", function () {
        // Numbers sort largest first on the first click (most borrowed, most uncredited); text A to Z.
        var groups = Array.prototype.slice.call(table.tBodies);
        var numeric = groups.every(function (g) { return !isNaN(parseFloat(g.getAttribute("data-" + key))); });
        var current = head.getAttribute("aria-sort");
        var descending = current ? current !== "descending" : numeric;
        groups.sort(function (a, b) {
          var x = a.getAttribute("data-" + key) || "";
          var y = b.getAttribute("data-" + key) || "";
          var order = numeric ? parseFloat(x) - parseFloat(y) : (x < y ? -1 : x > y ? 1 : 0);
          return descending ? -order : order;
        });
        groups.forEach(function (g) { table.appendChild(g); });
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", descending ? "descending" : "ascending");
      });
    });
  });
}());

// A link into a folded post, paragraph run or cluster opens the folds around
// its target (Chromium does so by itself; this covers other browsers too).
(function () {
  "use strict";
  function unfold() {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var opened = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; opened = true; }
    }
    if (opened) { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", unfold);
  if (location.hash) { unfold(); }
}());

// Filters for the duplicates section. The page is complete without this
// script: the filter form stays hidden and every pair stays visible.
(function () {
  "use strict";
  var form = document.getElementById("dup-filters");
  if (!form) { return; }
  var pairs = Array.prototype.slice.call(document.querySelectorAll("#duplicates .pair"));
  var clusters = Array.prototype.slice.call(document.querySelectorAll("#duplicates .cluster"));
  var pairsShown = document.getElementById("pairs-shown");
  var clustersShown = document.getElementById("clusters-shown");
  var slider = form.elements.namedItem("minsim");
  var sliderValue = form.elements.namedItem("minsimvalue");
  // Lower-cased once: searching 5,000 pairs on every keystroke must stay instant.
  var records = pairs.map(function (pair) {
    var texts = Array.prototype.map.call(pair.querySelectorAll(".runs"), function (el) { return el.textContent; });
    return {
      element: pair,
      kind: pair.getAttribute("data-kind"),
      scope: pair.getAttribute("data-scope"),
      // A JSON list: an outlet may be named with any character, "|" and "," included.
      outlets: JSON.parse(pair.getAttribute("data-outlets") || "[]"),
      similarity: parseFloat(pair.getAttribute("data-sim")) || 0,
      text: texts.join("\n").toLowerCase()
    };
  });

  function checkedValues(name) {
    var values = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name='" + name + "']"), function (box) {
      values[box.value] = box.checked;
    });
    return values;
  }

  function apply() {
    var kinds = checkedValues("kind");
    var scopes = checkedValues("scope");
    var outlet = form.elements.namedItem("outlet").value;
    var minimum = parseFloat(slider.value) || 0;
    var query = form.elements.namedItem("q").value.trim().toLowerCase();
    var shown = 0;
    sliderValue.value = minimum.toFixed(2);
    records.forEach(function (record) {
      var visible = kinds[record.kind] !== false &&
        scopes[record.scope] !== false &&
        (outlet === "" || record.outlets.indexOf(outlet) >= 0) &&
        record.similarity + 1e-9 >= minimum &&
        (query === "" || record.text.indexOf(query) >= 0);
      record.element.hidden = !visible;
      if (visible) { shown += 1; }
    });
    var clusterCount = 0;
    clusters.forEach(function (cluster) {
      var any = cluster.querySelector(".pair:not([hidden])") !== null;
      cluster.hidden = !any;
      if (any) { clusterCount += 1; }
    });
    pairsShown.textContent = shown.toLocaleString("en-US");
    clustersShown.textContent = clusterCount.toLocaleString("en-US");
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  // A link to a paragraph inside a filtered-out pair must still land somewhere visible.
  window.addEventListener("hashchange", function () {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.closest && target.closest("#duplicates [hidden]")) {
      form.reset();
      apply();
      target.scrollIntoView();
    }
  });
  // Printing shows the collapsed lists too.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  apply();
}());

// Landing on an anchor in a large report. Off-screen cards are laid out at a
// placeholder height (content-visibility: auto in report.css) until they come
// near the screen: the browser scrolls to an anchor by the placeholders, then
// lays out the cards around it, and the target moves away (by thousands of
// pixels in the report of a 2.4-million-paragraph dump). Scroll again, frame by
// frame, until the target holds still where it belongs; any input of the
// reader's own stops it.
(function () {
  "use strict";
  if (!document.body.classList.contains("large")) { return; }
  var run = 0;

  function settle() {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) { return; }
    var mine = ++run;
    var still = 0;
    var frames = 60;
    function step() {
      if (mine !== run) { return; }
      var margin = parseFloat(getComputedStyle(target).scrollMarginTop) || 0;
      var off = target.getBoundingClientRect().top - margin;
      var before = window.scrollY;
      if (Math.abs(off) > 1) { window.scrollBy(0, off); }
      still = window.scrollY === before ? still + 1 : 0;
      frames -= 1;
      if (still < 3 && frames > 0) { window.requestAnimationFrame(step); }
    }
    window.requestAnimationFrame(step);
  }

  function stop() { run += 1; }
  ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (name) {
    window.addEventListener(name, stop, { passive: true });
  });
  window.addEventListener("hashchange", settle);
  // A link to the hash already in the address bar scrolls without a hashchange.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (link && link.getAttribute("href") === location.hash) { window.setTimeout(settle, 0); }
  });
  if (location.hash) { window.addEventListener("load", settle); }
}());
