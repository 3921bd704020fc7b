// Files chosen on a page, read in the browser for a JSON body: [{name, content: base64}], as the API takes materials.
window.creditFiles = (function () {
  'use strict';

  function base64(file) {
    return new Promise(function (resolve, reject) {
      const reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result).split(',')[1] || ''); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  return {
    materials: async function (files) {
      const out = [];
      for (const file of files) { out.push({name: file.name, content: await base64(file)}); }
      return out;
    }
  };
})();
