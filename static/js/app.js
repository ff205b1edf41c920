// Small behaviours without inline scripts (CSP: script-src 'self').
document.addEventListener("DOMContentLoaded", () => {
  // confirm dialogs: <button data-confirm="确定撤回？">
  document.body.addEventListener("click", (e) => {
    const el = e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { e.preventDefault(); e.stopPropagation(); }
  });
  // charts: <div class="chart" data-chart='{...echarts option...}'> or data-chart-src="id of json_script"
  if (window.echarts) {
    document.querySelectorAll("[data-chart-src]").forEach((el) => {
      const src = document.getElementById(el.dataset.chartSrc);
      if (!src) return;
      const option = JSON.parse(src.textContent);
      const chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      window.addEventListener("resize", () => chart.resize());
    });
  }
  // auto-submit filters: <select data-autosubmit>
  document.querySelectorAll("[data-autosubmit]").forEach((el) =>
    el.addEventListener("change", () => el.form && el.form.submit()));
});
document.body && document.body.addEventListener("htmx:configRequest", (e) => {
  const token = document.querySelector("meta[name=csrf-token]");
  if (token) e.detail.headers["X-CSRFToken"] = token.content;
});
