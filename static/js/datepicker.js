// The dd/mm/yyyy date fields (hungbinh/forms.py, VietnameseDateInput): the date in
// words while typing, and a calendar that works with a keyboard, a screen reader
// and a thumb. No library. Without JavaScript the text box alone still works: the
// server reads it the same way (docs/dates.md).
(function () {
  "use strict";

  var ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
  var SEPARATED = /^(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{4})$/;
  var EIGHT_DIGITS = /^\d{8}$/;
  var SVG = "http://www.w3.org/2000/svg";
  var counter = 0;

  function daysIn(year, month) { return new Date(Date.UTC(year, month, 0)).getUTCDate(); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmt(d) { return pad(d.day) + "/" + pad(d.month) + "/" + d.year; }
  function same(a, b) { return a && b && a.year === b.year && a.month === b.month && a.day === b.day; }

  // The server's rules (parse_vietnamese_date), so that what the words say is what will be saved.
  function parse(text, t) {
    var m, d;
    text = text.replace(/\s+/g, " ").trim();
    if ((m = ISO.exec(text))) { d = { year: +m[1], month: +m[2], day: +m[3] }; }
    else if ((m = SEPARATED.exec(text))) { d = { day: +m[1], month: +m[2], year: +m[3] }; }
    else if (EIGHT_DIGITS.test(text)) { d = { day: +text.slice(0, 2), month: +text.slice(2, 4), year: +text.slice(4) }; }
    else { return null; }
    if (d.year < t.minYear || d.year > t.maxYear || d.month < 1 || d.month > 12) { return null; }
    if (d.day < 1 || d.day > daysIn(d.year, d.month)) { return null; }
    return d;
  }

  function words(d, t) {
    return t.words.replace("{day}", d.day).replace("{month}", t.months[d.month - 1]).replace("{year}", d.year);
  }

  // Day arithmetic in UTC: no time zone or daylight saving can move a day.
  function shift(d, days) {
    var x = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
    return { year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate() };
  }
  function shiftMonths(d, months) {
    var index = d.year * 12 + (d.month - 1) + months;
    var year = Math.floor(index / 12), month = index % 12 + 1;
    return { year: year, month: month, day: Math.min(d.day, daysIn(year, month)) };
  }
  function weekday(d) { return (new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7; } // Monday 0
  function today() { var n = new Date(); return { year: n.getFullYear(), month: n.getMonth() + 1, day: n.getDate() }; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function calendarIcon() {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M7 2v2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2H7zM5 9h14v11H5V9zm2 2v2h2v-2H7zm4 0v2h2v-2h-2zm4 0v2h2v-2h-2zm-8 4v2h2v-2H7zm4 0v2h2v-2h-2z");
    svg.appendChild(path);
    return svg;
  }

  function DateField(input) {
    this.input = input;
    this.t = JSON.parse(input.getAttribute("data-datepicker"));
    this.words = document.getElementById(input.id + "_words");
    this.box = input.parentNode;
    this.build();
    this.bind();
  }

  DateField.prototype.build = function () {
    var t = this.t, self = this, id = "dp" + (++counter);
    this.button = el("button", {
      type: "button", "class": "date-button", "aria-label": t.open, "aria-haspopup": "dialog",
      "aria-expanded": "false", "aria-controls": id
    });
    this.button.appendChild(calendarIcon());
    this.dialog = el("div", { "class": "datepicker", id: id, role: "dialog", "aria-modal": "true", "aria-labelledby": id + "-h" });
    this.dialog.hidden = true;

    var head = el("div", { "class": "dp-head" });
    this.prev = el("button", { type: "button", "class": "dp-nav", "aria-label": t.previous }, "‹");
    this.next = el("button", { type: "button", "class": "dp-nav", "aria-label": t.next }, "›");
    this.monthSelect = el("select", { "class": "dp-month", "aria-label": t.month });
    t.months.forEach(function (name, i) { self.monthSelect.appendChild(el("option", { value: i + 1 }, name)); });
    this.yearSelect = el("select", { "class": "dp-year", "aria-label": t.year });
    for (var y = t.minYear; y <= t.maxYear; y++) { this.yearSelect.appendChild(el("option", { value: y }, String(y))); }
    head.appendChild(this.prev);
    head.appendChild(this.monthSelect);
    head.appendChild(this.yearSelect);
    head.appendChild(this.next);

    this.heading = el("h2", { "class": "dp-heading", id: id + "-h", "aria-live": "polite" });
    this.table = el("table", { "class": "dp-grid", role: "grid", "aria-labelledby": id + "-h" });
    var headRow = el("tr");
    t.weekdays.forEach(function (pair) { headRow.appendChild(el("th", { scope: "col", abbr: pair[1], title: pair[1] }, pair[0])); });
    var thead = el("thead");
    thead.appendChild(headRow);
    this.table.appendChild(thead);
    this.tbody = el("tbody");
    this.table.appendChild(this.tbody);
    this.close = el("button", { type: "button", "class": "button small dp-close" }, t.close);

    this.dialog.appendChild(this.heading);
    this.dialog.appendChild(head);
    this.dialog.appendChild(this.table);
    this.dialog.appendChild(this.close);
    this.box.appendChild(this.button);
    this.box.appendChild(this.dialog);
  };

  DateField.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () { self.showWords(false); });
    this.input.addEventListener("change", function () { self.normalise(); });
    this.input.addEventListener("blur", function () { self.normalise(); });
    this.button.addEventListener("click", function () { if (self.dialog.hidden) { self.open(); } else { self.hide(true); } });
    this.prev.addEventListener("click", function () { self.move(shiftMonths(self.focused, -1), false); });
    this.next.addEventListener("click", function () { self.move(shiftMonths(self.focused, 1), false); });
    this.monthSelect.addEventListener("change", function () {
      self.move(shiftMonths(self.focused, +self.monthSelect.value - self.focused.month), false);
    });
    this.yearSelect.addEventListener("change", function () {
      self.move(shiftMonths(self.focused, 12 * (+self.yearSelect.value - self.focused.year)), false);
    });
    this.close.addEventListener("click", function () { self.hide(true); });
    this.tbody.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-day]");
      if (button) { self.choose({ year: self.focused.year, month: self.focused.month, day: +button.getAttribute("data-day") }); }
    });
    this.tbody.addEventListener("keydown", function (event) { self.gridKey(event); });
    this.dialog.addEventListener("keydown", function (event) { self.dialogKey(event); });
    document.addEventListener("pointerdown", function (event) {
      if (!self.dialog.hidden && !self.dialog.contains(event.target) && !self.button.contains(event.target)) { self.hide(false); }
    });
  };

  DateField.prototype.showWords = function (complain) {
    if (!this.words) { return; }
    var text = this.input.value.trim(), d = text ? parse(text, this.t) : null;
    this.words.classList.toggle("date-words-invalid", Boolean(text && !d && complain));
    if (d) { this.words.textContent = words(d, this.t); }
    else if (!text || complain) { this.words.textContent = text ? this.t.invalid : ""; }
  };

  // 15082010 or 1/8/2010 becomes 15/08/2010 when the user leaves the box: they see what will be saved.
  DateField.prototype.normalise = function () {
    var d = parse(this.input.value, this.t);
    if (d && this.input.value !== fmt(d)) { this.input.value = fmt(d); }
    this.showWords(true);
  };

  DateField.prototype.open = function () {
    var t = this.t, start = parse(this.input.value, t) || today();
    if (start.year < t.minYear) { start = { year: t.minYear, month: 1, day: 1 }; }
    if (start.year > t.maxYear) { start = { year: t.maxYear, month: 12, day: 31 }; }
    this.selected = parse(this.input.value, t);
    this.dialog.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    this.move(start, true);
    if (this.dialog.scrollIntoView) { this.dialog.scrollIntoView({ block: "nearest" }); }
  };

  DateField.prototype.hide = function (returnFocus) {
    this.dialog.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    if (returnFocus) { this.button.focus(); }
  };

  DateField.prototype.choose = function (d) {
    this.input.value = fmt(d);
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
    this.hide(true);
  };

  DateField.prototype.move = function (d, focusDay) {
    var t = this.t;
    if (d.year < t.minYear || d.year > t.maxYear) { return; }
    var sameMonth = this.focused && this.focused.year === d.year && this.focused.month === d.month;
    this.focused = d;
    if (!sameMonth) { this.render(); }
    var self = this;
    Array.prototype.forEach.call(this.tbody.querySelectorAll("button[data-day]"), function (b) {
      var on = +b.getAttribute("data-day") === d.day;
      b.tabIndex = on ? 0 : -1;
      if (on && focusDay) { b.focus(); }
      if (on) { self.current = b; }
    });
  };

  DateField.prototype.render = function () {
    var t = this.t, d = this.focused, now = today();
    this.heading.textContent = t.heading.replace("{month}", t.months[d.month - 1]).replace("{year}", d.year);
    this.monthSelect.value = String(d.month);
    this.yearSelect.value = String(d.year);
    this.prev.disabled = d.year === t.minYear && d.month === 1;
    this.next.disabled = d.year === t.maxYear && d.month === 12;
    this.tbody.textContent = "";
    var first = weekday({ year: d.year, month: d.month, day: 1 }), last = daysIn(d.year, d.month);
    var row = el("tr");
    for (var i = 0; i < first; i++) { row.appendChild(el("td")); }
    for (var day = 1; day <= last; day++) {
      var date = { year: d.year, month: d.month, day: day };
      var cell = el("td", same(date, this.selected) ? { "aria-selected": "true" } : {});
      var button = el("button", { type: "button", tabindex: "-1", "data-day": day, "aria-label": words(date, t) }, String(day));
      if (same(date, now)) { button.setAttribute("aria-current", "date"); }
      cell.appendChild(button);
      row.appendChild(cell);
      if ((first + day) % 7 === 0) { this.tbody.appendChild(row); row = el("tr"); }
    }
    if (row.children.length) {
      while (row.children.length < 7) { row.appendChild(el("td")); }
      this.tbody.appendChild(row);
    }
  };

  DateField.prototype.gridKey = function (event) {
    var d = this.focused, target = null;
    switch (event.key) {
      case "ArrowLeft": target = shift(d, -1); break;
      case "ArrowRight": target = shift(d, 1); break;
      case "ArrowUp": target = shift(d, -7); break;
      case "ArrowDown": target = shift(d, 7); break;
      case "Home": target = shift(d, -weekday(d)); break;
      case "End": target = shift(d, 6 - weekday(d)); break;
      case "PageUp": target = shiftMonths(d, event.shiftKey ? -12 : -1); break;
      case "PageDown": target = shiftMonths(d, event.shiftKey ? 12 : 1); break;
      default: return;
    }
    event.preventDefault();
    this.move(target, true);
  };

  DateField.prototype.dialogKey = function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.hide(true);
      return;
    }
    if (event.key !== "Tab") { return; }
    // A modal dialog keeps the focus inside until it is closed.
    var stops = [this.prev, this.monthSelect, this.yearSelect, this.next, this.current, this.close].filter(function (b) {
      return b && !b.disabled;
    });
    var at = stops.indexOf(document.activeElement);
    if (event.shiftKey && at <= 0) { event.preventDefault(); stops[stops.length - 1].focus(); }
    else if (!event.shiftKey && at === stops.length - 1) { event.preventDefault(); stops[0].focus(); }
  };

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-datepicker]"), function (input) {
      if (!input.dataset.datepickerReady) {
        input.dataset.datepickerReady = "1";
        new DateField(input);
      }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
