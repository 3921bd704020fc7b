// A special credit report's page: its print button prints it (A4, by the page's print style).
(function () {
  'use strict';
  const button = document.getElementById('report-print');
  if (button) { button.addEventListener('click', function () { window.print(); }); }
})();
