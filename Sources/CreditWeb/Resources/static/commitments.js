// The /commitments page: voluntary information is sent with its attachments read in the browser, as base64 in the
// JSON of POST /api/v1/voluntary; the page is shown again with the submission.
(function () {
  'use strict';

  const form = document.getElementById('voluntary-submit');
  if (!form) { return; }
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    const result = form.querySelector('.voluntary-result');
    result.textContent = '正在提交…';
    const field = function (name) { return form.elements[name]; };
    const materials = await window.creditFiles.materials(field('files').files);
    const response = await fetch('/api/v1/voluntary', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': field('csrf').value},
      body: JSON.stringify({kind: field('kind').value, title: field('title').value, content: field('content').value,
                            department: field('department').value, materials: materials})
    });
    if (response.ok) { window.location.reload(); return; }
    const answer = await response.json().catch(function () { return {}; });
    result.textContent = answer.error ? answer.error.message : '提交失败（' + response.status + '）';
    result.className = 'voluntary-result problem';
  });
})();
