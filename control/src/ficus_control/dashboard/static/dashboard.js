// The domain page's charts (Chart.js), refreshed from the sampled series every 5 s.
(function () {
  const box = document.querySelector("[data-series]");
  if (!box || !window.Chart) return;
  const line = (id, label, color) => new Chart(document.getElementById(id), {
    type: "line",
    data: { labels: [], datasets: [{ label, data: [], borderColor: color, pointRadius: 2, spanGaps: true }] },
    options: { animation: false, scales: { y: { beginAtZero: true } }, plugins: { legend: { display: false } } },
  });
  const lag = line("lag-chart", "forward lag (s)", "#2f6f4f");
  const reverse = line("reverse-lag-chart", "reverse lag (s)", "#8250df");
  const mismatch = line("mismatch-chart", "mismatch (%)", "#cf222e");
  async function refresh() {
    const response = await fetch(box.dataset.series, { credentials: "same-origin" });
    if (!response.ok) return;
    const series = await response.json();
    const charts = [[lag, series.forward_lag_s], [reverse, series.reverse_lag_s], [mismatch, series.mismatch_pct]];
    for (const [chart, values] of charts) {
      chart.data.labels = series.labels;
      chart.data.datasets[0].data = values;
      chart.update();
    }
  }
  refresh();
  setInterval(refresh, 5000);
})();
