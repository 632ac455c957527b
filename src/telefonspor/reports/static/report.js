/* The table of holders without a number: search, filters, sorting, 50 rows a page,
   a trace dialog, and a full plain table for printing. Data is set with textContent
   only, so no value from the data can become markup. */
(function () {
  "use strict";
  var source = document.getElementById("holder-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var rows = data.rows;
  var pageSize = data.pageSize || 50;
  var collator = new Intl.Collator("da", { sensitivity: "base", numeric: true });
  var state = { q: "", c: "", s: "", r: "", e: "", key: "", dir: 1, page: 0 };
  var view = rows;
  var expanded = {};  /* user id -> true while its action and details are shown */
  var $ = function (id) { return document.getElementById(id); };

  rows.forEach(function (row) {
    row._text = [row.u, row.n, row.e, row.r.join(" "), row.d, row.m, row.p,
      data.causes[row.c] || "", data.parties[row.s] || "", row.a].join(" ").toLocaleLowerCase("da");
  });

  function label(key, row) {
    if (key === "c") { return data.causes[row.c] || ""; }
    if (key === "s") { return data.parties[row.s] || row.s || ""; }
    if (key === "r") { return row.r.join("; "); }
    return row[key] || "";
  }

  function fillSelect(id, values, toLabel) {
    var select = $(id);
    values.sort(function (a, b) { return collator.compare(toLabel(a), toLabel(b)); });
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = toLabel(value);
      select.appendChild(option);
    });
  }

  function unique(pick) {
    var seen = {};
    rows.forEach(function (row) {
      [].concat(pick(row)).forEach(function (v) { if (v) { seen[v] = true; } });
    });
    return Object.keys(seen);
  }

  fillSelect("f-cause", unique(function (r) { return r.c; }), function (c) { return data.causes[c] || c; });
  fillSelect("f-party", unique(function (r) { return r.s; }), function (s) { return data.parties[s] || s; });
  fillSelect("f-role", unique(function (r) { return r.r; }), function (v) { return v; });
  fillSelect("f-unit", unique(function (r) { return r.e; }), function (v) { return v; });

  function filtered() {
    var words = state.q.toLocaleLowerCase("da").split(/\s+/).filter(Boolean);
    var out = rows.filter(function (row) {
      if (state.c && row.c !== state.c) { return false; }
      if (state.s && row.s !== state.s) { return false; }
      if (state.e && row.e !== state.e) { return false; }
      if (state.r && row.r.indexOf(state.r) < 0) { return false; }
      for (var i = 0; i < words.length; i++) {
        if (row._text.indexOf(words[i]) < 0) { return false; }
      }
      return true;
    });
    if (state.key) {
      out.sort(function (a, b) {
        return state.dir * collator.compare(label(state.key, a), label(state.key, b));
      });
    }
    return out;
  }

  function cell(tr, text) {
    var td = document.createElement("td");
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function render() {
    view = filtered();
    var pages = Math.max(1, Math.ceil(view.length / pageSize));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * pageSize;
    var body = $("rows");
    var fragment = document.createDocumentFragment();
    view.slice(start, start + pageSize).forEach(function (row, i) {
      var index = String(start + i);
      var open = Boolean(expanded[row.u]);
      var tr = document.createElement("tr");
      tr.className = "holder";
      var first = document.createElement("td");
      var toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "row-open";
      toggle.textContent = row.u;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.setAttribute("aria-label", (open ? "Skjul" : "Vis") + " handling og detaljer for " + row.u);
      first.appendChild(toggle);
      tr.appendChild(first);
      cell(tr, row.n);
      cell(tr, row.r.join("; ")).className = "roles";
      cell(tr, data.causes[row.c] || "");
      cell(tr, data.parties[row.s] || row.s);
      tr.dataset.index = index;
      fragment.appendChild(tr);
      if (open) { fragment.appendChild(detailRow(row, index)); }
    });
    body.replaceChildren(fragment);
    $("count").textContent = view.length === rows.length
      ? rows.length + " rolleindehavere uden brugbart nummer"
      : view.length + " af " + rows.length + " rolleindehavere vises";
    $("page-info").textContent = "Side " + (state.page + 1) + " af " + pages;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
  }

  /* The expanded row: what to do first, then the facts behind it, and the way to the trace. */
  function detailRow(row, index) {
    var tr = document.createElement("tr");
    tr.className = "detail";
    var td = document.createElement("td");
    td.colSpan = 5;
    var action = document.createElement("p");
    action.className = "action";
    var strong = document.createElement("strong");
    strong.textContent = "Handling: ";
    action.appendChild(strong);
    action.appendChild(document.createTextNode(row.a || "Ingen handling foreslået."));
    td.appendChild(action);
    var facts = document.createElement("dl");
    [["Hvad er galt", row.p], ["Enhed", row.e], ["Direkte nummer", row.d || "–"],
     ["Mobil nummer", row.m || "–"], ["Beslutning", row.b]].forEach(function (pair) {
      if (!pair[1]) { return; }
      var dt = document.createElement("dt");
      dt.textContent = pair[0];
      var dd = document.createElement("dd");
      dd.textContent = pair[1];
      facts.appendChild(dt);
      facts.appendChild(dd);
    });
    td.appendChild(facts);
    var trace = document.createElement("button");
    trace.type = "button";
    trace.className = "trace-open";
    trace.textContent = "Se sporet gennem kæden";
    trace.dataset.index = index;
    td.appendChild(trace);
    tr.appendChild(td);
    return tr;
  }

  function showTrace(row) {
    var dialog = $("trace");
    $("trace-title").textContent = "Spor for " + row.u + (row.n ? " (" + row.n + ")" : "");
    var body = $("trace-body");
    var parts = document.createDocumentFragment();
    [["Hvad er galt", row.p], ["Årsag", data.causes[row.c] || ""], ["Forklaring", row.x],
     ["Ansvarlig", data.parties[row.s] || row.s], ["Handling", row.a], ["Beslutning", row.b],
     ["Bemærkninger", row.f.join(", ")]].forEach(function (pair) {
      if (!pair[1]) { return; }
      var p = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = pair[0] + ": ";
      p.appendChild(strong);
      p.appendChild(document.createTextNode(pair[1]));
      parts.appendChild(p);
    });
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    ["System", "Plads i kæden", "Fundet", "Direkte", "Mobil", "Sendt videre (direkte / mobil)",
     "Koblet på", "Sikkerhed", "Noter"].forEach(function (h) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.appendChild(th);
    });
    var tbody = table.createTBody();
    row.t.forEach(function (hop) {
      var tr = tbody.insertRow();
      cell(tr, hop.system);
      cell(tr, hop.position);
      cell(tr, hop.found ? "Ja" : "Nej");
      cell(tr, hop.direct);
      cell(tr, hop.mobile);
      cell(tr, [hop.sent_direct, hop.sent_mobile].filter(Boolean).join(" / "));
      cell(tr, hop.key);
      cell(tr, hop.confidence);
      cell(tr, hop.notes.join("; "));
    });
    if (!row.t.length) {
      cell(tbody.insertRow(), "Ingen systemer i kæden er angivet.").colSpan = 9;
    }
    parts.appendChild(table);
    body.replaceChildren(parts);
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
  }

  $("rows").addEventListener("click", function (event) {
    var traceButton = event.target.closest("button.trace-open");
    if (traceButton) { showTrace(view[Number(traceButton.dataset.index)]); return; }
    var tr = event.target.closest("tr.holder");
    if (!tr) { return; }
    var row = view[Number(tr.dataset.index)];
    if (expanded[row.u]) { delete expanded[row.u]; } else { expanded[row.u] = true; }
    render();
    var again = $("rows").querySelector("tr.holder[data-index='" + tr.dataset.index + "'] button.row-open");
    if (again) { again.focus(); }
  });
  $("q").addEventListener("input", function (event) { state.q = event.target.value; state.page = 0; render(); });
  [["f-cause", "c"], ["f-party", "s"], ["f-role", "r"], ["f-unit", "e"]].forEach(function (pair) {
    $(pair[0]).addEventListener("change", function (event) {
      state[pair[1]] = event.target.value; state.page = 0; render();
    });
  });
  $("prev").addEventListener("click", function () { state.page -= 1; render(); });
  $("next").addEventListener("click", function () { state.page += 1; render(); });
  Array.prototype.forEach.call(document.querySelectorAll("#holders th button"), function (button) {
    button.addEventListener("click", function () {
      var key = button.dataset.key;
      state.dir = state.key === key ? -state.dir : 1;
      state.key = key;
      Array.prototype.forEach.call(document.querySelectorAll("#holders th"), function (th) {
        th.setAttribute("aria-sort", "none");
      });
      button.parentNode.setAttribute("aria-sort", state.dir === 1 ? "ascending" : "descending");
      render();
    });
  });

  /* Printing: every row of the current filter (not just the page) in a plain table,
     and closed <details> opened; both undone after printing. */
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var all = filtered();
    var table = document.createElement("table");
    var caption = table.createCaption();
    caption.textContent = all.length === rows.length
      ? "Alle " + rows.length + " rolleindehavere uden brugbart nummer"
      : all.length + " af " + rows.length + " rolleindehavere (filtreret)";
    var head = table.createTHead().insertRow();
    ["Brugernavn", "Navn", "Enhed", "Roller", "Direkte nummer", "Mobil nummer", "Årsag",
     "Ansvarlig", "Handling"].forEach(function (h) {
      var th = document.createElement("th");
      th.textContent = h;
      head.appendChild(th);
    });
    var tbody = table.createTBody();
    all.forEach(function (row) {
      var tr = tbody.insertRow();
      [row.u, row.n, row.e, row.r.join("; "), row.d, row.m, data.causes[row.c] || "",
       data.parties[row.s] || row.s, row.a].forEach(function (v) { cell(tr, v); });
    });
    $("print-area").replaceChildren(table);
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    $("print-area").replaceChildren();
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  render();
}());
