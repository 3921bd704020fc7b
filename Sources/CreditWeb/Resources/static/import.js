// Uploads a file as an import job and shows its progress (the server writes it after every stored batch).
(function () {
  const form = document.getElementById('import-form');
  if (!form) return;
  const status = document.getElementById('import-status');
  const bar = document.getElementById('import-progress');
  const line = document.getElementById('import-line');
  const result = document.getElementById('import-result');

  function show(job, size) {
    const percent = size ? Math.min(100, Math.round(job.bytesDone * 100 / size)) : (job.status === 'done' ? 100 : 0);
    bar.value = job.status === 'done' ? 100 : percent;
    line.textContent = '已处理 ' + job.rows + ' 行（' + percent + '%）';
    if (job.status === 'done') {
      result.innerHTML = '';
      const text = '完成：新增 ' + job.accepted + '，更新 ' + job.updated + '，未变 ' + job.unchanged + '，退回 ' + job.rejected + '。';
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
    const poll = setInterval(async function () {
      const response = await fetch('/api/v1/imports/' + job.id);
      if (response.ok) show(await response.json(), file.size);
    }, 400);
    const uploaded = await fetch('/api/v1/imports/' + job.id + '/file', {
      method: 'PUT', headers: {'Content-Type': 'text/csv', 'X-CSRF-Token': csrf}, body: file
    });
    clearInterval(poll);
    const done = await uploaded.json();
    if (done.error && done.error.message) { result.textContent = done.error.message; return; }
    show(done, file.size);
  });
})();
