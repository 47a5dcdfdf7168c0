/* Draws the "interactions per week" bar chart from the data-chart attribute of its canvas.
   No inline script: the Content-Security-Policy forbids it. */
(function () {
  "use strict";
  var canvas = document.getElementById("weekly-chart");
  if (!canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(canvas.getAttribute("data-chart"));
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (serie) {
        return { label: serie.label, data: serie.data };
      })
    },
    options: {
      responsive: true,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
