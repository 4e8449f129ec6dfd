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
  var en = lang === "en";
  // Due against done, month by month, and both so far: the gap between the two lines is
  // the work that fell due and is not finished.
  var months = data("completions-data");
  var canvas = document.getElementById("completions");
  if (months && canvas && months.labels.length) {
    var most = Math.max.apply(null, months.due_total.concat(months.done_total, [4]));
    new Chart(canvas, {
      data: {
        labels: months.labels,
        datasets: [
          { type: "bar", maxBarThickness: 28, label: en ? "Due in the month" : "Đến hạn trong tháng",
            data: months.due, backgroundColor: color("--due-soon") },
          { type: "bar", maxBarThickness: 28, label: en ? "Completed in the month" : "Hoàn thành trong tháng",
            data: months.done, backgroundColor: color("--done") },
          { type: "line", label: en ? "Due so far" : "Lũy kế đến hạn", data: months.due_total,
            borderColor: color("--overdue"), backgroundColor: color("--overdue"), borderDash: [6, 4],
            pointRadius: 0, tension: 0.1 },
          { type: "line", label: en ? "Completed so far" : "Lũy kế hoàn thành", data: months.done_total,
            borderColor: color("--accent"), backgroundColor: color("--accent"), pointRadius: 0, tension: 0.1 }
        ]
      },
      options: {
        animation: false, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: { y: { beginAtZero: true, suggestedMax: most, ticks: { precision: 0 } } }
      }
    });
  }
  // Each section of the plan as one stacked bar of statuses, named as printed.
  var sections = data("sections-data");
  var bars = document.getElementById("sections");
  if (sections && bars && sections.labels.length) {
    new Chart(bars, {
      type: "bar",
      data: {
        // On a phone the bars need the width: labels are cut shorter there.
        labels: sections.labels.map(function (l) {
          var most = bars.parentNode.clientWidth < 520 ? 24 : 70;
          return l.length > most ? l.slice(0, most - 1) + "…" : l;
        }),
        datasets: sections.keys.map(function (key, i) {
          return { label: sections.names[i], data: sections.values[i],
                   backgroundColor: color("--" + key.replace("_", "-")) };
        }).filter(function (set) { return set.data.some(function (n) { return n > 0; }); })
      },
      options: {
        indexAxis: "y", animation: false, maintainAspectRatio: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
                  y: { stacked: true, ticks: { autoSkip: false } } }
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
