// Behaviour the pages would otherwise write inline (the Content-Security-Policy allows
// scripts from the site's own static files only): a <select data-autosubmit> sends its
// form when it changes, and so does an <input data-autosubmit> (the viewing date).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit], input[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
