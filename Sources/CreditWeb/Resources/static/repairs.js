// The /repairs page: material files are read in the browser and sent as base64 in the case's JSON step
// (POST /api/v1/repairs/{id}/steps, action "supply"); the page is shown again with the case's new state.
(function () {
  'use strict';

  document.querySelectorAll('form.repair-supply').forEach(function (form) {
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      const result = form.querySelector('.supply-result');
      result.textContent = '正在提交…';
      const materials = await window.creditFiles.materials(form.files.files);
      const response = await fetch('/api/v1/repairs/' + form.dataset.case + '/steps', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': form.csrf.value},
        body: JSON.stringify({action: 'supply', reason: form.reason.value, materials: materials})
      });
      if (response.ok) { window.location.reload(); return; }
      const answer = await response.json().catch(function () { return {}; });
      result.textContent = answer.error ? answer.error.message : '提交失败（' + response.status + '）';
      result.className = 'supply-result problem';
    });
  });
})();
