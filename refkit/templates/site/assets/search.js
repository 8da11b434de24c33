/* Offline search for the refkit site: no server, no network. The index is one small script per
   framework (assets/search/<framework>.js), listed in assets/search/files.js, loaded as <script>
   so that it also works when the site is opened from disk (file://). */
(function () {
  "use strict";
  var base = document.currentScript.src.replace(/assets\/search\.js(\?.*)?$/, "");
  function normalize(text) {
    return (text || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
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
  function run() {
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q") || "";
    var input = document.getElementById("query");
    var list = document.getElementById("results");
    var none = document.getElementById("none");
    var status = document.getElementById("status");
    input.value = query;
    var words = normalize(query).split(/\s+/).filter(Boolean);
    if (!words.length) { return; }
    var found = 0;
    (window.REFKIT_SEARCH || []).forEach(function (framework) {
      framework.entries.forEach(function (e) {
        var text = e[3];
        for (var i = 0; i < words.length; i += 1) { if (text.indexOf(words[i]) === -1) { return; } }
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = base + e[0];
        a.textContent = e[1] + " — " + e[2];
        li.appendChild(a);
        var where = document.createElement("span");
        where.className = "id";
        where.textContent = " (" + framework.framework + ")";
        li.appendChild(where);
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
