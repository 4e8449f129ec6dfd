/* Charts of the overview, drawn with Chart.js (theodoi/static/vendor/chartjs). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var css = getComputedStyle(document.documentElement);
  function color(name) { return css.getPropertyValue(name).trim(); }
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var lang = document.documentElement.lang;
  var completions = data("completions-data");
  var canvas = document.getElementById("completions");
  if (completions && canvas && completions.labels.length) {
    var labels = completions.labels.map(function (m) { var p = m.split("-"); return p[1] + "/" + p[0]; });
    new Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          { type: "bar", maxBarThickness: 36, label: lang === "en" ? "Completed in the month" : "Hoàn thành trong tháng",
            data: completions.monthly, backgroundColor: color("--done"), yAxisID: "y" },
          { type: "line", label: lang === "en" ? "Completed so far" : "Lũy kế",
            data: completions.cumulative, borderColor: color("--accent"), backgroundColor: color("--accent"),
            tension: 0.2, yAxisID: "y1" }
        ]
      },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } },
                  y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } } }
      }
    });
  }
  var statuses = data("statuses-data");
  var pie = document.getElementById("statuses");
  if (statuses && pie) {
    new Chart(pie, {
      type: "doughnut",
      data: { labels: statuses.labels,
              datasets: [{ data: statuses.values,
                           backgroundColor: statuses.keys.map(function (k) { return color("--" + k.replace("_", "-")); }) }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: "right" } } }
    });
  }
})();
