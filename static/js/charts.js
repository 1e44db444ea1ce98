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

  /* Drawn at most at its own size (a small chart is not blown up), never squeezed below a readable
     size: a narrow screen scrolls the figure sideways instead (CSSOM styles pass a strict CSP). */
  function svg(width, height, label) {
    var node = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": label, class: "chart-svg" });
    node.style.maxWidth = Math.max(width, 320) + "px";
    node.style.minWidth = Math.min(width, 520) + "px";
    return node;
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

  /* Funnel: one bar per stage, every width on one scale (the largest stage), its number beside it.
   * The label sits above its bar so a long label is never clipped (phones too). */
  function funnel(root, spec) {
    var stages = spec.stages, W = 640, row = 52, H = stages.length * row + 6, room = W - 80;
    var max = 1;
    stages.forEach(function (s) { max = Math.max(max, spec.values[s] || 0); });
    var chart = svg(W, H, spec.title || "");
    stages.forEach(function (s, i) {
      var v = spec.values[s] || 0, w = v ? Math.max(3, room * v / max) : 0, y = 4 + i * row;
      chart.appendChild(el("text", { x: 0, y: y + 14, class: "chart-axis" }, spec.labels[s] || s));
      var rect = el("rect", { x: 0, y: y + 20, width: w, height: row - 28, rx: 3, fill: COLORS[i % COLORS.length] });
      rect.appendChild(el("title", {}, (spec.labels[s] || s) + ": " + v));
      chart.appendChild(rect);
      chart.appendChild(el("text", { x: w + 8, y: y + 20 + (row - 28) / 2 + 5, class: "chart-value" }, String(v)));
    });
    root.appendChild(chart);
  }

  /* Heat map: rows × columns of counts (fields × cities), darker where more; the number in each cell. */
  function heatmap(root, spec) {
    var rows = spec.rows, cols = spec.cols, left = 130, top = 70, cell = Math.min(44, (640 - left) / Math.max(cols.length, 1));
    var W = left + cell * cols.length + 44, H = top + rows.length * 30 + 4, max = 1;
    Object.keys(spec.values).forEach(function (k) { max = Math.max(max, spec.values[k]); });
    var chart = svg(W, H, spec.title || "");
    cols.forEach(function (c, ci) {
      var x = left + ci * cell + cell / 2;
      chart.appendChild(el("text", { x: x, y: top - 8, transform: "rotate(-45 " + x + " " + (top - 8) + ")", class: "chart-axis" },
        spec.labels[c] || c));
    });
    rows.forEach(function (r, ri) {
      var y = top + ri * 30;
      chart.appendChild(el("text", { x: left - 8, y: y + 19, "text-anchor": "end", class: "chart-axis" }, spec.labels[r] || r));
      cols.forEach(function (c, ci) {
        var v = spec.values[r + "@" + c] || 0, x = left + ci * cell;
        var rect = el("rect", { x: x + 1, y: y + 1, width: cell - 2, height: 28, rx: 2,
          fill: v ? "rgba(179, 38, 30, " + (0.15 + 0.85 * v / max).toFixed(2) + ")" : "#f0f3f7" });
        rect.appendChild(el("title", {}, (spec.labels[r] || r) + " · " + (spec.labels[c] || c) + ": " + v));
        chart.appendChild(rect);
        if (!v) return;
        var label = el("text", { x: x + cell / 2, y: y + 19, "text-anchor": "middle", class: "chart-value" }, String(v));
        label.style.fill = v / max > 0.5 ? "#fff" : "#1f2328";
        chart.appendChild(label);
      });
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

  var KINDS = { bars: bars, hbars: hbars, funnel: funnel, flows: flows, heatmap: heatmap };
  document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
    var source = document.getElementById(figure.getAttribute("data-source"));
    var draw = KINDS[figure.getAttribute("data-chart")];
    if (!source || !draw) return;
    try { draw(figure, JSON.parse(source.textContent)); } catch (e) { /* the table below still has the numbers */ }
  });
})();
