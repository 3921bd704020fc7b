// Uploads a file as an import job and shows its progress (the server writes it after every stored batch).
(function () {
  const form = document.getElementById('import-form');
  if (!form) return;
  const status = document.getElementById('import-status');
  const bar = document.getElementById('import-progress');
  const line = document.getElementById('import-line');
  const result = document.getElementById('import-result');
  const grouped = function (n) { return Number(n).toLocaleString('zh-CN'); };

  function show(job, size) {
    const percent = size ? Math.min(100, Math.round(job.bytesDone * 100 / size)) : (job.status === 'done' ? 100 : 0);
    bar.value = job.status === 'done' ? 100 : percent;
    line.textContent = '已处理 ' + grouped(job.rows) + ' 行（' + percent + '%）';
    if (job.status === 'done') {
      result.innerHTML = '';
      const text = '完成：新增 ' + grouped(job.accepted) + '，更新 ' + grouped(job.updated) + '，未变 ' + grouped(job.unchanged) +
        '，退回 ' + grouped(job.rejected) + '。' + (job.warned > 0 ? '其中 ' + grouped(job.warned) + ' 行已入库但有警告（如旧代码第 17 位校验不符）。' : '');
      result.appendChild(document.createTextNode(text));
      if (job.rejected > 0) {
        const link = document.createElement('a');
        link.href = '/rejections';
        link.id = 'import-rejections';
        link.textContent = '查看退回的行并改正';
        result.appendChild(link);
      }
      result.id = 'import-result';
      result.dataset.status = 'done';
    } else if (job.status === 'failed') {
      result.textContent = '文件无法导入：' + job.error;
      result.dataset.status = 'failed';
    }
  }

  // The list of recent uploads: rows of running jobs follow their job until it ends.
  const labels = {waiting: '未收到文件', running: '导入中', done: '完成', failed: '失败'};
  let timers = [];
  // Shows a job's status in its row: the label, a progress bar while it runs, the error when it failed.
  function showStatus(row, job) {
    const cell = row.querySelector('.job-status');
    cell.textContent = labels[job.status] || job.status;
    if (job.status === 'running') {
      const bar = document.createElement('progress');
      bar.className = 'job-progress';
      bar.max = 100;
      cell.appendChild(bar);
    }
    if (job.error) {
      const error = document.createElement('span');
      error.className = 'meta job-error';
      error.textContent = job.error;
      cell.appendChild(document.createElement('br'));
      cell.appendChild(error);
    }
    row.dataset.status = job.status;
  }
  // Follows a job's row every two seconds until the job has ended.
  function follow(row) {
    const timer = setInterval(async function () {
      const response = await fetch('/api/v1/imports/' + row.dataset.id);
      if (!response.ok) return;
      const job = await response.json();
      for (const name of ['rows', 'accepted', 'updated', 'unchanged', 'rejected', 'warned']) {
        row.querySelector('.job-' + name).textContent = grouped(job[name]);
      }
      if (job.status !== row.dataset.status) showStatus(row, job);
      const size = Number(row.dataset.size);
      const bar = row.querySelector('.job-progress');
      if (bar && size > 0) bar.value = Math.min(100, Math.round(job.bytesDone * 100 / size));
      if (job.status === 'done' || job.status === 'failed') clearInterval(timer);
    }, 2000);
    timers.push(timer);
  }
  // Follows the running jobs of the list, and the job just created (still waiting for its file).
  function followRunning(created) {
    timers.forEach(clearInterval);
    timers = [];
    document.querySelectorAll('tr.import-job').forEach(function (row) {
      if (row.dataset.status === 'running' || row.dataset.id === created) follow(row);
    });
  }
  // The list as the server renders it now (after a new job, and when it ends).
  async function refreshList(created) {
    const response = await fetch('/imports');
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const fresh = page.getElementById('imports-list');
    const list = document.getElementById('imports-list');
    if (fresh && list) { list.replaceWith(fresh); followRunning(created); }
  }
  followRunning();

  // The department's saved column mapping for the chosen category, shown above the form (changeable).
  const savedLine = document.getElementById('mapping-saved');
  const savedText = document.getElementById('mapping-saved-text');
  const panel = document.getElementById('mapping-panel');
  const table = document.querySelector('#mapping-table tbody');
  const missingLine = document.getElementById('mapping-missing');
  const mappingError = document.getElementById('mapping-error');
  const basisLabels = {saved: '已保存', name: '名称相同', fieldCode: '字段代码', similar: '名称相近，请确认', none: '未找到'};
  let saved = null;
  let fields = [];
  // The file to send again once its mapping is saved; null when a saved mapping is edited on its own.
  let pending = null;
  function mappingURL(category) { return '/api/v1/column-mappings/' + encodeURIComponent(category); }
  async function loadSaved() {
    saved = null;
    savedLine.hidden = true;
    const response = await fetch(mappingURL(form.category.value));
    if (!response.ok) return;
    saved = await response.json();
    savedText.textContent = '本部门这一类别的文件按已保存的列对应读取：' +
      saved.columns.map(function (c) { return c.column + ' → ' + (c.label || '忽略'); }).join('；') + '。';
    savedLine.hidden = false;
  }
  form.category.addEventListener('change', loadSaved);
  loadSaved();

  // The required fields no column is mapped to.
  function showMissing() {
    const chosen = new Set(Array.from(table.querySelectorAll('select')).map(function (s) { return s.value; }));
    const missing = fields.filter(function (f) { return f.required && !chosen.has(f.name); });
    missingLine.hidden = missing.length === 0;
    missingLine.textContent = '尚无列对应必填字段：' + missing.map(function (f) { return f.label; }).join('、');
  }
  // Shows each column with its proposed (or saved) field, to map, ignore, or stop.
  function openEditor(reason, columns, categoryFields) {
    fields = categoryFields;
    table.innerHTML = '';
    mappingError.hidden = true;
    document.getElementById('mapping-reason').textContent = reason;
    columns.forEach(function (c, i) {
      const row = document.createElement('tr');
      row.className = 'mapping-row';
      const name = document.createElement('td');
      name.className = 'mapping-column';
      name.textContent = c.column;
      const choice = document.createElement('td');
      const select = document.createElement('select');
      select.id = 'mapping-field-' + i;
      select.dataset.column = c.column;
      select.dataset.basis = c.basis;
      const options = [['', '请选择']].concat(fields.map(function (f) { return [f.name, f.label + (f.required ? ' *' : '')]; }), [['__ignore', '忽略此列']]);
      options.forEach(function (o) {
        const option = document.createElement('option');
        option.value = o[0];
        option.textContent = o[1];
        select.appendChild(option);
      });
      select.value = c.field || (c.basis === 'saved' ? '__ignore' : '');
      select.dataset.initial = select.value;
      select.addEventListener('change', showMissing);
      choice.appendChild(select);
      const basis = document.createElement('td');
      basis.className = 'meta mapping-basis';
      basis.textContent = basisLabels[c.basis] || '';
      row.append(name, choice, basis);
      table.appendChild(row);
    });
    showMissing();
    panel.hidden = false;
    panel.scrollIntoView();
  }
  document.getElementById('mapping-cancel').addEventListener('click', function () {
    panel.hidden = true;
    if (pending) { result.textContent = '未导入：列对应未保存。'; result.dataset.status = 'stopped'; }
    pending = null;
  });
  document.getElementById('mapping-edit').addEventListener('click', function () {
    pending = null;
    openEditor('修改已保存的列对应（清空“对应字段”即删去这一列的对应）。',
      saved.columns.map(function (c) { return {column: c.column, field: c.field, basis: 'saved'}; }), saved.fields);
  });
  document.getElementById('mapping-delete').addEventListener('click', async function () {
    const response = await fetch(mappingURL(form.category.value), {method: 'DELETE', headers: {'X-CSRF-Token': form.csrf.value}});
    if (response.ok) loadSaved();
  });
  // Saves the columns the catalogue's names do not already give, then sends the file again.
  document.getElementById('mapping-save').addEventListener('click', async function () {
    const selects = Array.from(table.querySelectorAll('select'));
    const taken = {};
    for (const s of selects) {
      if (s.value === '' || s.value === '__ignore') continue;
      if (taken[s.value]) {
        mappingError.textContent = '“' + taken[s.value] + '”和“' + s.dataset.column + '”对应了同一个字段，请只选一列。';
        mappingError.hidden = false;
        return;
      }
      taken[s.value] = s.dataset.column;
    }
    const columns = selects.filter(function (s) {
      return s.value !== '' && (s.dataset.basis === 'saved' || s.dataset.basis === 'similar' || s.dataset.basis === 'none' || s.value !== s.dataset.initial);
    }).map(function (s) { return {column: s.dataset.column, field: s.value === '__ignore' ? null : s.value}; });
    const category = pending ? pending.category : form.category.value;
    const response = columns.length === 0
      ? await fetch(mappingURL(category), {method: 'DELETE', headers: {'X-CSRF-Token': form.csrf.value}})
      : await fetch(mappingURL(category), {
        method: 'PUT', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': form.csrf.value}, body: JSON.stringify({columns: columns})
      });
    if (!response.ok && response.status !== 404) {
      const body = await response.json();
      mappingError.textContent = body.error ? body.error.message : '无法保存列对应';
      mappingError.hidden = false;
      return;
    }
    panel.hidden = true;
    await loadSaved();
    const again = pending;
    pending = null;
    if (again) await send(again.file, again.category, again.encoding);
  });

  // Creates a job for the file, sends it, and shows what became of it (a header that does not fit: the editor).
  async function send(file, category, encoding) {
    const csrf = form.csrf.value;
    status.hidden = false;
    result.textContent = '';
    delete result.dataset.status;
    const created = await fetch('/api/v1/imports', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
      body: JSON.stringify({category: category, encoding: encoding, filename: file.name, size: file.size})
    });
    const job = await created.json();
    if (!created.ok) { result.textContent = job.error ? job.error.message : '无法创建导入任务'; return; }
    await refreshList(job.id);
    const poll = setInterval(async function () {
      const response = await fetch('/api/v1/imports/' + job.id);
      if (response.ok) show(await response.json(), file.size);
    }, 400);
    const uploaded = await fetch('/api/v1/imports/' + job.id + '/file', {
      method: 'PUT', headers: {'Content-Type': 'text/csv', 'X-CSRF-Token': csrf}, body: file
    });
    clearInterval(poll);
    const done = await uploaded.json();
    refreshList();
    if (done.error && done.error.message) { result.textContent = done.error.message; return; }
    show(done, file.size);
    if (done.status === 'done' && done.mapped) {
      result.appendChild(document.createTextNode('（按本部门保存的列对应读取）'));
    }
    if (done.header) {
      pending = {file: file, category: category, encoding: encoding};
      openEditor('文件的表头与信息目录不符：' + done.error, done.header.columns, done.header.fields);
    }
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    const file = form.file.files[0];
    if (!file) return;
    panel.hidden = true;
    pending = null;
    await send(file, form.category.value, form.encoding.value);
  });
})();
