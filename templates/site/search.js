// jatac site search: every word typed must appear in a case's text; title matches first.
// No server, no library: search-index.js sets window.JATAC_SEARCH (see jatac/site/search.py).
(function () {
  "use strict";
  var index = window.JATAC_SEARCH || [];
  var form = document.querySelector("form.search");
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var summary = document.getElementById("summary");
  var LIMIT = 100;
  var folded = index.map(function (row) {
    return { title: (row[0] + " " + row[1]).toLowerCase(), all: row.join(" ").toLowerCase() };
  });

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function run(text) {
    var wanted = words(text);
    list.textContent = "";
    if (!wanted.length) { summary.textContent = ""; return; }
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var f = folded[i], score = 0, ok = true;
      for (var w = 0; w < wanted.length; w++) {
        if (f.title.indexOf(wanted[w]) >= 0) { score += 2; }
        else if (f.all.indexOf(wanted[w]) >= 0) { score += 1; }
        else { ok = false; break; }
      }
      if (ok) { found.push([score, i]); }
    }
    found.sort(function (a, b) { return b[0] - a[0] || (index[a[1]][0] < index[b[1]][0] ? 1 : -1); });
    summary.textContent = found.length + (found.length === 1 ? " case found" : " cases found") +
      (found.length > LIMIT ? "; the first " + LIMIT + " are shown" : "") + ".";
    found.slice(0, LIMIT).forEach(function (hit) {
      var row = index[hit[1]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "cases/" + row[0] + ".html";
      a.textContent = row[0] + ": " + row[1];  // text, never markup
      var where = document.createElement("span");
      where.className = "muted";
      where.textContent = " (" + row[2] + (row[3] ? ", " + row[3] : "") + ")";
      li.appendChild(a);
      li.appendChild(where);
      list.appendChild(li);
    });
  }

  if (!form || !input || !list || !summary) { return; }
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    run(input.value);
  });
  input.addEventListener("input", function () { run(input.value); });
  run(input.value);
})();
