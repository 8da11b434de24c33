/* The credit calculator of the refkit site: the engine of `refkit stack` (refkit/stack), ported
   line for line, run in the browser on the data the site exports (window.REFKIT_CREDIT, one
   script per framework: its latest release, the versions whose blocks may be held, the release
   chains). A test runs both engines on every set of blocks of a release and compares them.

   window.refkitCredit(holdings) -> the JSON `refkit stack --format json` prints, where a holding
   is "framework@version:BLOCK". */
(function () {
  "use strict";
  var DATA = window.REFKIT_CREDIT;
  if (!DATA) { return; }

  function key(home, version) { return home + "\u0000" + version; }

  // -- coverage: competencies covered in each home framework, at each version ---------------
  function Coverage() { this.covered = {}; this.whole = {}; }
  Coverage.prototype.slot = function (table, home, version) {
    var k = key(home, version);
    if (!table[k]) { table[k] = { keys: [], map: {} }; }
    return table[k];
  };
  function setdefault(slot, name, value) {
    if (!Object.prototype.hasOwnProperty.call(slot.map, name)) {
      slot.map[name] = value;
      slot.keys.push(name);
    }
  }
  function has(slot, name) { return !!slot && Object.prototype.hasOwnProperty.call(slot.map, name); }
  Coverage.prototype.addBlock = function (home, version, block, competencies, origin) {
    var slot = this.slot(this.covered, home, version);
    competencies.forEach(function (c) { setdefault(slot, c, origin); });
    setdefault(this.slot(this.whole, home, version), block, origin);
  };
  Coverage.prototype.at = function (home, version) {
    return this.covered[key(home, version)] || { keys: [], map: {} };
  };
  Coverage.prototype.blocksAt = function (home, version) {
    return this.whole[key(home, version)] || { keys: [], map: {} };
  };

  function origin(held, via, path, entry) {
    return { held: held, via: via, path: path || [], entry: entry === undefined ? null : entry };
  }
  function extend(o, start, to) { return (o.path.length ? o.path : [start]).concat([to]); }

  function versionsOf(chain, fallback) {
    return chain.length ? [chain[0].old].concat(chain.map(function (s) { return s.new; })) : [fallback];
  }

  function propagate(coverage, home, chain, goal) {
    var versions = versionsOf(chain, goal);
    var g = versions.indexOf(goal);
    if (g === -1) { return; }
    var starts = [];
    Object.keys(coverage.covered).forEach(function (k) {
      var parts = k.split("\u0000");
      if (parts[0] === home && versions.indexOf(parts[1]) !== -1) { starts.push(versions.indexOf(parts[1])); }
    });
    if (!starts.length) { return; }
    var k;
    for (k = Math.min.apply(null, starts); k < g; k += 1) { forward(coverage, home, chain[k]); }
    for (k = Math.max.apply(null, starts); k > g; k -= 1) { backward(coverage, home, chain[k - 1]); }
  }

  function forward(coverage, home, step) {
    var old = coverage.at(home, step.old);
    var whole = coverage.blocksAt(home, step.old);
    var fresh = coverage.slot(coverage.covered, home, step.new);
    var freshWhole = coverage.slot(coverage.whole, home, step.new);
    old.keys.forEach(function (cid) {
      var o = old.map[cid];
      var nid = step.map[cid];
      if (nid !== undefined && !has(fresh, nid)) {
        setdefault(fresh, nid, origin(o.held, "correspondence", extend(o, step.old, step.new)));
      }
    });
    step.entries.forEach(function (e) {
      var type = e[0], oldBlock = e[1], newBlocks = e[2], missing = e[3];
      if (!has(whole, oldBlock)) { return; }
      var o = whole.map[oldBlock];
      var via = origin(o.held, "correspondence", extend(o, step.old, step.new), type);
      if (type === "removed") { return; }
      newBlocks.forEach(function (nb) {
        var comps = step.new_blocks[nb] || [];
        comps.forEach(function (c) {
          if (missing.indexOf(c) === -1 && !has(fresh, c)) { setdefault(fresh, c, via); }
        });
        if (type === "equivalent" || !comps.some(function (c) { return missing.indexOf(c) !== -1; })) {
          setdefault(freshWhole, nb, via);
        }
      });
    });
    Object.keys(step.new_blocks).forEach(function (nb) {
      var comps = step.new_blocks[nb];
      if (comps.length && !has(freshWhole, nb) && comps.every(function (c) { return has(fresh, c); })) {
        setdefault(freshWhole, nb, fresh.map[comps[0]]);
      }
    });
  }

  function backward(coverage, home, step) {
    var newer = coverage.at(home, step.new);
    var older = coverage.slot(coverage.covered, home, step.old);
    var back = {};
    Object.keys(step.map).forEach(function (o) {
      var n = step.map[o];
      if (step.unchanged.indexOf(n) !== -1) { back[n] = o; }
    });
    newer.keys.forEach(function (nid) {
      var o = newer.map[nid];
      var oid = back[nid];
      if (oid !== undefined && !has(older, oid)) {
        setdefault(older, oid, origin(o.held, "correspondence", extend(o, step.new, step.old)));
      }
    });
    var whole = coverage.slot(coverage.whole, home, step.old);
    Object.keys(step.old_blocks).forEach(function (ob) {
      var comps = step.old_blocks[ob];
      if (comps.length && !has(whole, ob) && comps.every(function (c) { return has(older, c); })) {
        setdefault(whole, ob, older.map[comps[0]]);
      }
    });
  }

  // -- credit and pathway --------------------------------------------------------------------
  function heldName(h) { return h.framework + "@" + h.version + ":" + h.block; }
  function homeOf(cert, id) {
    var b = cert.byId[id];
    return [b.home || cert.framework, b.home_version || cert.version];
  }
  function uniqSorted(list) {
    var seen = {};
    return list.filter(function (x) { if (seen[x]) { return false; } seen[x] = true; return true; }).sort();
  }
  function via(o, cert) { return o.held.framework !== cert.framework ? "shared" : o.via; }

  function credit(cert, coverage, holdings) {
    return cert.blocks.map(function (block) {
      var h = homeOf(cert, block.id);
      var covered = coverage.at(h[0], h[1]);
      var wholeSlot = coverage.blocksAt(h[0], h[1]);
      var whole = has(wholeSlot, block.id) ? wholeSlot.map[block.id] : null;
      var direct = holdings.filter(function (x) {
        return x.framework === cert.framework && x.version === cert.version && x.block === block.id;
      });
      var missing = block.competencies.filter(function (c) { return !has(covered, c); });
      var origins = block.competencies.filter(function (c) { return has(covered, c); })
        .map(function (c) { return covered.map[c]; });
      var total = block.competencies.length;
      if (direct.length) {
        return { block: block.id, title: block.title, status: "credited", via: "direct",
          held: direct.map(heldName), path: [], missing: [], competencies: total };
      }
      if (whole !== null && (!missing.length || whole.entry === "equivalent")) {
        origins = [whole];
        missing = [];
      }
      if (!missing.length && (origins.length || whole !== null)) {
        var first = origins.length ? origins[0] : whole;
        return { block: block.id, title: block.title, status: "credited", via: via(first, cert),
          held: uniqSorted(origins.map(function (o) { return heldName(o.held); })),
          path: first.path.slice(), missing: [], competencies: total };
      }
      if (origins.length) {
        return { block: block.id, title: block.title, status: "partial", via: via(origins[0], cert),
          held: uniqSorted(origins.map(function (o) { return heldName(o.held); })),
          path: origins[0].path.slice(), missing: missing, competencies: total };
      }
      return { block: block.id, title: block.title, status: "missing", via: null, held: [],
        path: [], missing: block.competencies.slice(), competencies: total };
    });
  }

  function round1(x) { return Math.round(x * 10) / 10; }
  function share(block, c) {
    if (c.status === "partial" && c.competencies) {
      var f = c.missing.length / c.competencies;
      return [block.hours === null ? null : round1(block.hours * f),
        block.credits === null ? null : round1(block.credits * f)];
    }
    return [block.hours, block.credits];
  }
  function cost(block, c) {
    var s = share(block, c);
    return [s[0] !== null ? s[0] : (s[1] !== null ? s[1] : 0), c.missing.length];
  }
  function compare(a, b) {
    for (var i = 0; i < a.length; i += 1) {
      if (a[i] < b[i]) { return -1; }
      if (a[i] > b[i]) { return 1; }
    }
    return 0;
  }

  function pathway(cert, credits) {
    var byId = {};
    credits.forEach(function (c) { byId[c.block] = c; });
    var done = {};
    credits.forEach(function (c) { if (c.status === "credited") { done[c.block] = true; } });
    var needed = { keys: [], map: {} };
    cert.required.forEach(function (b) {
      if (cert.byId[b] && !done[b]) { setdefault(needed, b, "required"); }
    });
    var electives = cert.electives.map(function (group) {
      var members = group.blocks.filter(function (b) { return cert.byId[b]; });
      var held = members.filter(function (b) { return done[b]; });
      var chosen = held.slice(0, group.choose);
      if (chosen.length < group.choose) {
        var ranked = [];
        members.forEach(function (b, i) {
          if (!done[b]) { ranked.push(cost(cert.byId[b], byId[b]).concat([i, b])); }
        });
        ranked.sort(compare);
        ranked.slice(0, group.choose - chosen.length).forEach(function (r) {
          var b = r[3];
          chosen.push(b);
          setdefault(needed, b, "elective " + group.id);
        });
      }
      return { group: group.id, title: group.title, choose: group.choose, credited: held,
        chosen: chosen, alternatives: members.filter(function (b) { return chosen.indexOf(b) === -1; }) };
    });
    var queue = needed.keys.slice();
    while (queue.length) {
      var b = queue.pop();
      cert.byId[b].prerequisites.forEach(function (pre) {
        if (cert.byId[pre] && !done[pre] && !has(needed, pre)) {
          setdefault(needed, pre, "prerequisite of " + b);
          queue.push(pre);
        }
      });
    }
    var order = topological(cert, needed);
    var steps = order.map(function (id) {
      var block = cert.byId[id];
      var c = byId[id];
      var s = share(block, c);
      return { block: id, title: block.title, reason: needed.map[id], partial: c.status === "partial",
        missing: c.missing.slice(), hours: s[0], credits: s[1] };
    });
    function total(index) {
      var values = steps.map(function (s) { return index === 0 ? s.hours : s.credits; });
      var known = values.filter(function (v) { return v !== null; });
      return known.length ? round1(known.reduce(function (a, v) { return a + v; }, 0)) : null;
    }
    return {
      certification: { framework: cert.framework, version: cert.version, title: cert.title, draft: cert.draft },
      complete: !steps.length,
      credited: credits.filter(function (c) { return c.status === "credited"; }),
      partial: credits.filter(function (c) { return c.status === "partial"; }),
      electives: electives,
      pathway: steps,
      remaining: { blocks: steps.length, hours: total(0), credits: total(1) }
    };
  }

  function topological(cert, needed) {
    var listed = cert.required.slice();
    cert.electives.forEach(function (g) { listed = listed.concat(g.blocks); });
    listed = listed.concat(cert.blocks.map(function (b) { return b.id; }));
    var orderOf = {};
    var n = 0;
    listed.forEach(function (b) { if (orderOf[b] === undefined) { orderOf[b] = n; n += 1; } });
    var remaining = needed.keys.slice();
    var out = [];
    function byOrder(a, b) { return orderOf[a] - orderOf[b]; }
    while (remaining.length) {
      var ready = remaining.filter(function (b) {
        return !cert.byId[b].prerequisites.some(function (p) { return remaining.indexOf(p) !== -1; });
      }).sort(byOrder);
      if (!ready.length) { ready = remaining.slice().sort(byOrder).slice(0, 1); }
      out.push(ready[0]);
      remaining.splice(remaining.indexOf(ready[0]), 1);
    }
    return out;
  }

  // -- the data -----------------------------------------------------------------------------
  function indexed(view) {
    view.byId = {};
    view.blocks.forEach(function (b) { view.byId[b.id] = b; });
    return view;
  }
  var target = indexed(DATA.target);
  var views = {};
  DATA.views.forEach(function (v) { views[v.framework + "@" + v.version] = indexed(v); });

  window.refkitCredit = function (names) {
    var holdings = names.map(function (name) {
      var m = /^(.*)@(.*):(.*)$/.exec(name);
      return { framework: m[1], version: m[2], block: m[3] };
    });
    var coverage = new Coverage();
    holdings.forEach(function (h) {
      var view = views[h.framework + "@" + h.version];
      var home = homeOf(view, h.block);
      coverage.addBlock(home[0], home[1], h.block, view.byId[h.block].competencies,
        origin(h, "direct"));
    });
    var needed = {};
    target.blocks.forEach(function (b) { var h = homeOf(target, b.id); needed[key(h[0], h[1])] = h; });
    var homesHeld = {};
    Object.keys(coverage.covered).forEach(function (k) { homesHeld[k.split("\u0000")[0]] = true; });
    Object.keys(needed).sort().forEach(function (k) {
      var h = needed[k];
      if (homesHeld[h[0]] && DATA.chains[h[0]]) { propagate(coverage, h[0], DATA.chains[h[0]], h[1]); }
    });
    var result = pathway(target, credit(target, coverage, holdings));
    result.holdings = names.slice();
    result.notes = [];  // (refkit stack's notes are about versions it could not find: none here)
    return result;
  };

  // -- the page: tick blocks, read what they are worth ---------------------------------------
  var form = document.getElementById("credit");
  if (!form) { return; }
  var out = document.getElementById("credit-output");
  var d = form.dataset;
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function hours(v) { return v === null ? "" : " (" + String(v).replace(".", ",") + "\u00a0" + d.hours + ")"; }
  function reason(r) {
    if (r === "required") { return d.required; }
    if (r.indexOf("elective ") === 0) { return d.elective.replace("{group}", r.slice(9)); }
    return d.prerequisite.replace("{block}", r.replace("prerequisite of ", ""));
  }
  function show() {
    var held = Array.prototype.map.call(form.querySelectorAll("input[name=held]:checked"),
      function (i) { return i.value; });
    var r = window.refkitCredit(held);
    out.textContent = "";
    if (!held.length) { out.appendChild(el("p", d.none)); return; }
    var got = r.credited.concat(r.partial);
    if (got.length) {
      var ul = el("ul", "", "credit-list");
      got.forEach(function (c) {
        var li = el("li");
        li.appendChild(el("strong", c.block + " "));
        li.appendChild(document.createTextNode(c.title + " — "));
        li.appendChild(el("span", c.status === "credited" ? d.credited : d.partial, c.status));
        if (c.missing.length) { li.appendChild(document.createTextNode(" · " + d.missing + " : " + c.missing.join(", "))); }
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }
    if (r.complete) { out.appendChild(el("p", d.complete, "complete")); return; }
    var still = r.remaining.blocks === 1 ? d.remainingOne : d.remaining;
    out.appendChild(el("h3", still.replace("{n}", r.remaining.blocks) + hours(r.remaining.hours)));
    var ol = el("ol", "", "pathway");
    r.pathway.forEach(function (s) {
      var li = el("li");
      li.appendChild(el("strong", s.block + " "));
      li.appendChild(document.createTextNode(s.title + hours(s.hours) + " — " + reason(s.reason)));
      if (s.partial) { li.appendChild(document.createTextNode(" · " + d.missing + " : " + s.missing.join(", "))); }
      ol.appendChild(li);
    });
    out.appendChild(ol);
  }
  form.hidden = false;
  document.getElementById("credit-section").hidden = false;
  form.addEventListener("change", show);
  show();
})();
