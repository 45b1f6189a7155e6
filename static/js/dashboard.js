/* The dashboard's charts, drawn with Chart.js (static/vendor/chartjs) from the numbers the page
   carries in #dashboard-charts; the same numbers are in the table under each chart. Each drawn
   canvas gets data-drawn="true" (the browser tests wait for it). No inline script: the page's
   Content-Security-Policy allows none. */
(function () {
  "use strict";

  var COLORS = {
    before: "#7aa6d6",
    after: "#0b4f8a",
    quality_before: "#f0b86e",
    quality_after: "#c46a00",
    planned: "#b8c4d0",
    performed: "#0b4f8a",
    over: "#1e7b3c",
    under: "#b42318"
  };
  var PALETTE = ["#0b4f8a", "#c46a00", "#1e7b3c", "#7b3fa0", "#b42318", "#5b6b7c"];

  // The page's language's separators (portal.numbers.chart_format), so the axes and tooltips
  // write 5\u00a0000 and 5,5 as the tables beside them do; browsers do not all know Kyrgyz.
  var SEPARATORS = { decimal: ".", group: ",", grouping: 3 };

  function readSeparators() {
    var source = document.getElementById("dashboard-number-format");
    if (source) {
      SEPARATORS = JSON.parse(source.textContent);
    }
  }

  function formatNumber(value) {
    // At most two decimals, none written when they are zero: 5000, 5.5, 52.29.
    var digits = Math.abs(value).toFixed(2);
    if (digits.indexOf(".") >= 0) {
      digits = digits.replace(/0+$/, "").replace(/\.$/, "");
    }
    var parts = digits.split(".");
    var whole = parts[0];
    var size = SEPARATORS.grouping > 0 ? SEPARATORS.grouping : 3;
    var groups = [];
    while (whole.length > size) {
      groups.unshift(whole.slice(-size));
      whole = whole.slice(0, -size);
    }
    groups.unshift(whole);
    var text = groups.join(SEPARATORS.group);
    if (parts.length > 1) {
      text += SEPARATORS.decimal + parts[1];
    }
    return (value < 0 && Number(digits) !== 0 ? "-" : "") + text;
  }

  function chartLocale() {
    var lang = document.documentElement.lang;
    return lang === "ky" ? "ru" : lang || undefined;
  }

  function numberFormat(unit) {
    return function (value) {
      return formatNumber(value) + (unit ? "\u00a0" + unit : "");
    };
  }

  function colorOf(series, index) {
    return COLORS[series.role] || PALETTE[index % PALETTE.length];
  }

  function datasets(spec) {
    return spec.series.map(function (series, index) {
      var color = colorOf(series, index);
      var background = color;
      if (spec.marks && spec.marks.length && series.role === "performed") {
        background = spec.marks.map(function (mark) {
          return COLORS[mark] || color;
        });
      }
      return {
        label: series.label,
        data: series.values,
        backgroundColor: background,
        borderColor: color,
        borderWidth: spec.kind === "line" ? 2 : 0,
        pointRadius: spec.kind === "line" ? 3 : 0,
        tension: 0.2,
        fill: false
      };
    });
  }

  // A long category name (a department's, beside a horizontal bar) in lines that fit two fifths of
  // the chart's width, instead of being cut at the canvas's edge on a phone.
  function wrapped(label, width) {
    var room = Math.max(14, Math.floor((width * 0.4) / 7));
    var lines = [];
    var line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > room) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  function draw(spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) {
      return null;
    }
    var box = canvas.parentNode;
    if (spec.horizontal) {
      // One bar per department, as tall as its name's lines: the box grows with them (CSSOM, which
      // the CSP allows).
      var lines = Math.max.apply(null, spec.labels.map(function (label) {
        return wrapped(label, box.clientWidth).length;
      }).concat([1]));
      box.style.height = spec.labels.length * (12 + 12 * lines) + 90 + "px";
    }
    var format = numberFormat(spec.unit);
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: spec.stacked,
      ticks: { callback: function (value) { return format(value); } }
    };
    if (spec.unit === "%") {
      scales[valueAxis].suggestedMax = 100;
    }
    scales[valueAxis === "x" ? "y" : "x"] = { stacked: spec.stacked, ticks: { autoSkip: false } };
    if (spec.horizontal) {
      scales.y.ticks.callback = function (value) {
        return wrapped(this.getLabelForValue(value), box.clientWidth);
      };
    }
    var chart = new window.Chart(canvas, {
      type: spec.kind,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: {
        // Chart.js's own formatting (what no callback below covers) in a language every
        // browser knows with the page's separators: Kyrgyz writes numbers as Russian does.
        locale: chartLocale(),
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + format(item.parsed[valueAxis]);
              }
            }
          }
        }
      }
    });
    canvas.setAttribute("data-drawn", "true");
    return chart;
  }

  function start() {
    var source = document.getElementById("dashboard-charts");
    if (!source || !window.Chart) {
      return;
    }
    readSeparators();
    var charts = JSON.parse(source.textContent).map(draw).filter(Boolean);
    var opened = [];
    // Print: every chart's table is printed under it, and the charts fit the page's width.
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details.chart-data:not([open])").forEach(function (details) {
        details.open = true;
        opened.push(details);
      });
      charts.forEach(function (chart) { chart.resize(); });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (details) { details.open = false; });
      opened = [];
      charts.forEach(function (chart) { chart.resize(); });
    });
    document.querySelectorAll(".print-button").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
