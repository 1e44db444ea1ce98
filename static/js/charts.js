/* A small chart library of this project: draws SVG charts from JSON data blocks.
 * Each <figure data-chart="bars|hbars|funnel|flows" data-source="ID"> reads the JSON in
 * <script type="application/json" id="ID"> (data, never executed) and draws into itself.
 * No external code, no inline script: works under a strict Content-Security-Policy.
 * The same numbers are always in a table next to the chart, for screen readers and export.
 */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#1d4e89", "#b3261e", "#2a7ab0", "#1e7b45", "#9a6700", "#6b4fa0"];

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(width, height, label) {
    return el("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": label, class: "chart-svg" });
  }

  function legend(root, series, labels) {
    var box = document.createElement("p");
    box.className = "chart-legend";
    series.forEach(function (s, i) {
      var item = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = COLORS[i % COLORS.length];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(labels[s] || s));
      box.appendChild(item);
    });
    root.appendChild(box);
  }

  /* Grouped vertical bars: spec = {categories: [..], labels: {key: text}, series: [..], values: {cat: {series: n}}} */
  function bars(root, spec) {
    var cats = spec.categories, series = spec.series, W = 640, H = 260, pad = 36;
    var max = 1;
    cats.forEach(function (c) { series.forEach(function (s) { max = Math.max(max, (spec.values[c] || {})[s] || 0); }); });
    var chart = svg(W, H, spec.title || "");
    var slot = (W - pad * 2) / Math.max(cats.length, 1), bw = Math.min(40, (slot - 10) / series.length);
    chart.appendChild(el("line", { x1: pad, y1: H - pad, x2: W - pad, y2: H - pad, stroke: "#8b96a5" }));
    cats.forEach(function (c, ci) {
      series.forEach(function (s, si) {
        var v = (spec.values[c] || {})[s] || 0, h = (H - pad * 2) * v / max;
        var x = pad + ci * slot + (slot - bw * series.length) / 2 + si * bw, y = H - pad - h;
        var rect = el("rect", { x: x, y: y, width: bw - 2, height: h, fill: COLORS[si % COLORS.length] });
        rect.appendChild(el("title", {}, (spec.labels[c] || c) + " · " + (spec.labels[s] || s) + ": " + v));
        chart.appendChild(rect);
        if (v) chart.appendChild(el("text", { x: x + bw / 2 - 1, y: y - 4, "text-anchor": "middle", class: "chart-value" }, String(v)));
      });
      chart.appendChild(el("text", { x: pad + ci * slot + slot / 2, y: H - pad + 16, "text-anchor": "middle", class: "chart-axis" },
        spec.labels[c] || c));
    });
    root.appendChild(chart);
    legend(root, series, spec.labels);
  }

  /* Horizontal bars, one series stacked per category (fields). */
  function hbars(root, spec) {
    var cats = spec.categories, series = spec.series, row = 24, W = 640, left = 150;
    var H = cats.length * row + 20, max = 1;
    cats.forEach(function (c) {
      var sum = 0; series.forEach(function (s) { sum += (spec.values[c] || {})[s] || 0; }); max = Math.max(max, sum);
    });
    var chart = svg(W, H, spec.title || "");
    cats.forEach(function (c, ci) {
      var x = left, y = 6 + ci * row;
      chart.appendChild(el("text", { x: left - 8, y: y + 14, "text-anchor": "end", class: "chart-axis" }, spec.labels[c] || c));
      series.forEach(function (s, si) {
        var v = (spec.values[c] || {})[s] || 0, w = (W - left - 40) * v / max;
        var rect = el("rect", { x: x, y: y, width: w, height: row - 6, fill: COLORS[si % COLORS.length] });
        rect.appendChild(el("title", {}, (spec.labels[c] || c) + " · " + (spec.labels[s] || s) + ": " + v));
        chart.appendChild(rect);
        x += w;
      });
      var total = 0; series.forEach(function (s) { total += (spec.values[c] || {})[s] || 0; });
      chart.appendChild(el("text", { x: x + 6, y: y + 14, class: "chart-value" }, String(total)));
    });
    root.appendChild(chart);
    legend(root, series, spec.labels);
  }

  /* Funnel: stages with their totals, each bar's width proportional to the first stage. */
  function funnel(root, spec) {
    var stages = spec.stages, W = 640, row = 40, H = stages.length * row + 10;
    var top = Math.max(1, spec.values[stages[0]] || 0), chart = svg(W, H, spec.title || "");
    stages.forEach(function (s, i) {
      var v = spec.values[s] || 0, w = Math.max(2, (W - 200) * v / Math.max(top, v)), x = (W - 200 - w) / 2 + 190;
      chart.appendChild(el("rect", { x: x, y: 6 + i * row, width: w, height: row - 10, rx: 3, fill: COLORS[i % COLORS.length] }));
      chart.appendChild(el("text", { x: 180, y: 6 + i * row + 20, "text-anchor": "end", class: "chart-axis" }, spec.labels[s] || s));
      chart.appendChild(el("text", { x: x + w + 6, y: 6 + i * row + 20, class: "chart-value" }, String(v)));
    });
    root.appendChild(chart);
  }

  /* Flows between regions: a band from the source region (left) to the target (right), width ~ amount. */
  function flows(root, spec) {
    var regions = spec.regions, W = 640, H = 240, colL = 120, colR = W - 120, max = 0;
    spec.flows.forEach(function (f) { max = Math.max(max, f.amount_wan || f.deals); });
    var chart = svg(W, H, spec.title || ""), ypos = {};
    regions.forEach(function (r, i) {
      ypos[r] = 40 + i * 70;
      chart.appendChild(el("text", { x: colL - 10, y: ypos[r] + 5, "text-anchor": "end", class: "chart-axis" }, spec.labels[r] || r));
      chart.appendChild(el("text", { x: colR + 10, y: ypos[r] + 5, class: "chart-axis" }, spec.labels[r] || r));
    });
    spec.flows.forEach(function (f, i) {
      var w = max ? 4 + 26 * (f.amount_wan || f.deals) / max : 4, y1 = ypos[f.from], y2 = ypos[f.to];
      if (y1 === undefined || y2 === undefined) return;
      var path = el("path", {
        d: "M" + colL + "," + y1 + " C" + (W / 2) + "," + y1 + " " + (W / 2) + "," + y2 + " " + colR + "," + y2,
        stroke: COLORS[i % COLORS.length], "stroke-width": w, fill: "none", "stroke-opacity": 0.7
      });
      path.appendChild(el("title", {}, (spec.labels[f.from] || f.from) + " → " + (spec.labels[f.to] || f.to) + ": " +
        f.deals + " / " + f.amount_wan));
      chart.appendChild(path);
    });
    if (!spec.flows.length) chart.appendChild(el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "chart-axis" }, spec.empty || ""));
    root.appendChild(chart);
  }

  var KINDS = { bars: bars, hbars: hbars, funnel: funnel, flows: flows };
  document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
    var source = document.getElementById(figure.getAttribute("data-source"));
    var draw = KINDS[figure.getAttribute("data-chart")];
    if (!source || !draw) return;
    try { draw(figure, JSON.parse(source.textContent)); } catch (e) { /* the table below still has the numbers */ }
  });
})();
