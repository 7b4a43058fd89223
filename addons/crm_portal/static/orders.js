// The executor's close form: say which photos the camera gave, since the
// browser's own file button is hidden under a Russian one
document.addEventListener('DOMContentLoaded', function () {
  var input = document.getElementById('photos');
  var chosen = document.getElementById('photos-chosen');
  if (!input || !chosen) return;
  input.addEventListener('change', function () {
    var names = Array.prototype.map.call(input.files, function (f) {
      return f.name;
    });
    chosen.textContent = names.length
      ? chosen.dataset.some + names.length + ' (' + names.join(', ') + ')'
      : chosen.dataset.none;
  });
});
