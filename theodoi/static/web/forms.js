// Behaviour the pages would otherwise write inline (the Content-Security-Policy allows
// scripts from the site's own static files only): a <select data-autosubmit> sends its
// form when it changes, and so does an <input data-autosubmit> (the viewing date).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit], input[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
// <input type="checkbox" data-check-all="NAME"> ticks or unticks every box named NAME in
// its form (the review queue's "choose all").
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("input[data-check-all]") && target.form) {
    target.form.querySelectorAll("input[type=checkbox][name='" + target.dataset.checkAll + "']")
      .forEach(function (box) { box.checked = target.checked; });
  }
});

// A <form data-confirm="question"> asks before it is sent (withdrawing a report): the
// question is the page's own text, so it is translated with the page.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// An agency box (<input data-suggest="URL" list="ID">) offers the few agencies whose name
// holds what was typed: the page ships no list of every agency, and without this script
// the typed name is read on the server alone.
(function () {
  var timer = null;
  var asked = "";
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-suggest]")) {
      return;
    }
    var list = document.getElementById(box.getAttribute("list"));
    var text = box.value.trim();
    if (!list || text.length < 2 || text === asked) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      asked = text;
      fetch(box.dataset.suggest + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (box.value.trim() !== text) {
          return;  // typed on since: a newer answer is coming
        }
        list.replaceChildren.apply(list, data.results.map(function (row) {
          var option = document.createElement("option");
          option.value = row.label;
          return option;
        }));
      }).catch(function () { /* no suggestions: the typed name still works */ });
    }, 200);
  });
})();
