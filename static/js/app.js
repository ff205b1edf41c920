// Small behaviours without inline scripts (CSP: script-src 'self').
(function () {
  // The text of a form field for a confirm message: the chosen radio's label or option's text.
  function fieldText(form, name) {
    if (!form) return "";
    const checked = form.querySelector(`input[name="${name}"]:checked`);
    if (checked) {
      const label = checked.closest("label") || form.querySelector(`label[for="${checked.id}"]`);
      return (label ? label.textContent : checked.value).trim();
    }
    const field = form.elements[name];
    if (field && field.tagName === "SELECT") {
      return Array.from(field.selectedOptions).map((o) => o.textContent.trim()).join("、");
    }
    return field && field.value ? String(field.value).trim() : "";
  }

  // data-confirm="确定提交初审意见“{decision}”？" — {name} is replaced by that field's current text;
  // with data-confirm-needs="decision" nothing is asked until that field has a value (the server
  // then says what is missing).
  function confirmed(el, form) {
    const needs = el.dataset.confirmNeeds;
    if (needs && !fieldText(form, needs)) return true;
    const text = el.dataset.confirm.replace(/\{(\w+)\}/g, (_, name) => fieldText(form, name) || "（未选择）");
    return window.confirm(text);
  }

  // every submit button of a POST form shows 提交中… and is disabled until the response arrives
  function lock(form, submitter) {
    const buttons = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
    buttons.forEach((b) => {
      if (b.disabled) return;
      b.dataset.lockedText = b.tagName === "INPUT" ? b.value : b.innerHTML;
      if (b === submitter || buttons.length === 1) {
        if (b.tagName === "INPUT") b.value = "提交中…"; else b.textContent = "提交中…";
      }
      b.disabled = true;
      b.classList.add("is-busy");
    });
    form.dataset.locked = "1";
    // a download (Excel / Word) answers without leaving the page: give the buttons back
    if (form.hasAttribute("data-download")) window.setTimeout(() => unlock(form), 4000);
  }
  function unlock(form) {
    form.querySelectorAll(".is-busy").forEach((b) => {
      if (b.tagName === "INPUT") b.value = b.dataset.lockedText; else b.innerHTML = b.dataset.lockedText;
      b.disabled = false;
      b.classList.remove("is-busy");
    });
    delete form.dataset.locked;
  }

  // --- uploads: the size limit before choosing, a check before sending, progress while sending ---
  function mb(bytes) {
    return (bytes / 1048576).toFixed(bytes < 1048576 ? 1 : 0).replace(/\.0$/, "") + " MB";
  }
  function uploadLimit(input) {
    if (input.dataset.maxBytes) return Number(input.dataset.maxBytes);
    const label = input.id ? document.querySelector(`label[for="${input.id}"]`) : null;
    const text = `${input.accept || ""} ${label ? label.textContent : ""}`;
    return Number(/xlsx|excel/i.test(text) ? document.body.dataset.maxXlsx : document.body.dataset.maxAttachment);
  }
  function prepareUploads() {
    document.querySelectorAll("input[type=file]").forEach((input) => {
      const limit = uploadLimit(input);
      if (!limit || input.dataset.limitShown) return;
      input.dataset.limitShown = "1";
      const note = document.createElement("div");
      note.className = "upload-limit";
      note.textContent = `${input.multiple ? "每个文件" : "文件"}不超过 ${mb(limit)}`;
      input.insertAdjacentElement("beforebegin", note);
      input.addEventListener("change", () => {
        const big = Array.from(input.files).filter((f) => f.size > limit);
        input.setCustomValidity(big.length ? `“${big[0].name}”大小为 ${mb(big[0].size)}，超过上限 ${mb(limit)}，请重新选择。` : "");
        if (big.length) input.reportValidity();
      });
    });
    // a form shown again with errors: the browser has dropped the chosen files, say so
    document.querySelectorAll("form[enctype='multipart/form-data']").forEach((form) => {
      if (!form.querySelector(".field-error, .errorlist, .form-errors")) return;
      form.querySelectorAll("input[type=file]").forEach((input) => {
        const again = document.createElement("div");
        again.className = "upload-again";
        again.textContent = "提交未成功，已选择的文件没有保留：如需上传，请重新选择文件。";
        input.insertAdjacentElement("afterend", again);
      });
    });
  }
  // large uploads go by XMLHttpRequest so the page can show how much has been sent; the answer
  // (the next page, or the form with its errors) then replaces this page as a normal submit would
  const PROGRESS_FROM_BYTES = 256 * 1024;
  function sendWithProgress(form, submitter) {
    const files = Array.from(form.querySelectorAll("input[type=file]")).flatMap((i) => Array.from(i.files));
    const total = files.reduce((sum, f) => sum + f.size, 0);
    if (total < PROGRESS_FROM_BYTES || !window.FormData || !window.XMLHttpRequest) return false;
    const data = new FormData(form, submitter || undefined);
    const box = document.createElement("div");
    box.className = "upload-progress";
    box.setAttribute("role", "status");
    box.innerHTML = '<progress max="100" value="0"></progress> <span>正在上传…</span>';
    const actions = submitter ? submitter.parentElement : form;
    actions.insertAdjacentElement("afterend", box);
    const bar = box.querySelector("progress");
    const label = box.querySelector("span");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((e.loaded / e.total) * 100);
      bar.value = pct;
      label.textContent = `正在上传 ${pct}%（${mb(e.loaded)} / ${mb(e.total)}）`;
    });
    xhr.upload.addEventListener("load", () => { label.textContent = "上传完成，正在处理…"; });
    xhr.addEventListener("load", () => {
      const type = xhr.getResponseHeader("Content-Type") || "";
      if (!type.startsWith("text/html")) { window.location.href = xhr.responseURL; return; }
      if (xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.history.pushState(null, "", xhr.responseURL);
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", () => {
      label.textContent = "上传中断（网络错误），请检查网络后重新提交。";
      unlock(form);
    });
    xhr.send(data);
    return true;
  }

  document.addEventListener("DOMContentLoaded", () => {
    prepareUploads();
    document.body.addEventListener("click", (e) => {
      const el = e.target.closest("[data-confirm]");
      if (el && el.tagName !== "FORM" && !confirmed(el, el.form || el.closest("form"))) {
        e.preventDefault(); e.stopPropagation();
      }
    });
    document.body.addEventListener("submit", (e) => {
      const form = e.target;
      if (form.dataset.locked) { e.preventDefault(); return; } // a second press while the first runs
      if (form.hasAttribute("data-confirm") && !confirmed(form, form)) { e.preventDefault(); return; }
      if (e.defaultPrevented || (form.method || "get").toLowerCase() !== "post") return;
      if (form.hasAttribute("hx-post") || form.hasAttribute("data-no-lock")) return;
      const submitter = e.submitter;
      if (form.enctype === "multipart/form-data" && sendWithProgress(form, submitter)) {
        e.preventDefault();
        lock(form, submitter);
        return;
      }
      // lock after the browser has taken the form data (a disabled submitter would not be sent)
      window.setTimeout(() => lock(form, submitter), 0);
    });
    // back/forward cache: a page shown again must not keep locked buttons
    window.addEventListener("pageshow", () => document.querySelectorAll("form[data-locked]").forEach(unlock));
    // htmx forms: locked for the time of their request
    document.body.addEventListener("htmx:beforeRequest", (e) => {
      const form = e.detail.elt.closest && e.detail.elt.closest("form[hx-post]");
      if (form && e.detail.elt === form) lock(form, null);
    });
    document.body.addEventListener("htmx:afterRequest", (e) => {
      const form = e.detail.elt.closest && e.detail.elt.closest("form[hx-post]");
      if (form) unlock(form);
    });

    // charts: <div class="chart" data-chart-src="id of json_script">
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
    // <table class="table cards-sm">: on phones each row becomes a card; cells are labelled from the header
    document.querySelectorAll("table.cards-sm").forEach((table) => {
      // a sortable header's arrow (▲ ▼) is not part of the label
      const labels = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.replace(/[▲▼]/g, "").trim());
      table.querySelectorAll("tbody tr").forEach((tr) => {
        let col = 0;
        Array.from(tr.children).forEach((td) => {
          if (!td.hasAttribute("colspan") && labels[col]) td.dataset.label = labels[col];
          col += td.colSpan || 1;
        });
      });
    });
    // unit pickers: <select multiple data-unit-picker> with <optgroup>s → searchable, grouped,
    // "全选本组" per group (Tom Select, vendored in static/vendor/tom-select)
    if (window.TomSelect) {
      document.querySelectorAll("select[multiple][data-unit-picker]").forEach((select) => {
        const ts = new window.TomSelect(select, {
          plugins: ["remove_button", "clear_button", "checkbox_options"],
          placeholder: select.dataset.placeholder || "输入名称搜索",
          maxOptions: null,
          hidePlaceholder: false,
          closeAfterSelect: false,
          render: {
            optgroup_header: (data, escape) =>
              `<div class="optgroup-header">${escape(data.label)}` +
              `<button type="button" class="btn btn-sm picker-group-all" data-select-group="${escape(data.value)}">全选本组</button>` +
              `<button type="button" class="btn btn-sm picker-group-none" data-clear-group="${escape(data.value)}">清空本组</button></div>`,
            no_results: () => '<div class="no-results">没有匹配的单位</div>',
          },
        });
        const inGroup = (group) => Object.values(ts.options).filter((o) => String(o.optgroup) === String(group)).map((o) => o.value);
        ts.dropdown.addEventListener("mousedown", (e) => {
          const all = e.target.closest("[data-select-group]");
          const none = e.target.closest("[data-clear-group]");
          if (!all && !none) return;
          e.preventDefault(); e.stopPropagation();
          if (all) ts.addItems(inGroup(all.dataset.selectGroup));
          else inGroup(none.dataset.clearGroup).forEach((v) => ts.removeItem(v, true));
          ts.refreshOptions(false);
        }, true);
      });
    }
    // auto-submit filters: <select data-autosubmit>
    document.querySelectorAll("[data-autosubmit]").forEach((el) =>
      el.addEventListener("change", () => el.form && el.form.submit()));

    // the top bar's menu on narrow screens: <button data-menu-toggle aria-controls="id">
    document.querySelectorAll("[data-menu-toggle]").forEach((btn) => {
      btn.addEventListener("click", () => {
        const open = document.body.classList.toggle("menu-open");
        btn.setAttribute("aria-expanded", open ? "true" : "false");
      });
    });
  });
  document.addEventListener("htmx:configRequest", (e) => {
    const token = document.querySelector("meta[name=csrf-token]");
    if (token) e.detail.headers["X-CSRFToken"] = token.content;
  });
})();
