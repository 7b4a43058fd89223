// The names of the photos chosen, next to the Russian «choose» button
// that stands in for the browser's own (templates/appeals/_macros.html)
document.querySelectorAll('input[type=file][data-chosen]').forEach(function (input) {
  input.addEventListener('change', function () {
    var out = document.getElementById(input.dataset.chosen);
    var names = Array.prototype.map.call(input.files, function (file) {
      return file.name;
    });
    out.textContent = names.length ? 'Выбрано: ' + names.join(', ')
      : 'Файлы не выбраны';
  });
});
