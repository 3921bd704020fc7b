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

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    const file = form.file.files[0];
    if (!file) return;
    const csrf = form.csrf.value;
    status.hidden = false;
    result.textContent = '';
    delete result.dataset.status;
    const created = await fetch('/api/v1/imports', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
      body: JSON.stringify({category: form.category.value, encoding: form.encoding.value, filename: file.name, size: file.size})
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
  });
})();
