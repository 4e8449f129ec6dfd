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
