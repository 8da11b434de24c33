/* Offline search for the refkit site: no server, no network. The index is one small script per
   framework (assets/search/<framework>.js, every published version in it), listed in
   assets/search/files.js, loaded as <script> so that it also works when the site is opened from
   disk (file://).

   A query's words are looked for at the start of a word of an item's text, accents, case and
   the apostrophe's form aside ("reseaux d'evacuation" finds "réseaux d’évacuation"); small
   words ("à", "de", "la"...) are left out when other words are typed, so that "à" does not
   find everything. Each result gives its id and title, the framework and the versions that
   have it, and the passage where the words were found. */
(function () {
  "use strict";
  var base = document.currentScript.src.replace(/assets\/search\.js(\?.*)?$/, "");
  var SMALL = ["a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les",
    "un", "une", "the", "of", "and", "to", "in"];
  // one character for one (positions in the folded text are those of the text): lower case,
  // no accent, anything that is not a letter or a digit a space
  function fold(text) {
    var out = "";
    for (var i = 0; i < text.length; i += 1) {
      var c = text.charAt(i).toLowerCase();
      var d = c.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      c = d.length === 1 ? d : c;
      out += /[0-9a-zœæß\u00e0-\u024f]/.test(c) ? c : " ";
    }
    return out;
  }
  function words(query) {
    var all = fold(query).split(/\s+/).filter(Boolean);
    var kept = all.filter(function (w) { return SMALL.indexOf(w) === -1; });
    return kept.length ? kept : all;
  }
  function load(files, done) {
    var left = files.length;
    if (!left) { done(); return; }
    files.forEach(function (name) {
      var s = document.createElement("script");
      s.src = base + "assets/search/" + encodeURIComponent(name) + ".js";
      s.onload = s.onerror = function () { left -= 1; if (!left) { done(); } };
      document.head.appendChild(s);
    });
  }
  // where the word starts in the folded text (" " + word), or -1; a one-letter word whole
  function find(hay, word) {
    var needle = " " + word + (word.length === 1 ? " " : "");
    return hay.indexOf(needle);
  }
  function snippet(text, hay, at, length) {
    var start = Math.max(0, at - 60);
    var end = Math.min(text.length, at + 1 + length + 80);
    var span = document.createElement("span");
    span.className = "snippet";
    span.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + length);
    span.appendChild(mark);
    span.appendChild(document.createTextNode(text.slice(at + length, end) + (end < text.length ? "…" : "")));
    return span;
  }
  function run() {
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q") || "";
    var input = document.getElementById("query");
    var list = document.getElementById("results");
    var none = document.getElementById("none");
    var status = document.getElementById("status");
    input.value = query;
    var wanted = words(query);
    if (!wanted.length) { return; }
    var found = 0;
    (window.REFKIT_SEARCH || []).forEach(function (framework) {
      framework.entries.forEach(function (e) {
        var titleHay = " " + fold(e[1] + " " + e[2]) + " ";
        var bodyHay = " " + fold(e[3]) + " ";
        var inBody = -1;
        for (var i = 0; i < wanted.length; i += 1) {
          if (find(titleHay, wanted[i]) !== -1) { continue; }
          var at = find(bodyHay, wanted[i]);
          if (at === -1) { return; }
          if (inBody === -1) { inBody = at; }
        }
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = base + e[0];
        a.textContent = !e[1] ? e[2] : !e[2] ? e[1] : e[1] + " — " + e[2];
        li.appendChild(a);
        var where = document.createElement("span");
        where.className = "where";
        var versions = e[4].split(", ");
        var latest = versions.indexOf(framework.latest) !== -1;
        where.textContent = " " + framework.title + " · " +
          (versions.length > 1 ? status.dataset.versions : status.dataset.version) + " " + e[4] +
          (latest ? " (" + status.dataset.current + ")" : "");
        li.appendChild(where);
        if (inBody !== -1) {
          var word = wanted.filter(function (w) { return find(bodyHay, w) === inBody; })[0] || "";
          li.appendChild(snippet(e[3], bodyHay, inBody, word.length));
        }
        list.appendChild(li);
        found += 1;
      });
    });
    status.textContent = found === 1 ? status.dataset.one
      : found > 1 ? status.dataset.many.replace("{n}", found) : "";
    none.hidden = found > 0;
  }
  load(window.REFKIT_SEARCH_FILES || [], run);
})();
