// The print button of /checks: prints the results with their receipts (the form is hidden in print).
document.getElementById('print-button')?.addEventListener('click', () => window.print());
