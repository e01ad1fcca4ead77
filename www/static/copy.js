/* copy.js - progressive enhancement: a "Copy" button beside each
   read-only .copy-source field (the page works without it). */
(function () {
  var fields = document.querySelectorAll('input.copy-source');
  Array.prototype.forEach.call(fields, function (input) {
    var slot = input.parentNode.parentNode.querySelector('.copy-slot');
    if (!slot || !navigator.clipboard) return;
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'Copy the link';
    b.addEventListener('click', function () {
      navigator.clipboard.writeText(input.value).then(function () {
        b.textContent = 'Copied';
      });
    });
    slot.appendChild(b);
  });
})();
